"""The reaper as a Celery task (scheduled by CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .reaper import reap


@shared_task(name="orchestrator.reap", ignore_result=True)
def reap_task() -> dict:
    """What was closed and repaired, for the worker's log."""
    return reap().as_dict()
