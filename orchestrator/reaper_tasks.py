"""The reaper as a Celery task (scheduled by CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .reaper import reap_recent


@shared_task(name="orchestrator.reap", ignore_result=True)
def reap_task() -> dict:
    """What was closed and repaired, for the worker's log."""
    return reap_recent().as_dict()
