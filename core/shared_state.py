"""Direct access to Redis for the few operations Django's cache API cannot make atomic (a
throttle's windows, the circuit breaker's count): the raw client when the cache is Redis and
Redis is worth trying (core/degradation.py), else None, and the process's own memory to use
instead."""

from __future__ import annotations

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core import degradation

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

_scripts: dict[tuple[int, str], object] = {}


def redis_client():
    """The cache's redis client, or None without Redis or while it is away."""
    backend = caches["default"]
    if isinstance(backend, RedisCache) and degradation.redis_worth_trying():
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
