from django.db import migrations, models


def forget_rolled_days(apps, schema_editor):
    # Days rolled up before this migration have no latency buckets: reports read them from
    # UsageLog until `rollup_usage` (or the beat, for recent days) redoes them.
    apps.get_model("orchestrator", "UsageRollupDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orchestrator", "0009_usagerollupday_covered_until"),
    ]

    operations = [
        migrations.RunPython(forget_rolled_days, migrations.RunPython.noop),
        migrations.CreateModel(
            name="UsageLatencyDaily",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("provider_type", models.CharField(max_length=20)),
                ("provider_config_id", models.BigIntegerField(blank=True, null=True)),
                ("model", models.CharField(blank=True, max_length=100)),
                ("bucket", models.PositiveIntegerField()),
                ("calls", models.BigIntegerField()),
            ],
            options={
                "unique_together": {
                    ("day", "provider_type", "provider_config_id", "model", "bucket")
                },
            },
        ),
    ]
