"""Running an AI request as a Celery task: submit it, answer 202, let the client poll it.

An endpoint that supports async mode checks `wants_async(request)`, validates its input as
usual (bad input is still an immediate 400), then calls `ai_task_submit(...)` and returns
`accepted_response(task, request)`. The worker runs `orchestrator.tasks.run_ai_task`, which
calls the runner named for the task's kind with the stored params.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from kombu.exceptions import OperationalError
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import envelope
from core.errors import NotFound

from .models import AITask

logger = logging.getLogger(__name__)

ASYNC_VALUES = {"1", "true", "yes"}
QUEUE_DOWN = "The task queue is unavailable right now; try again, or call without async=1."


def wants_async(request: Request) -> bool:
    """`?async=1` (or true/yes), or the RFC 7240 header `Prefer: respond-async`."""
    if request.query_params.get("async", "").strip().lower() in ASYNC_VALUES:
        return True
    prefer = request.headers.get("Prefer", "")
    return any(part.strip().lower() == "respond-async" for part in prefer.split(","))


def ai_task_submit(*, user: Any, kind: str, params: dict) -> AITask:
    """Store the task, then enqueue it once the row is committed (a worker must find it)."""
    from .tasks import run_ai_task

    task = AITask.objects.create(owner=user, kind=kind, params=params)

    def enqueue() -> None:
        try:
            run_ai_task.delay(str(task.pk))
        except OperationalError:
            # No broker: say so on the task instead of leaving it pending for ever.
            logger.exception("Could not enqueue AI task %s", task.pk)
            AITask.objects.filter(pk=task.pk, status=AITask.Status.PENDING).update(
                status=AITask.Status.FAILED,
                error_code="QUEUE_UNAVAILABLE",
                error_message=QUEUE_DOWN,
                finished_at=timezone.now(),
            )

    transaction.on_commit(enqueue)
    return task


def ai_task_get(*, user: Any, task_id: Any) -> AITask:
    """The user's own task; anyone else's is as absent as a task that never existed."""
    task = AITask.objects.filter(pk=task_id, owner=user).first()
    if task is None:
        raise NotFound("No such task.")
    return task


def task_url(task: AITask, request: Request) -> str:
    return request.build_absolute_uri(reverse("ai-task-detail", args=[task.pk]))


def accepted_response(task: AITask, request: Request) -> Response:
    url = task_url(task, request)
    task.refresh_from_db(fields=["status"])  # eager mode has already run it
    return envelope(
        {"task_id": str(task.pk), "status": task.status, "url": url},
        message="Accepted. Poll the task URL for the result.",
        status=202,
        headers={"Location": url},
    )


# --- OpenAPI: what an endpoint with async mode adds to its description --------------------------

# An AI endpoint's background (`.../async`) and streamed (`.../stream`) forms are operations of
# their own, so a generated client types each answer apart; the switches on the endpoint
# itself still work for clients written before, undocumented in its responses.
LEGACY_MODES = (
    "(`?async=1` or `Prefer: respond-async` here still answer as `/async` does, and for a "
    "letter `Accept: text/event-stream` or `?stream=1` as `/stream` does.)"
)

ACCEPTED_RESPONSE = OpenApiResponse(
    inline_serializer(
        name="AcceptedTaskEnvelope",
        fields={
            "success": serializers.BooleanField(default=True),
            "message": serializers.CharField(),
            "data": inline_serializer(
                name="AcceptedTask",
                fields={
                    "task_id": serializers.UUIDField(),
                    "status": serializers.ChoiceField(choices=AITask.Status.choices),
                    "url": serializers.URLField(help_text="GET it until status is final."),
                },
            ),
        },
    ),
    description="Accepted as a background task; the Location header is the task's URL.",
)
