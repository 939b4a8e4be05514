"""What keeps the service standing when vendors or callers push it: admission control, the
circuit breaker per provider and the backoff between retries.

Admission control: a bounded number of AI calls and streams in flight, and a quick, honest 503
beyond it.

Under overload every extra call in flight only makes all of them slower (two cores, one
database pool): p99 grew to 20 s, and calls the vendor had answered, and we had paid for,
then failed to get a database connection to save their answer. Beyond the bound a request is
refused at once, before its quota is reserved and before any vendor call: 503
SERVICE_UNAVAILABLE with Retry-After, logged like a quota refusal.

- Calls: at most AI_MAX_CALLS_IN_FLIGHT per process (a semaphore; a process's threads are
  what it has to give).
- Streams hold their slot for as long as the answer flows, so they have their own bound: at
  most AI_MAX_STREAMS_IN_FLIGHT per process and AI_MAX_STREAMS_TOTAL over every process (a
  sorted set of leases in Redis, one atomic script; a lease of a process that died expires
  after AI_STREAM_LEASE_SECONDS). Without Redis, or while it is away, the per-process bound
  alone holds.

The breaker: one per provider, shared through Django's cache.

With REDIS_URL set the breaker state lives in Redis, so every web and worker process sees a
provider open and close together; without it, each process keeps its own. A circuit with
nothing recorded (the common case) is remembered as such for as long as the config snapshot
(at most a second), which saves a Redis round trip per call: a circuit that another process
opens stops calls here within a second; one this process opens, at once.

A failure is counted, and the circuit opened at the threshold, in one atomic step (a Lua
script on Redis; `incr` with a default in local memory), and no error of the breaker's own
(Redis away, a key expiring between two steps) ever fails the request it guards: the breaker
is advice, the answer is the point.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.cache import cache

from core import errors
from core.shared_state import (
    UNREACHABLE,
    local_cache,
    redis_answered,
    redis_client,
    redis_failed,
    redis_key,
    redis_script,
)

from . import snapshot

logger = logging.getLogger(__name__)

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
    try:
        return _allows(route_key)
    except Exception:
        logger.warning("Circuit breaker unreadable for %s; letting the call through", route_key)
        return True


def _allows(route_key: str) -> bool | None:
    failures_key, open_key, trial_key = _keys(route_key)
    state = snapshot.remember(
        ("circuit", route_key),
        lambda: cache.get_many([failures_key, open_key]),  # one round trip, as a single get
        keep=lambda state: not state,
    )
    if not state:
        return None
    open_until = _seconds(state.get(open_key))
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
    try:
        cache.delete_many([failures_key, open_key, trial_key])
    except Exception:
        logger.warning("Circuit breaker not closed for %s", route_key, exc_info=True)


# KEYS: failures, open_until, trial. ARGV: threshold, open until (Unix ms), cooldown (s).
# Counts a failure; at the threshold, or in a half-open circuit, opens it. Returns the count.
_RECORD_FAILURE = """
local half_open = redis.call('EXISTS', KEYS[2]) == 1
local failures = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]) * 10)
if half_open or failures >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]) * 10)
  redis.call('DEL', KEYS[1], KEYS[3])
