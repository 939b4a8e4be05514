"""The plan an AI call runs under (a user's active subscription) and the limits it runs under
(the plan's, or the user's own), read through the config snapshot on every call."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from billing.limits import Limits, OwnLimits
from billing.models import Plan, PlanCode
from billing.selectors import plan_code_and_own_limits
from core.shared_state import redis_degraded

from . import snapshot


def plan_cache_key(user_id: int) -> str:
    # v2: the value holds the user's own limits too.
    return f"plan-of:v2:{user_id}"


def forget_plan(*, user_id: int) -> None:
    """After a change of subscription or own limits: this process at once, the others within
    a second (they remember a user's plan code as long as their config snapshot, see
    plan_for_user)."""
    snapshot.drop(("plan", user_id))
    if settings.PLAN_CACHE_SECONDS:
        key = plan_cache_key(user_id)
        cache.delete(key)
        # Again once committed: a process that read the old subscription meanwhile may have
        # cached it.
        transaction.on_commit(lambda: cache.delete(key))


def _plan_code(user) -> tuple[str, dt.datetime | None, OwnLimits | None]:
    # While Redis is away the cache is this process's memory, which a plan change made in
    # another process cannot reach: read the database, as without Redis (core/shared_state.py).
    shared = settings.PLAN_CACHE_SECONDS and not redis_degraded()
    key = plan_cache_key(user.pk)
    found = cache.get(key) if shared else None
    if found is None:
        found = plan_code_and_own_limits(user_id=user.pk)
        if shared:
            cache.set(key, found, timeout=settings.PLAN_CACHE_SECONDS)
    return found


def plan_for_user(*, user) -> Plan:
    """The plan of the user's active subscription; FREEMIUM without one (or for no user).

    Read on every AI call, so each process remembers the user's plan code as long as its
    config snapshot (a second), with Redis it is also cached there for PLAN_CACHE_SECONDS
    (dropped by a signal whenever one of their subscriptions changes), and the Plan itself
    comes from the snapshot.
    """
    return limits_for_user(user=user).plan


def limits_for_user(*, user) -> Limits:
    """The user's plan and the limits their calls run under: the plan's, or the user's own
    where an admin set some."""
    return Limits.of(*plan_and_own_limits(user=user))


def plan_and_own_limits(*, user) -> tuple[Plan, OwnLimits | None]:
    """The user's plan and own limits, remembered and cached with the plan code (see
    plan_for_user): an AI call reads no more rows for them, and an edit is forgotten as a
    subscription change is."""
    plans = snapshot.current().plans
    if user is not None and user.pk is not None:
        code, period_end, own = snapshot.remember(("plan", user.pk), lambda: _plan_code(user))
        if code in plans and (period_end is None or period_end > timezone.now()):
            return plans[code], own
        return plans[PlanCode.FREEMIUM], own
    return plans[PlanCode.FREEMIUM], None
