"""What the quota headers of a request are made from: the gateway notes each AI call the request
makes here, and the HTTP edge (orchestrator/edge.py) reads the note when the view has answered
and writes the `X-Quota-*` headers from it.

The gateway writes and the edge reads: neither calls the other. The note holds the user's
limits (read once, when the call opens), the call itself (its tokens and cost spent) and, once
the quota is reserved, the reservation, whose statement returned the user's totals: the edge
needs no query of its own on a paid call.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from billing.limits import Limits, OwnLimits
from billing.models import Plan
from billing.quotas import Reservation


@dataclass
class CallNote:
    """The request's AI call as the quota headers need it."""

    user_id: int
    limits: Limits
    call: Any  # orchestrator.gateway.call.Call: its tokens and cost spent, its reservation
    request_id: str
    reservation: Reservation | None = None


# The note of the request being served; the edge's middleware starts each request with None.
call_note: ContextVar[CallNote | None] = ContextVar("quota_headers_call_note", default=None)


def call_opened(*, call: Any, plan: Plan, own: OwnLimits | None) -> None:
    user = call.user
    if user is not None and user.pk:
        call_note.set(CallNote(user.pk, Limits.of(plan, own), call, call.request_id))


def call_reserved(*, call: Any) -> None:
    note = call_note.get()
    if note is not None and note.call is call:
        note.reservation = call.reservation
