"""The periodic usage rollup as a Celery task (scheduled by CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .rollups import usage_rollup_recent


@shared_task(name="orchestrator.usage_rollup_recent", ignore_result=True)
def usage_rollup_recent_task() -> int:
    """Returns the rollup rows written for yesterday and today, for the worker's log."""
    return sum(usage_rollup_recent().values())
