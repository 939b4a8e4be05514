"""Redis as state the processes share, for what Django's cache API cannot make atomic, and the
sliding-window rate limits built on it.

- Direct access (a throttle's windows, the circuit breaker's count, the admission's slots):
  the raw client when the cache is Redis and Redis is worth trying (below: outages), else
  None, and the process's own memory to use instead; registered Lua scripts (EVALSHA, one
  round trip).
- Rate windows: a check of several windows (a user's burst and sustained rates; a sign-in's
  username and address) and the recording of the request are one Lua script on Redis: one
  round trip, and no two concurrent requests can both take the last place in a window (a
  read, then a write, let bursts through: 33 AI calls against a limit of 20). A window is a
  sorted set of the requests' times. Without Redis (or while it is away) the same happens in
  the process's own memory under a lock: exact per process. A refusal says how long until a
  place frees up in every full window: the Retry-After.
- Outages: which accelerators are away right now, for code that must say so (a readiness
  check, the fault suite) and for code that must behave differently meanwhile. Redis is an
  accelerator, not a dependency: while it is unreachable the cache backend (config/cache.py)
  serves every operation from the process's own memory, so throttles, the result cache and the
  circuit breaker keep working per process, and the plan cache is skipped
  (orchestrator/snapshot.py). The first failure of an outage is logged as a warning, once; Redis
  is tried again every RETRY_SECONDS, and the first success ends the outage (logged too).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

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


_scripts: dict[tuple[int, str], object] = {}


def redis_client():
    """The cache's redis client, or None without Redis or while it is away."""
    backend = caches["default"]
    if isinstance(backend, RedisCache) and redis_worth_trying():
        return backend._cache.get_client(write=True)
    return None


def redis_key(key: str) -> str:
    """A cache key as Django's cache names it in Redis (prefix and version)."""
    return caches["default"].make_and_validate_key(key)


def redis_script(client, source: str):
    """A registered Lua script (EVALSHA, one round trip; loaded again if Redis restarted)."""
    script = _scripts.get((id(client), source))
    if script is None:
        script = _scripts[(id(client), source)] = client.register_script(source)
    return script


def local_cache() -> BaseCache:
    """This process's memory: the Redis cache's own fallback while Redis is away, or the cache
    itself when it is local memory."""
    backend = caches["default"]
    return getattr(backend, "local", backend)


# --- Sliding-window rate limits ---------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """At most `limit` requests in any `seconds` under `key` (a cache key, unprefixed)."""

    key: str
    limit: int
    seconds: float


@dataclass(frozen=True)
class Hit:
    """A check's outcome: `wait` is None when allowed, else the seconds until it would be;
    `member` names the recorded request (windows_forget takes it back)."""

    wait: float | None
    member: str


# KEYS: the windows' keys. ARGV: now (ms), record (1/0), member, then limit and length (ms)
# of each window. Returns 0 when allowed (and, with record, the request is in every window),
# else the milliseconds until every full window has a free place.
_HIT = """
local now = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 + 2 * i])
  local length = tonumber(ARGV[3 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - length)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    wait = math.max(wait, tonumber(freeing[2]) + length - now, 1)
  end
end
if wait > 0 then return wait end
if ARGV[2] == '1' then
  for i, key in ipairs(KEYS) do
    redis.call('ZADD', key, now, ARGV[3])
    redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[3 + 2 * i])))
  end
end
return 0
"""

_local_lock = threading.Lock()


def rate_window(scope: str, ident: str) -> Window | None:
    """The window of a DRF rate setting (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope],
    e.g. "20/min") for one client; None: the scope has no rate, no limit."""
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)  # read now: settings may change
    if rate is None:
        return None
    limit, seconds = SimpleRateThrottle.parse_rate(None, rate)
    return Window(f"rl:{scope}:{ident}", limit, seconds)


def windows_hit(windows: Sequence[Window], *, record: bool = True) -> Hit:
    """Check every window at once; if none is full and `record`, count the request in all."""
    member = uuid.uuid4().hex
    if not windows:
        return Hit(None, member)
    now = time.time()
    client = redis_client()
    if client is not None:
        keys = [redis_key(w.key) for w in windows]
        args: list[object] = [int(now * 1000), int(record), member]
        for window in windows:
            args += [window.limit, int(window.seconds * 1000)]
        try:
            waited_ms = redis_script(client, _HIT)(keys=keys, args=args)
        except UNREACHABLE as exc:
            redis_failed(exc)
        else:
            redis_answered()
            return Hit(waited_ms / 1000 if waited_ms else None, member)
    return _local_hit(windows, now=now, record=record, member=member)


def windows_forget(windows: Sequence[Window], member: str) -> None:
    """Take a recorded request back out of its windows (a sign-in that turned out right)."""
    client = redis_client()
    if client is not None:
        try:
            pipe = client.pipeline(transaction=False)
            for window in windows:
                pipe.zrem(redis_key(window.key), member)
            pipe.execute()
            return
        except UNREACHABLE as exc:
            redis_failed(exc)
    store = local_cache()
    with _local_lock:
        for window in windows:
            kept = [e for e in store.get(window.key, []) if e[1] != member]
            store.set(window.key, kept, timeout=int(window.seconds) + 1)


def windows_clear(windows: Sequence[Window]) -> None:
    """Forget everything recorded in the windows."""
    keys = [window.key for window in windows]
    client = redis_client()
    if client is not None:
        try:
            client.delete(*(redis_key(k) for k in keys))
            return
        except UNREACHABLE as exc:
            redis_failed(exc)
    local_cache().delete_many(keys)


def _local_hit(windows: Sequence[Window], *, now: float, record: bool, member: str) -> Hit:
    store = local_cache()
    with _local_lock:
        found = store.get_many([w.key for w in windows])
        histories = {}
        wait = 0.0
        for window in windows:
            history = [e for e in found.get(window.key, []) if e[0] > now - window.seconds]
            histories[window.key] = history
            if len(history) >= window.limit:
                freeing = sorted(e[0] for e in history)[len(history) - window.limit]
                wait = max(wait, freeing + window.seconds - now, 0.001)
        if wait:
            return Hit(wait, member)
        if record:
            for window in windows:
                store.set(
                    window.key,
                    [*histories[window.key], (now, member)],
                    timeout=int(window.seconds) + 1,
                )
    return Hit(None, member)
