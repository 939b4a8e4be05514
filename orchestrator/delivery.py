"""How an AI endpoint answers when not right away: as a background task the client polls, or as
server-sent events while the answer is written.

- Background: an endpoint that supports async mode checks `wants_async(request)`, validates its
  input as usual (bad input is still an immediate 400), then calls `ai_task_submit(...)` and
  returns `accepted_response(task, request)`. The worker runs `orchestrator.tasks.run_ai_task`,
  which calls the runner registered for the task's kind with the stored params.
- Streamed: a client asks with `Accept: text/event-stream` or `?stream=1` (`wants_stream`).
  Whatever fails before the first event (a bad request, the quota, every provider failing) is
  the usual JSON error envelope with its HTTP status (orchestrator.edge.StreamNegotiation);
  from then on the answer is `200 text/event-stream` and a failure is an `error` event, the
  last one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from kombu.exceptions import OperationalError
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import envelope
from core.errors import AppError, NotFound

from .models import AITask

logger = logging.getLogger(__name__)

SWITCHED_ON = {"1", "true", "yes"}  # `?async=` and `?stream=` values that ask for the mode
QUEUE_DOWN = "The task queue is unavailable right now; try again, or call without async=1."
EVENT_STREAM = "text/event-stream"


# --- As a background task --------------------------------------------------------------------


def wants_async(request: Request) -> bool:
    """`?async=1` (or true/yes), or the RFC 7240 header `Prefer: respond-async`."""
    if request.query_params.get("async", "").strip().lower() in SWITCHED_ON:
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


# --- Streamed as server-sent events ----------------------------------------------------------


def wants_stream(request: Request) -> bool:
    if request.query_params.get("stream", "").strip().lower() in SWITCHED_ON:
        return True
    return EVENT_STREAM in request.headers.get("Accept", "")


def event_stream_response(events: Iterator[tuple[str, dict]]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_encoded(events), content_type=EVENT_STREAM)
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx would otherwise hold events back
    return response


def _encoded(events: Iterator[tuple[str, dict]]) -> Iterator[bytes]:
    """Each event in the SSE wire format; an unexpected failure is an `error` event too, so
    a stream never just stops. Closing this (the client went away) closes `events`."""
    try:
        for name, data in events:
            yield event_bytes(name, data)
    except AppError as exc:
        yield event_bytes("error", {"error_code": exc.code, "message": exc.message})
    except Exception:
        logger.exception("A streamed answer failed")
        yield event_bytes(
            "error", {"error_code": AppError.code, "message": AppError.default_message}
        )
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()


def event_bytes(name: str, data: dict) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, default=str)}\n\n".encode()


# --- OpenAPI: what an endpoint with these modes adds to its description ------------------------

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
