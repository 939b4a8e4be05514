# The provider that produced a job is named as in CVs and letters (orchestrator.ProducedByAI).
# A column rename: every row keeps its value; the API still calls it `extracted_by`.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0002_prompt_version"),
    ]

    operations = [
        migrations.RenameField(model_name="job", old_name="extracted_by", new_name="provider_type"),
    ]
