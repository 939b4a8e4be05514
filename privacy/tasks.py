"""The retention purge as a Celery task (scheduled by CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import data_retention_purge


@shared_task(name="privacy.data_retention_purge", ignore_result=True)
def data_retention_purge_task() -> dict[str, int]:
    return data_retention_purge()
