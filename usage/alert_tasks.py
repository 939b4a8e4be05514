"""The periodic alert check as a Celery task (scheduled by CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .alerts import alerts_check


@shared_task(name="orchestrator.alerts_check", ignore_result=True)
def alerts_check_task() -> int:
    """Returns the number of open alerts, for the worker's log."""
    return len(alerts_check())
