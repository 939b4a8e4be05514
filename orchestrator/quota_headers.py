"""The caller's quota left, on every answer of a request that made an AI call.

`X-Quota-*` response headers (a browser frontend may read them: config/settings/topics/
frontend.py exposes them). A limit the plan does not have is left out (no header: unlimited).

The gateway tells this module about each call (`call_opened`, `call_reserved`); the
middleware writes the headers when the view answers. What is left is worked out from the
totals the quota reservation's own statement returned, minus what the call then really used:
no query of its own on a paid call. A call that reserved nothing (a cache hit, a free answer,
a refusal) reads the user's two counters once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from billing.limits import Limits, OwnLimits
from billing.models import Plan, QuotaCounter
from billing.quotas import Reservation, next_reset, period_starts


@dataclass
class _Seen:
    user_id: int
    limits: Limits
    call: Any  # orchestrator.gateway.call.Call: its tokens and cost spent, its reservation
    request_id: str
    reservation: Reservation | None = None


_seen: ContextVar[_Seen | None] = ContextVar("quota_headers_seen", default=None)


def call_opened(*, call: Any, plan: Plan, own: OwnLimits | None) -> None:
    user = call.user
    if user is not None and user.pk:
        _seen.set(_Seen(user.pk, Limits.of(plan, own), call, call.request_id))


def call_reserved(*, call: Any) -> None:
    seen = _seen.get()
    if seen is not None and seen.call is call:
        seen.reservation = call.reservation


def quota_headers(seen: _Seen, now: dt.datetime | None = None) -> dict[str, str]:
    now = now or timezone.now()
    day_tokens, month_tokens, month_cost = _totals(seen, now)
    limits = seen.limits
    headers = {"X-Quota-Plan": limits.plan.code, "X-Request-Id": seen.request_id}
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


def _totals(seen: _Seen, now: dt.datetime) -> tuple[int, int, Decimal]:
    reservation = seen.reservation
    if reservation is not None and reservation.totals is not None:
        day, month, cost = reservation.totals
        if seen.call.reservation is None:  # settled: what was used instead of the estimate
            day += seen.call.tokens_spent - reservation.tokens
            month += seen.call.tokens_spent - reservation.tokens
            cost += seen.call.cost_spent - reservation.cost
        return day, month, cost
    day_start, month_start = period_starts(now)
    rows = QuotaCounter.objects.filter(user_id=seen.user_id).filter(
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


class QuotaHeadersMiddleware:
    """Adds the quota headers to the answer of a request in which an AI call was made
    (and to nothing else)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _seen.set(None)
        try:
            response = self.get_response(request)
            seen = _seen.get()
            if seen is not None:
                for name, value in quota_headers(seen).items():
                    response.setdefault(name, value)
            return response
        finally:
            _seen.reset(token)
