"""Alerts, their thresholds and the usage rollups now belong to the usage app (its migration
0001): Django's state only, the tables and their rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orchestrator", "0016_task_choices_from_registry"),
        ("usage", "0001_models_from_orchestrator"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Alert',
                ),
                migrations.DeleteModel(
                    name='AlertThresholds',
                ),
                migrations.DeleteModel(
                    name='UsageDaily',
                ),
                migrations.DeleteModel(
                    name='UsageDailyUser',
                ),
                migrations.DeleteModel(
                    name='UsageLatencyDaily',
                ),
                migrations.DeleteModel(
                    name='UsageLatencyMonthly',
                ),
                migrations.DeleteModel(
                    name='UsageMonthlyUser',
                ),
                migrations.DeleteModel(
                    name='UsageRollupDay',
                ),
            ],
            database_operations=[],
        ),
    ]
