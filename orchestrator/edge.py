"""The AI endpoints' HTTP edge: what Django and DRF run around an AI view, before it and after,
and how the view answers when not right away.

- Throttle (AI_THROTTLES): per-user request rates (AI_THROTTLE_BURST, AI_THROTTLE_SUSTAINED).
  Quotas cap what a plan may spend; these cap how fast, so one client cannot flood the
  providers. Both windows are checked, and the request counted in both, in one atomic step
  (core/shared_state.py: one Lua script, one Redis round trip per AI request; in the process's
  own memory without Redis), so a burst of concurrent requests cannot pass the limit. A
  refused request is not counted; its 429 says in Retry-After when a place frees up.
- Negotiation (StreamNegotiation): a streamed answer (below) is the view's own; the errors
  before its first event are JSON envelopes.
- Quota headers (QuotaHeadersMiddleware): the caller's quota left, as `X-Quota-*` response
  headers on every answer of a request that made an AI call (a browser frontend may read them:
  config/settings/topics/frontend.py exposes them), and on nothing else. A limit the plan does
  not have is left out (no header: unlimited). They are made from the gateway's note of the
  call (CallNote, orchestrator/gateway/call.py): what is left is worked out from the totals
  the quota reservation's own statement returned, minus what the call then really used, with
  no query of its own on a paid call. A call that reserved nothing (a cache hit, a free
  answer, a refusal) reads the user's two counters once.
- Background: an endpoint that supports async mode checks `wants_async(request)`, validates its
  input as usual (bad input is still an immediate 400), then calls `ai_task_submit(...)` and
  returns `accepted_response(task, request)`. The worker runs `orchestrator.tasks.run_ai_task`,
  which calls the runner registered for the task's kind with the stored params.
- Streamed: a client asks with `Accept: text/event-stream` or `?stream=1` (`wants_stream`).
  Whatever fails before the first event (a bad request, the quota, every provider failing) is
  the usual JSON error envelope with its HTTP status (StreamNegotiation); from then on the
  answer is `200 text/event-stream` and a failure is an `error` event, the last one.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from kombu.exceptions import OperationalError
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from billing.models import QuotaCounter
from billing.quotas import next_reset, period_starts
from core.api import envelope
from core.errors import AppError, NotFound
from core.shared_state import rate_window, windows_hit

from .gateway.call import CallNote, call_note
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


# --- Around every AI view: throttle, negotiation, quota headers ------------------------------

AI_RATE_SCOPES = ("ai_burst", "ai_sustained")


class AIRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._wait: float | None = None

    def allow_request(self, request, view) -> bool:
        user = getattr(request, "user", None)
        ident = str(user.pk) if user is not None and user.is_authenticated else None
        ident = ident or f"anon-{self.get_ident(request)}"
        windows = [w for scope in AI_RATE_SCOPES if (w := rate_window(scope, ident)) is not None]
        self._wait = windows_hit(windows).wait
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


AI_THROTTLES = [AIRateThrottle]


class StreamNegotiation(DefaultContentNegotiation):
    """`Accept: text/event-stream` is answered by the view itself with a stream; the errors
    before it are JSON envelopes, so the JSON renderer stands for it here."""

    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        if EVENT_STREAM in request.headers.get("Accept", ""):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)


class QuotaHeadersMiddleware:
    """Adds the quota headers to the answer of a request in which an AI call was made
    (and to nothing else). Headers that need the counters and cannot read them (the database
    went away during the request, whose answer then says so) are left out: the answer goes
    out as the view made it, never turned into a 500 by its headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = call_note.set(None)
        try:
            response = self.get_response(request)
            note = call_note.get()
            if note is not None:
                try:
                    headers = quota_headers(note)
                except DatabaseError as exc:
                    logger.warning("Quota headers left out: the counters are unreadable (%s)", exc)
                    headers = {}
                for name, value in headers.items():
                    response.setdefault(name, value)
            return response
        finally:
            call_note.reset(token)


def quota_headers(note: CallNote, now: dt.datetime | None = None) -> dict[str, str]:
    now = now or timezone.now()
    day_tokens, month_tokens, month_cost = _totals(note, now)
    limits = note.limits
    headers = {"X-Quota-Plan": limits.plan.code, "X-Request-Id": note.call.request_id}
    for name, limit, used in (
        ("Daily-Tokens", limits.daily_tokens, day_tokens),
        ("Monthly-Tokens", limits.monthly_tokens, month_tokens),
        ("Monthly-Cost", limits.monthly_cost_usd, month_cost),
    ):
        if limit is not None:
            left = max(limit - used, 0)
            shown = (lambda v: f"{v:.8f}") if name == "Monthly-Cost" else str  # as the API
            headers[f"X-Quota-{name}-Limit"] = shown(limit)
            headers[f"X-Quota-{name}-Remaining"] = shown(left)
    for name, period in (
        ("Daily", QuotaCounter.Period.DAY),
        ("Monthly", QuotaCounter.Period.MONTH),
    ):
        headers[f"X-Quota-{name}-Reset"] = str(int((next_reset(now, period) - now).total_seconds()))
    return headers


def _totals(note: CallNote, now: dt.datetime) -> tuple[int, int, Decimal]:
    reservation = note.reservation
    if reservation is not None and reservation.totals is not None:
        day, month, cost = reservation.totals
        if note.call.reservation is None:  # settled: what was used instead of the estimate
            day += note.call.tokens_spent - reservation.tokens
            month += note.call.tokens_spent - reservation.tokens
            cost += note.call.cost_spent - reservation.cost
        return day, month, cost
    day_start, month_start = period_starts(now)
    rows = QuotaCounter.objects.filter(user_id=note.user_id).filter(
        Q(period=QuotaCounter.Period.DAY, period_start=day_start)
        | Q(period=QuotaCounter.Period.MONTH, period_start=month_start)
    )
    totals = {
        period: (tokens, cost)
        for period, tokens, cost in rows.values_list(
            "period",
            F("tokens_used") + F("tokens_reserved"),
            F("cost_used_usd") + F("cost_reserved_usd"),
        )
    }
    day_tokens = totals.get(QuotaCounter.Period.DAY, (0, 0))[0]
    month_tokens, month_cost = totals.get(QuotaCounter.Period.MONTH, (0, Decimal(0)))
    return day_tokens, month_tokens, Decimal(month_cost)
