# One definition of the "produced by AI" fields (orchestrator.ProducedByAI): provider_type is
# as long as a job's, which also names "jsonld". Widening a varchar keeps every row.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0003_letter_versions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="coverletter",
            name="provider_type",
            field=models.CharField(blank=True, max_length=40),
        ),
    ]
