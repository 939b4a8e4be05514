"""Admission control: a bounded number of AI calls and streams in flight, and a quick, honest
503 beyond it.

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
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings

from core import errors
from core.shared_state import (
    UNREACHABLE,
    redis_answered,
    redis_client,
    redis_failed,
    redis_key,
    redis_script,
)

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
