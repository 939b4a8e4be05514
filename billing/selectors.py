from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from core.money import usd

from .models import Plan, PlanCode, QuotaCounter, Subscription, UserLimits
from .quotas import DAY, LIMIT_NAMES, MONTH, Limits, OwnLimits, period_starts

LIMIT_LABELS = {
    "daily_tokens": "today's tokens",
    "monthly_tokens": "this month's tokens",
    "monthly_cost_usd": "this month's cost",
}


def limit_text(name: str, value: int | Decimal | None) -> str:
    """A limit or an amount as an admin reads it: "20,000 tokens", "$1.00", "unlimited"."""
    if value is None:
        return "unlimited"
    return usd(value) if name == "monthly_cost_usd" else f"{value:,} tokens"


def subscription_active(*, user) -> Subscription | None:
    return (
        Subscription.objects.select_related("plan")
        .filter(user=user, status=Subscription.Status.ACTIVE)
        .first()
    )


_ACTIVE = Subscription.objects.filter(user=OuterRef("pk"), status=Subscription.Status.ACTIVE)
# A user's plan code, its period end and own limits, as annotations of a User query.
_PLAN_AND_OWN = {
    "plan_code": Subquery(_ACTIVE.values("plan__code")[:1]),
    "period_end": Subquery(_ACTIVE.values("current_period_end")[:1]),
    "own_daily": F("own_limits__daily_token_limit"),
    "own_monthly": F("own_limits__monthly_token_limit"),
    "own_cost": F("own_limits__monthly_cost_limit_usd"),
}


def _own(daily, monthly, cost) -> OwnLimits | None:
    own = OwnLimits(daily_tokens=daily, monthly_tokens=monthly, monthly_cost_usd=cost)
    return None if own == OwnLimits() else own


def _running(period_end: dt.datetime | None, now: dt.datetime | None) -> bool:
    return period_end is None or period_end > (now or timezone.now())


def plan_code_and_own_limits(*, user_id: int) -> tuple[str, dt.datetime | None, OwnLimits | None]:
    """In one query: the plan code and period end of the user's active subscription (FREEMIUM
    and None without one) and the user's own limits (None: their plan's)."""
    found = (
        get_user_model()
        .objects.filter(pk=user_id)
        .annotate(**_PLAN_AND_OWN)
        .values_list(*_PLAN_AND_OWN)
    )
    row = found.first()
    if row is None:
        return PlanCode.FREEMIUM, None, None
    code, period_end, *own_values = row
    return code or PlanCode.FREEMIUM, period_end, _own(*own_values)


# Who counts as near a limit in the admin's report and `usage_report --near-limit`.
NEAR_LIMIT_SHARE = 0.8


@dataclass(frozen=True)
class LimitUse:
    name: str  # one of LIMIT_NAMES
    used: int | Decimal  # used, plus held by calls in flight
    limit: int | Decimal | None  # None: unlimited
    own: bool  # the user's own limit, not their plan's

    @property
    def share(self) -> float:
        if self.limit is None:
            return 0.0
        return float(self.used / self.limit) if self.limit else 1.0

    # As an admin reads them (the admin pages and `usage_report --near-limit`).
    @property
    def label(self) -> str:
        return LIMIT_LABELS[self.name]

    @property
    def used_text(self) -> str:
        return limit_text(self.name, self.used)

    @property
    def limit_text(self) -> str:
        return limit_text(self.name, self.limit)

    @property
    def percent(self) -> str:
        return "" if self.limit is None else f"{self.share:.0%}"


@dataclass(frozen=True)
class NearLimit:
    user_id: int
    username: str
    plan_code: str
    uses: list[LimitUse]  # the limits at or past the share, fullest first

    @property
    def fullest(self) -> float:
        return self.uses[0].share


def users_near_limit(
    *, share: float = NEAR_LIMIT_SHARE, now: dt.datetime | None = None
) -> list[NearLimit]:
    """Users who have used at least `share` of any limit in force (today's tokens, this
    month's tokens or cost; calls in flight count), fullest first. Read from the quota
    counters, as the reservation reads them, in one query that keeps only those users (~0.1 s
    for 20k users with counters this month)."""
    now = now or timezone.now()
    day, month = period_starts(now)
    with connection.cursor() as cursor:
        cursor.execute(_NEAR_LIMIT, [day, month, now, PlanCode.FREEMIUM, share, share, share])
        found = cursor.fetchall()
    rows = []
    for user_id, username, code, *values in found:
        day_tokens, month_tokens, month_cost = values[:3]
        limits, own = values[3:6], values[6:]
        uses = [
            LimitUse(name, used or 0, limit, is_own)
            for name, used, limit, is_own in zip(
                LIMIT_NAMES, (day_tokens, month_tokens, month_cost), limits, own, strict=True
            )
            if limit is not None
        ]
        uses = sorted((u for u in uses if u.share >= share), key=lambda u: -u.share)
        rows.append(NearLimit(user_id, username, code, uses))
    return sorted(rows, key=lambda row: (-row.fullest, row.username))


