"""Which accelerators are away right now, for code that must say so (a readiness check, the
fault suite) and for code that must behave differently meanwhile.

Redis is an accelerator, not a dependency: while it is unreachable the cache backend
(config/cache.py) serves every operation from the process's own memory, so throttles, the
result cache and the circuit breaker keep working per process, and the plan cache is skipped
(orchestrator/plans.py). The first failure of an outage is logged as a warning, once; Redis
is tried again every RETRY_SECONDS, and the first success ends the outage (logged too).
"""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2.0

_lock = threading.Lock()
_down_since: float | None = None  # wall clock, for reports
_retry_at = 0.0  # monotonic
_fallbacks = 0  # operations served locally in this process since it started


def redis_degraded() -> bool:
    """True while this process serves cache operations from its own memory (Redis away)."""
    return _down_since is not None


def redis_status() -> dict[str, object]:
    """For a readiness check or the fault suite: whether Redis is away, since when (Unix
    time) and how many cache operations this process served locally because of it."""
    return {"degraded": _down_since is not None, "since": _down_since, "fallbacks": _fallbacks}


def redis_worth_trying() -> bool:
    """Whether an operation should go to Redis: always when it is up; during an outage, once
    every RETRY_SECONDS (so a dead Redis costs no connect timeout per request)."""
    return _down_since is None or time.monotonic() >= _retry_at


def redis_failed(exc: BaseException) -> None:
    """An operation failed for want of Redis: the outage begins (or goes on)."""
    global _down_since, _retry_at, _fallbacks
    with _lock:
        _fallbacks += 1
        _retry_at = time.monotonic() + RETRY_SECONDS
        if _down_since is not None:
            return
        _down_since = time.time()
    logger.warning(
        "Redis is unreachable (%s: %s): throttles, the result cache and the circuit breaker "
        "run in this process's memory, the plan cache is skipped, until it is back.",
        type(exc).__name__,
        exc,
    )


def redis_served_locally() -> None:
    global _fallbacks
    with _lock:
        _fallbacks += 1


def redis_answered() -> bool:
    """An operation reached Redis; True if that ends an outage."""
    global _down_since
    if _down_since is None:
        return False
    with _lock:
        if _down_since is None:
            return False
        seconds = time.time() - _down_since
        _down_since = None
    logger.warning("Redis is reachable again after %.0f s: shared state resumes.", seconds)
    return True
