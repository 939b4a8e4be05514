from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from .limits import LIMIT_LABELS, LIMIT_NAMES, Limits, OwnLimits, limit_text
from .models import Plan, PlanCode, QuotaCounter, Subscription
from .quotas import DAY, MONTH, period_starts


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
    counters, as the reservation reads them."""
    day, month = period_starts(now or timezone.now())
    counters = QuotaCounter.objects.filter(
        Q(period=DAY, period_start=day) | Q(period=MONTH, period_start=month)
    ).filter(Q(tokens_used__gt=0) | Q(tokens_reserved__gt=0) | Q(cost_used_usd__gt=0))
    used: dict[int, dict[str, int | Decimal]] = {}
    for user_id, period, tokens, cost in counters.values_list(
        "user_id",
        "period",
        F("tokens_used") + F("tokens_reserved"),
        F("cost_used_usd") + F("cost_reserved_usd"),
    ):
        mine = used.setdefault(user_id, {})
        if period == DAY:
            mine["daily_tokens"] = tokens
        else:
            mine.update(monthly_tokens=tokens, monthly_cost_usd=cost)
    if not used:
        return []
    plans = {plan.code: plan for plan in Plan.objects.all()}
    found = (
        get_user_model()
        .objects.filter(pk__in=used)
        .annotate(**_PLAN_AND_OWN)
        .values_list("pk", "username", *_PLAN_AND_OWN)
    )
    rows = []
    for user_id, username, code, period_end, *own_values in found:
        code = code if code in plans and _running(period_end, now) else PlanCode.FREEMIUM
        limits = Limits.of(plans[code], _own(*own_values))
        uses = [
            LimitUse(name, value, limit, name in limits.own)
            for name, value in used[user_id].items()
            if (limit := getattr(limits, name)) is not None
        ]
        uses = sorted((u for u in uses if u.share >= share), key=lambda u: -u.share)
        if uses:
            rows.append(NearLimit(user_id, username, code, uses))
    return sorted(rows, key=lambda row: (-row.fullest, row.username))


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
