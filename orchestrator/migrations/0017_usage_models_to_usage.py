"""Alerts, their thresholds and the usage rollups now belong to the usage app (its migration
0001): Django's state only, the tables and their rows stay.

No dependency on usage 0001, a layer above: nothing here touches the database, and no model
of this app points at the ones that leave, so Django's state is whole whichever of the two
runs first (usage 0001 depends on 0016, so the tables are there when it takes them over)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orchestrator", "0016_task_choices_from_registry"),
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
