"""The plan an AI call runs under: a user's active subscription, read through the config
snapshot on every call."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from billing.models import Plan, PlanCode
from billing.selectors import subscription_active

from . import snapshot


def plan_cache_key(user_id: int) -> str:
    return f"plan-of:{user_id}"


def forget_plan(*, user_id: int) -> None:
    """After a subscription change: this process at once, the others within a second (they
    remember a user's plan code as long as their config snapshot, see plan_for_user)."""
    snapshot.drop(("plan", user_id))
    if settings.PLAN_CACHE_SECONDS:
        key = plan_cache_key(user_id)
        cache.delete(key)
        # Again once committed: a process that read the old subscription meanwhile may have
        # cached it.
        transaction.on_commit(lambda: cache.delete(key))


def _plan_code(user) -> tuple[str, dt.datetime | None]:
    key = plan_cache_key(user.pk)
    found = cache.get(key) if settings.PLAN_CACHE_SECONDS else None
    if found is None:
        subscription = subscription_active(user=user)
        found = (
            (subscription.plan.code, subscription.current_period_end)
            if subscription
            else (PlanCode.FREEMIUM, None)
        )
        if settings.PLAN_CACHE_SECONDS:
            cache.set(key, found, timeout=settings.PLAN_CACHE_SECONDS)
    return found


def plan_for_user(*, user) -> Plan:
    """The plan of the user's active subscription; FREEMIUM without one (or for no user).

    Read on every AI call, so each process remembers the user's plan code as long as its
    config snapshot (a second), with Redis it is also cached there for PLAN_CACHE_SECONDS
    (dropped by a signal whenever one of their subscriptions changes), and the Plan itself
    comes from the snapshot.
    """
    plans = snapshot.current().plans
    if user is not None and user.pk is not None:
        code, period_end = snapshot.remember(("plan", user.pk), lambda: _plan_code(user))
        if code in plans and (period_end is None or period_end > timezone.now()):
            return plans[code]
    return plans[PlanCode.FREEMIUM]
