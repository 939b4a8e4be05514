# One definition of the "produced by AI" fields (orchestrator.ProducedByAI): provider_type is
# as long as a job's, which also names "jsonld". Widening a varchar keeps every row.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cvs", "0003_draft_versions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="cvdraft",
            name="provider_type",
            field=models.CharField(blank=True, max_length=40),
        ),
    ]
