from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from orchestrator import snapshot
from orchestrator.models import UsageLog

from .models import Plan, PlanCode, Subscription


def plan_cache_key(user_id: int) -> str:
    return f"plan-of:{user_id}"


def forget_plan(*, user_id: int) -> None:
    """After a subscription change: this process at once, the others within a second (they
    remember a user's plan code as long as their config snapshot, see plan_for_user)."""
    snapshot.drop(("plan", user_id))
    cache.delete(plan_cache_key(user_id))


def _plan_code(user) -> tuple[str, dt.datetime | None]:
    key = plan_cache_key(user.pk)
    found = cache.get(key)
    if found is None:
        subscription = (
            Subscription.objects.select_related("plan")
            .filter(user=user, status=Subscription.Status.ACTIVE)
            .first()
        )
        found = (
            (subscription.plan.code, subscription.current_period_end)
            if subscription
            else (PlanCode.FREEMIUM, None)
        )
        cache.set(key, found, timeout=300)
    return found


def plan_for_user(*, user) -> Plan:
    """The plan of the user's active subscription; FREEMIUM without one (or for no user).

    Read on every AI call, so the user's plan code is cached (dropped by a signal whenever
    one of their subscriptions changes), each process remembers it as long as its config
    snapshot (a second), and the Plan itself comes from the snapshot.
    """
    plans = snapshot.current().plans
    if user is not None and user.pk is not None:
        code, period_end = snapshot.remember(("plan", user.pk), lambda: _plan_code(user))
        if code in plans and (period_end is None or period_end > timezone.now()):
            return plans[code]
    return plans[PlanCode.FREEMIUM]


# --- A user's own usage, read from the UsageLog (UTC days and months) ------------------------

MONEY = Decimal("0.00000001")


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


def usage_period(*, user: Any, since: dt.datetime) -> PeriodUsage:
    """The user's calls since a moment. Tokens and cost count real calls only: a cache hit
    spent nothing (its row says what it saved)."""
    rows = UsageLog.objects.filter(user=user, created_at__gte=since)
    paid = Q(cache_hit=False)
    totals = {
        "calls": Count("id"),
        "errors": Count("id", filter=Q(status=UsageLog.Status.ERROR)),
        "cache_hits": Count("id", filter=Q(cache_hit=True)),
        "input_tokens": Coalesce(Sum("input_tokens", filter=paid), 0),
        "output_tokens": Coalesce(Sum("output_tokens", filter=paid), 0),
        "tokens": Coalesce(Sum("total_tokens", filter=paid), 0),
        "cost_usd": Coalesce(
            Sum("cost_usd", filter=paid),
            Decimal(0),
            output_field=DecimalField(max_digits=20, decimal_places=8),
        ),
    }
    by_task = [
        {**row, "cost_usd": Decimal(row["cost_usd"]).quantize(MONEY)}
        for row in rows.values(task=F("task_type"))
        .annotate(
            calls=totals["calls"],
            errors=totals["errors"],
            tokens=totals["tokens"],
            cost_usd=totals["cost_usd"],
        )
        .order_by("task")
    ]
    summary = rows.aggregate(**totals)
    summary["cost_usd"] = Decimal(summary["cost_usd"]).quantize(MONEY)
    return PeriodUsage(start=since, by_task=by_task, **summary)


def usage_summary(*, user: Any, now: dt.datetime | None = None) -> dict:
    """Today's and this month's usage (UTC), the plan's limits and what is left of them."""
    now = (now or timezone.now()).astimezone(dt.UTC)
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    today = usage_period(user=user, since=day_start)
    month = usage_period(user=user, since=day_start.replace(day=1))
    plan = plan_for_user(user=user)

    def left(limit: Any, used: Any) -> Any:
        return None if limit is None else max(limit - used, type(limit)(0))

    return {
        "plan": plan,
        "today": today,
        "month": month,
        "remaining": {
            "daily_tokens": left(plan.daily_token_limit, today.tokens),
            "monthly_tokens": left(plan.monthly_token_limit, month.tokens),
            "monthly_cost_usd": left(plan.monthly_cost_limit_usd, month.cost_usd),
        },
    }


def usage_log_list(*, user: Any) -> QuerySet[UsageLog]:
    return UsageLog.objects.filter(user=user).order_by("-created_at", "-id")
