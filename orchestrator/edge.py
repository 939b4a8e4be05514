"""The AI endpoints' HTTP edge: what Django and DRF run around an AI view, before it and after.

- Throttle (AI_THROTTLES): per-user request rates (AI_THROTTLE_BURST, AI_THROTTLE_SUSTAINED).
  Quotas cap what a plan may spend; these cap how fast, so one client cannot flood the
  providers. Both windows are checked, and the request counted in both, in one atomic step
  (core/shared_state.py: one Lua script, one Redis round trip per AI request; in the process's
  own memory without Redis), so a burst of concurrent requests cannot pass the limit. A
  refused request is not counted; its 429 says in Retry-After when a place frees up.
- Negotiation (StreamNegotiation): a streamed answer (orchestrator.delivery) is the view's own;
  the errors before its first event are JSON envelopes.
- Quota headers (QuotaHeadersMiddleware): the caller's quota left, as `X-Quota-*` response
  headers on every answer of a request that made an AI call (a browser frontend may read them:
  config/settings/topics/frontend.py exposes them), and on nothing else. A limit the plan does
  not have is left out (no header: unlimited). They are made from the gateway's note of the
  call (CallNote, orchestrator/gateway/call.py): what is left is worked out from the totals
  the quota reservation's own statement returned, minus what the call then really used, with
  no query of its own on a paid call. A call that reserved nothing (a cache hit, a free
  answer, a refusal) reads the user's two counters once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from billing.models import QuotaCounter
from billing.quotas import next_reset, period_starts
from core.shared_state import rate_window, windows_hit

from .delivery import EVENT_STREAM
from .gateway.call import CallNote, call_note

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
    (and to nothing else)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = call_note.set(None)
        try:
            response = self.get_response(request)
            note = call_note.get()
            if note is not None:
                for name, value in quota_headers(note).items():
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
