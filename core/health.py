"""Liveness and readiness for load balancers and orchestrators (config/urls.py: /healthz,
/readyz).

/healthz answers as long as the process serves requests. /readyz runs every check in
READINESS_CHECKS at once, each within READYZ_TIMEOUT seconds: the instance is ready when all
of them pass. A check is a function returning a short detail (or raising); add one with
`READINESS_CHECKS["name"] = function` (the name is the key in the answer's `checks`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as CheckTimeout
from typing import Any

from django.conf import settings
from django.db import connections


def database_ready() -> str:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connections.close_all()  # this runs in a worker thread: hand its connection back
    return connections["default"].vendor


def redis_ready() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    timeout = settings.READYZ_TIMEOUT
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
    )
    try:
        client.ping()
    finally:
        client.close()
    return "ping"


READINESS_CHECKS: dict[str, Callable[[], str]] = {
    "database": database_ready,
    "redis": redis_ready,
}

_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


def readiness() -> tuple[bool, dict[str, Any]]:
    """Whether every check passed, and each one's outcome (ok, detail or error, ms)."""
    started = time.perf_counter()
    futures = {name: _pool.submit(check) for name, check in READINESS_CHECKS.items()}
    deadline = started + settings.READYZ_TIMEOUT
    outcomes: dict[str, Any] = {}
    for name, future in futures.items():
        try:
            detail = future.result(timeout=max(0.0, deadline - time.perf_counter()))
            outcomes[name] = {"ok": True, "detail": detail}
        except CheckTimeout:
            outcomes[name] = {"ok": False, "error": f"no answer within {settings.READYZ_TIMEOUT} s"}
        except Exception as exc:  # a check's failure is its answer, whatever it is
            outcomes[name] = {"ok": False, "error": type(exc).__name__}
        outcomes[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(outcome["ok"] for outcome in outcomes.values()), outcomes
