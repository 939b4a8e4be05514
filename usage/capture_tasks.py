"""The capture purge as a Celery task (scheduled by CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .capture import usage_capture_purge


@shared_task(name="usage.capture_purge", ignore_result=True)
def usage_capture_purge_task() -> int:
    return usage_capture_purge()