# The counters of the day and month, the plan of the user's running subscription (FREEMIUM
# without one) and the user's own limits, kept where a used amount reaches share × its limit.
_NEAR_LIMIT = f"""
    WITH used AS (
        SELECT user_id,
               max(tokens_used + tokens_reserved) FILTER (WHERE period = 'day') AS day_tokens,
               max(tokens_used + tokens_reserved) FILTER (WHERE period = 'month') AS month_tokens,
               max(cost_used_usd + cost_reserved_usd) FILTER (WHERE period = 'month') AS month_cost
        FROM {QuotaCounter._meta.db_table}
        WHERE (period = 'day' AND period_start = %s) OR (period = 'month' AND period_start = %s)
        GROUP BY user_id
    ),
    limits AS (
        SELECT used.*, u.username, p.code,
               coalesce(own.daily_token_limit, p.daily_token_limit) AS day_limit,
               coalesce(own.monthly_token_limit, p.monthly_token_limit) AS month_limit,
               coalesce(own.monthly_cost_limit_usd, p.monthly_cost_limit_usd) AS cost_limit,
               own.daily_token_limit IS NOT NULL AS day_own,
               own.monthly_token_limit IS NOT NULL AS month_own,
               own.monthly_cost_limit_usd IS NOT NULL AS cost_own
        FROM used
        JOIN {get_user_model()._meta.db_table} u ON u.id = used.user_id
        LEFT JOIN {Subscription._meta.db_table} s ON s.user_id = used.user_id
             AND s.status = 'active'
             AND (s.current_period_end IS NULL OR s.current_period_end > %s)
        LEFT JOIN {Plan._meta.db_table} subscribed ON subscribed.id = s.plan_id
        JOIN {Plan._meta.db_table} p ON p.code = coalesce(subscribed.code, %s)
        LEFT JOIN {UserLimits._meta.db_table} own ON own.user_id = used.user_id
    )
    SELECT user_id, username, code, day_tokens, month_tokens, month_cost,
           day_limit, month_limit, cost_limit, day_own, month_own, cost_own
    FROM limits
    WHERE day_tokens >= %s * day_limit OR month_tokens >= %s * month_limit
          OR month_cost >= %s * cost_limit"""


def user_limit_uses(*, user_id: int, now: dt.datetime | None = None) -> list[LimitUse]:
    """What the user has used of each limit in force today and this month (calls in flight
    count), in LIMIT_NAMES order."""
    day, month = period_starts(now or timezone.now())
    code, period_end, own = plan_code_and_own_limits(user_id=user_id)
    plans = {plan.code: plan for plan in Plan.objects.all()}
    code = code if code in plans and _running(period_end, now) else PlanCode.FREEMIUM
    limits = Limits.of(plans[code], own)
    used = dict.fromkeys(LIMIT_NAMES, 0)
    counters = QuotaCounter.objects.filter(user_id=user_id).filter(
        Q(period=DAY, period_start=day) | Q(period=MONTH, period_start=month)
    )
    for counter in counters:
        tokens = counter.tokens_used + counter.tokens_reserved
        if counter.period == DAY:
            used["daily_tokens"] = tokens
        else:
            used["monthly_tokens"] = tokens
            used["monthly_cost_usd"] = counter.cost_used_usd + counter.cost_reserved_usd
    return [
        LimitUse(name, used[name], getattr(limits, name), name in limits.own)
        for name in LIMIT_NAMES
    ]


def held_in_flight(*, user_id: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """What the user's calls in flight hold of each limit, as the quota check counts it (the
    counters' reserved columns, which the reaper keeps equal to the holds)."""
    day, month = period_starts(now or timezone.now())
    held: dict[str, Any] = {"daily_tokens": 0, "monthly_tokens": 0, "monthly_cost_usd": Decimal(0)}
    counters = QuotaCounter.objects.filter(user_id=user_id).filter(
        Q(period=QuotaCounter.Period.DAY, period_start=day)
        | Q(period=QuotaCounter.Period.MONTH, period_start=month)
    )
    for period, tokens, cost in counters.values_list(
        "period", "tokens_reserved", "cost_reserved_usd"
    ):
        if period == QuotaCounter.Period.DAY:
            held["daily_tokens"] = tokens
        else:
            held.update(monthly_tokens=tokens, monthly_cost_usd=cost)
    return held
