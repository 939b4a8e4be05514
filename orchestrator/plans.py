"""The plan an AI call runs under: a user's active subscription, read through the config
snapshot on every call."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

from billing.models import Plan, PlanCode, Subscription

from . import snapshot


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
