import django.utils.timezone
from django.db import migrations, models


def forget_rolled_days(apps, schema_editor):
    # Rollups written before this migration have no watermark: reports read those days from
    # UsageLog until `rollup_usage` (or the beat, for recent days) redoes them, correct meanwhile.
    apps.get_model("orchestrator", "UsageRollupDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orchestrator", "0008_usagelog_leaner_indexes"),
    ]

    operations = [
        migrations.RunPython(forget_rolled_days, migrations.RunPython.noop),
        migrations.AddField(
            model_name="usagerollupday",
            name="covered_until",
            field=models.DateTimeField(default=django.utils.timezone.now),
            preserve_default=False,
        ),
    ]
