"""The embedded schedule's rows follow the jobs' new names (`<app>.<job>`, as their Celery tasks
are named): a job keeps its last start, so a deploy neither runs every job again at once nor
leaves rows under names nothing runs."""

from django.db import migrations

RENAMED = {
    "alerts_check": "usage.alerts_check",
    "usage_rollup": "usage.rollup_recent",
    "usage_capture_purge": "usage.capture_purge",
    "reaper": "orchestrator.reaper",
    "provider_retest": "orchestrator.provider_configs_retest",
    "data_retention_purge": "privacy.data_retention_purge",
}


def _rename(apps, schema_editor, names):
    ScheduledRun = apps.get_model("orchestrator", "ScheduledRun")
    for old, new in names.items():
        row = ScheduledRun.objects.filter(job=old).first()
        if row is None:
            continue
        if not ScheduledRun.objects.filter(job=new).exists():
            ScheduledRun.objects.create(
                job=new, started_at=row.started_at, finished_at=row.finished_at, error=row.error
            )
        row.delete()


def forward(apps, schema_editor):
    _rename(apps, schema_editor, RENAMED)


def backward(apps, schema_editor):
    _rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("orchestrator", "0022_usage_prompt_version")]

    operations = [migrations.RunPython(forward, backward)]
