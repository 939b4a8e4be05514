"""The daily credentials re-test as a Celery task (scheduled by CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import provider_test_active


@shared_task(name="orchestrator.provider_configs_retest", ignore_result=True)
def provider_configs_retest_task() -> int:
    """Returns how many active configs failed, for the worker's log."""
    return sum(not result.ok for result in provider_test_active())
