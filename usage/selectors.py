"""A user's own usage (UTC days and months), counted as the admin's reports count it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from billing.quotas import DAY, MONTH, next_reset
from billing.selectors import held_in_flight
from orchestrator.models import ProviderType, UsageLog
from orchestrator.snapshot import limits_for_user
from usage import reports


@dataclass(frozen=True)
class PeriodUsage:
    start: dt.datetime
    calls: int
    errors: int
    cache_hits: int
    input_tokens: int
    output_tokens: int
    tokens: int
    cost_usd: Decimal
    by_task: list[dict]


def usage_period(*, user: Any, since: dt.datetime, until: dt.datetime) -> PeriodUsage:
    """The user's calls in [since, until), as the admin's reports count them (a cache hit logs
    no tokens and no cost, only what it saved)."""
    window = {"since": since, "until": until, "user": user}
    totals = reports.usage_totals(**window)
    by_task = sorted(
        (
            {
                "task": row["key"],
                "calls": row["calls"],
                "errors": row["errors"],
                "tokens": row["total_tokens"],
                "cost_usd": row["cost_usd"],
            }
            for row in reports.usage_by(**window, group_by="task")
        ),
        key=lambda row: row["task"],
    )
    return PeriodUsage(
        start=since,
        calls=totals["calls"],
        errors=totals["errors"],
        cache_hits=totals["cache_hits"],
        input_tokens=totals["input_tokens"],
        output_tokens=totals["output_tokens"],
        tokens=totals["total_tokens"],
        cost_usd=totals["cost_usd"],
        by_task=by_task,
    )


def usage_summary(*, user: Any, now: dt.datetime | None = None) -> dict:
    """Today's and this month's usage (UTC), the plan, the limits in force (the plan's, or the
    user's own) and what is left of them."""
    now = (now or timezone.now()).astimezone(dt.UTC)
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = day_start.replace(day=1)
    today = usage_period(user=user, since=day_start, until=next_reset(now, DAY))
    month = usage_period(user=user, since=month_start, until=next_reset(now, MONTH))
    limits = limits_for_user(user=user)

    def left(limit: Any, used: Any) -> Any:
        return None if limit is None else max(limit - used, type(limit)(0))

    # Free answers are logged with their tokens but spend no quota (they cost nothing).
    free = _free_tokens(user=user, since=day_start, month_since=month_start)
    # What calls in flight hold counts against the limits, as the quota check counts it.
    held = held_in_flight(user_id=user.pk, now=now)
    return {
        "plan": limits.plan,
        "limits": {
            "daily_tokens": limits.daily_tokens,
            "monthly_tokens": limits.monthly_tokens,
            "monthly_cost_usd": limits.monthly_cost_usd,
            "own": sorted(limits.own),
        },
        "today": today,
        "month": month,
        "held": held,
        "remaining": {
            "daily_tokens": left(
                limits.daily_tokens, today.tokens - free["day"] + held["daily_tokens"]
            ),
            "monthly_tokens": left(
                limits.monthly_tokens, month.tokens - free["month"] + held["monthly_tokens"]
            ),
            "monthly_cost_usd": left(
                limits.monthly_cost_usd, month.cost_usd + held["monthly_cost_usd"]
            ),
        },
    }


def _free_tokens(*, user: Any, since: dt.datetime, month_since: dt.datetime) -> dict[str, int]:
    """Tokens logged by the offline provider today and this month (one query)."""
    offline = UsageLog.objects.filter(
        user=user, created_at__gte=month_since, provider_type=ProviderType.OFFLINE
    )
    totals = offline.aggregate(
        day=Sum("total_tokens", filter=Q(created_at__gte=since), default=0),
        month=Sum("total_tokens", default=0),
    )
    return totals


def usage_log_list(*, user: Any) -> QuerySet[UsageLog]:
    return UsageLog.objects.filter(user=user).order_by("-created_at", "-id")
