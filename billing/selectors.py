from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery

from .limits import OwnLimits
from .models import PlanCode, Subscription


def subscription_active(*, user) -> Subscription | None:
    return (
        Subscription.objects.select_related("plan")
        .filter(user=user, status=Subscription.Status.ACTIVE)
        .first()
    )


def plan_code_and_own_limits(*, user_id: int) -> tuple[str, dt.datetime | None, OwnLimits | None]:
    """In one query: the plan code and period end of the user's active subscription (FREEMIUM
    and None without one) and the user's own limits (None: their plan's)."""
    active = Subscription.objects.filter(user=OuterRef("pk"), status=Subscription.Status.ACTIVE)
    row = (
        get_user_model()
        .objects.filter(pk=user_id)
        .values(
            "own_limits__daily_token_limit",
            "own_limits__monthly_token_limit",
            "own_limits__monthly_cost_limit_usd",
            code=Subquery(active.values("plan__code")[:1]),
            period_end=Subquery(active.values("current_period_end")[:1]),
        )
        .first()
    ) or {}
    own = OwnLimits(
        daily_tokens=row.get("own_limits__daily_token_limit"),
        monthly_tokens=row.get("own_limits__monthly_token_limit"),
        monthly_cost_usd=row.get("own_limits__monthly_cost_limit_usd"),
    )
    return (
        row.get("code") or PlanCode.FREEMIUM,
        row.get("period_end"),
        own if own != OwnLimits() else None,
    )