end
return failures
"""


def breaker_record_failure(route_key: str) -> None:
    snapshot.drop(("circuit", route_key))
    try:
        _record_failure(route_key)
    except Exception:
        logger.warning("Circuit breaker failure not recorded for %s", route_key, exc_info=True)


def _record_failure(route_key: str) -> None:
    keys = _keys(route_key)
    cooldown = settings.AI_BREAKER_COOLDOWN
    # In milliseconds: an integer, which Django's cache reads back from what Lua wrote.
    open_until = int((time.time() + cooldown) * 1000)
    client = redis_client()
    if client is not None:
        script = redis_script(client, _RECORD_FAILURE)
        try:
            script(
                keys=[redis_key(k) for k in keys],
                args=[settings.AI_BREAKER_THRESHOLD, open_until, cooldown],
            )
            redis_answered()
            return
        except UNREACHABLE as exc:
            redis_failed(exc)
    failures_key, open_key, trial_key = keys
    local = local_cache()
    with _local_lock:
        half_open = local.get(open_key) is not None
        if not local.add(failures_key, 1, timeout=cooldown * 10):
            try:
                failures = local.incr(failures_key)
            except ValueError:  # expired between the two steps
                local.set(failures_key, failures := 1, timeout=cooldown * 10)
        else:
            failures = 1
        if half_open or failures >= settings.AI_BREAKER_THRESHOLD:
            local.set(open_key, open_until, timeout=cooldown * 10)
            local.delete_many([failures_key, trial_key])


_local_lock = threading.Lock()


def _seconds(open_until: float | None) -> float | None:
    """Unix seconds of an open circuit's end, stored in milliseconds (or, by earlier
    versions, in seconds)."""
    if open_until is None:
        return None
    return open_until / 1000 if open_until > 1e11 else open_until


def breaker_state(route_key: str | int) -> str:
    """For the admin: a config's id (or an env provider's key) → closed / open / half-open."""
    _, open_key, _ = _keys(str(route_key))
    open_until = _seconds(cache.get(open_key))
    if open_until is None:
        return CLOSED
    return OPEN if time.time() < open_until else HALF_OPEN


# Admission control
_semaphores: dict[str, tuple[int, threading.BoundedSemaphore]] = {}
_semaphores_lock = threading.Lock()

STREAMS_KEY = "admission:streams"

# KEYS: the leases. ARGV: now (ms), lease (ms), limit, member. 1 if taken, 0 if full.
_TAKE_LEASE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""


def _semaphore(name: str, size: int) -> threading.BoundedSemaphore:
    """One semaphore per bound and size (a changed setting starts a new one)."""
    found = _semaphores.get(name)
    if found is None or found[0] != size:
        with _semaphores_lock:
            found = _semaphores.get(name)
            if found is None or found[0] != size:
                found = _semaphores[name] = (size, threading.BoundedSemaphore(size))
    return found[1]


def _busy(what: str) -> errors.ServiceUnavailable:
    return errors.ServiceUnavailable(
        f"Too many {what} are in progress right now; try again in a few seconds.",
        retry_after=settings.AI_ADMISSION_RETRY_AFTER,
    )


def _refuse(call: Any, error: errors.ServiceUnavailable) -> errors.ServiceUnavailable:
    from .models import UsageLog

    call.log(status=UsageLog.Status.ERROR, error_code=error.code, error_message=error.message)
    return error


@contextmanager
def call_slot(call: Any) -> Iterator[None]:
    """Hold one of this process's AI call slots for the block, or refuse at once (logged)."""
    size = settings.AI_MAX_CALLS_IN_FLIGHT
    if not size:
        yield
        return
    slots = _semaphore("calls", size)
    if not slots.acquire(blocking=False):
        raise _refuse(call, _busy("AI requests"))
    try:
        yield
    finally:
        slots.release()


def stream_slot(call: Any) -> Callable[[], None]:
    """Take a stream slot (this process's and, with Redis, one of all processes'), or refuse at
    once (logged). Returns what gives it back; calling that twice is harmless."""
    size = settings.AI_MAX_STREAMS_IN_FLIGHT
    slots = _semaphore("streams", size) if size else None
    if slots is not None and not slots.acquire(blocking=False):
        raise _refuse(call, _busy("streamed answers"))
    member = _lease_take()
    if member is False:
        if slots is not None:
            slots.release()
        raise _refuse(call, _busy("streamed answers"))
    released = threading.Event()

    def release() -> None:
        if released.is_set():
            return
        released.set()
        if slots is not None:
            slots.release()
        if member:
            _lease_give_back(member)

    return release


def _lease_take() -> str | None | bool:
    """A lease among all processes' streams: its name; None when there is no total bound or
    no Redis to keep it; False when every lease is taken."""
    limit = settings.AI_MAX_STREAMS_TOTAL
    client = redis_client() if limit else None
    if client is None:
        return None
    member = uuid.uuid4().hex
    lease_ms = int(settings.AI_STREAM_LEASE_SECONDS * 1000)
    try:
        taken = redis_script(client, _TAKE_LEASE)(
            keys=[redis_key(STREAMS_KEY)], args=[int(time.time() * 1000), lease_ms, limit, member]
        )
    except UNREACHABLE as exc:
        redis_failed(exc)
        return None  # the per-process bound alone, while Redis is away
    redis_answered()
    return member if taken else False


def _lease_give_back(member: str) -> None:
    client = redis_client()
    if client is None:
        return
    try:
        client.zrem(redis_key(STREAMS_KEY), member)
    except UNREACHABLE as exc:  # it expires on its own
        redis_failed(exc)
