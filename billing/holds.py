"""Quota holds: who holds a reservation and until when (billing.models.QuotaHold).

A reservation is written as a hold row in the reservation's own statement, before any vendor
is called, so a call whose process dies still leaves a record of itself: the hold outlives
its `expires_at` (the call budget plus QUOTA_HOLD_MARGIN), and the reaper
(orchestrator/reaper.py) turns it into an ABANDONED usage row and releases what it held.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from .models import QuotaHold

# The columns a hold is inserted with, in the order of hold_values().
HOLD_COLUMNS = [
    "user_id",
    "request_id",
    "day",
    "month",
    "tokens",
    "cost_usd",
    "input_tokens",
    "task_type",
    "plan",
    "tier",
    "provider_type",
    "provider_config_id",
    "model",
    "prompt_version",
    "owner",
    "created_at",
    "expires_at",
]


@dataclass(frozen=True)
class HoldSpec:
    """The call a reservation is for, as its hold (and an abandoned call's row) records it."""

    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    input_tokens: int = 0  # estimated from the request
    task_type: str = ""
    plan: str = ""
    tier: str = ""
    provider_type: str = ""
    provider_config_id: int | None = None
    model: str = ""
    prompt_version: str = ""


_OWNER = f"{socket.gethostname()}:{os.getpid()}"[:100]


def hold_owner() -> str:
    """This process, as holds name it (host:pid)."""
    return _OWNER


def hold_lifetime() -> dt.timedelta:
    """How long a call may hold its reservation: its whole budget, plus a margin for the
    settlement."""
    return dt.timedelta(seconds=settings.AI_CALL_BUDGET + settings.QUOTA_HOLD_MARGIN)


def hold_values(
    spec: HoldSpec, *, user_id: int, day: dt.date, month: dt.date, tokens: int, cost: Decimal
) -> list:
    """A hold's column values, in HOLD_COLUMNS order."""
    now = timezone.now()
    return [
        user_id,
        spec.request_id,
        day,
        month,
        tokens,
        cost,
        spec.input_tokens,
        spec.task_type,
        spec.plan,
        spec.tier,
        spec.provider_type,
        spec.provider_config_id,
        spec.model,
        spec.prompt_version,
        hold_owner(),
        now,
        now + hold_lifetime(),
    ]


def holds_expired(*, now: dt.datetime | None = None) -> QuerySet[QuotaHold]:
    return QuotaHold.objects.filter(expires_at__lt=now or timezone.now())
