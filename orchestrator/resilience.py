"""Backoff between retries, and a circuit breaker per provider shared through Django's cache.

With REDIS_URL set the breaker state lives in Redis, so every web and worker process sees a
provider open and close together; without it, each process keeps its own. A circuit with
nothing recorded (the common case) is remembered as such for as long as the config snapshot
(at most a second), which saves a Redis round trip per call: a circuit that another process
opens stops calls here within a second; one this process opens, at once.
"""

from __future__ import annotations

import random
import time

from django.conf import settings
from django.core.cache import cache

from . import snapshot

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"


def backoff_seconds(retry: int, retry_after: float | None) -> float:
    """Exponential backoff with full jitter, never shorter than the vendor's retry-after."""
    ceiling = min(settings.AI_RETRY_MAX_DELAY, settings.AI_RETRY_BASE_DELAY * 2**retry)
    return max(retry_after or 0.0, random.uniform(ceiling / 2, ceiling))


def _keys(route_key: str) -> tuple[str, str, str]:
    return (f"cb:{route_key}:failures", f"cb:{route_key}:open_until", f"cb:{route_key}:trial")


def breaker_allows(route_key: str) -> bool | None:
    """Closed: yes. Open: no, until the cooldown ends. Then half-open: one trial call only.

    A yes is None when the circuit has nothing recorded (the common case): its success then
    has nothing to clear and skips the round trip. Pass it to breaker_record_success."""
    failures_key, open_key, trial_key = _keys(route_key)
    state = snapshot.remember(
        ("circuit", route_key),
        lambda: cache.get_many([failures_key, open_key]),  # one round trip, as a single get
        keep=lambda state: not state,
    )
    if not state:
        return None
    open_until = state.get(open_key)
    if open_until is None:
        return True
    if time.time() < open_until:
        return False
    # cache.add is atomic (SET NX on Redis): exactly one caller wins the trial.
    return cache.add(trial_key, 1, timeout=settings.AI_BREAKER_COOLDOWN)


def breaker_record_success(route_key: str, allowed: bool | None) -> None:
    """Close the circuit and forget its failures (a failure recorded by another call since
    this one was let through may survive: the count is a guide, not a ledger)."""
    if allowed is None:
        return
    failures_key, open_key, trial_key = _keys(route_key)
    cache.delete_many([failures_key, open_key, trial_key])


def breaker_record_failure(route_key: str) -> None:
    failures_key, open_key, trial_key = _keys(route_key)
    snapshot.drop(("circuit", route_key))
    half_open = cache.get(open_key) is not None
    cache.add(failures_key, 0, timeout=settings.AI_BREAKER_COOLDOWN * 10)
    failures = cache.incr(failures_key)
    if half_open or failures >= settings.AI_BREAKER_THRESHOLD:
        cooldown = settings.AI_BREAKER_COOLDOWN
        cache.set(open_key, time.time() + cooldown, timeout=cooldown * 10)
        cache.delete_many([failures_key, trial_key])


def breaker_state(route_key: str | int) -> str:
    """For the admin: a config's id (or an env provider's key) → closed / open / half-open."""
    _, open_key, _ = _keys(str(route_key))
    open_until = cache.get(open_key)
    if open_until is None:
        return CLOSED
    return OPEN if time.time() < open_until else HALF_OPEN
