"""Celery is one more interface to the services: this task only loads, runs and records."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db.models import F, Q
from django.utils import timezone

from core.errors import AppError
from core.secrets import scrub

from .models import AITask
from .registry import runner_get

logger = logging.getLogger(__name__)

INTERNAL = "An unexpected error stopped this task. It has been logged; please try again."
# A task whose worker died is run again once (its message is put back, CELERY_TASK_ACKS_LATE):
# a second death is taken as the task's own fault, and the reaper fails it.
MAX_RUNS = 2


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def run_ai_task(task_id: str) -> None:
    # Claim it: a pending task, or a running one whose worker died (its message came back);
    # a finished task never runs again. A re-run pays nothing for an answer the first run
    # already had: the answer is in the result cache from the moment its call settled.
    claimed = (
        AITask.objects.filter(pk=task_id, runs__lt=MAX_RUNS)
        .filter(Q(status=AITask.Status.PENDING) | Q(status=AITask.Status.RUNNING))
        .update(status=AITask.Status.RUNNING, started_at=timezone.now(), runs=F("runs") + 1)
    )
    if not claimed:
        logger.warning("AI task %s is missing, finished or out of runs; skipped.", task_id)
        return
    task = AITask.objects.select_related("owner").get(pk=task_id)
    outcome: dict = {}
    try:
        runner = runner_get(task.kind)
        outcome["result"] = runner(user=task.owner, **task.params)
        outcome["status"] = AITask.Status.SUCCEEDED
    except AppError as exc:
        outcome.update(
            status=AITask.Status.FAILED, error_code=exc.code, error_message=scrub(exc.message)
        )
    except Exception:
        logger.exception("AI task %s (%s) failed unexpectedly", task_id, task.kind)
        outcome.update(
            status=AITask.Status.FAILED, error_code="INTERNAL_ERROR", error_message=INTERNAL
        )
    if "image_b64" in task.params:  # megabytes per row, and of no use once the task is done
        outcome["params"] = {**task.params, "image_b64": None}
    try:
        AITask.objects.filter(pk=task_id).update(finished_at=timezone.now(), **outcome)
    except (TypeError, ValueError):  # a runner returned something that is not JSON
        logger.exception("AI task %s (%s) returned an unstorable result", task_id, task.kind)
        AITask.objects.filter(pk=task_id).update(
            status=AITask.Status.FAILED,
            error_code="INTERNAL_ERROR",
            error_message=INTERNAL,
            finished_at=timezone.now(),
        )
