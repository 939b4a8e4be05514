"""Django's Redis cache, with one redis client per connection pool, that keeps working from
the process's own memory while Redis is away.

Django's RedisCacheClient builds a new redis.Redis for every operation; each one fills a
table of ~170 response callbacks, ~0.25 ms of CPU. An AI request makes several cache calls
(throttles, breaker, result cache), so that was milliseconds per request. A redis.Redis
client is thread-safe (it takes a pooled connection per command), so one per pool serves all.

Redis is an accelerator, not a single point of failure (core/shared_state.py): an operation
that cannot reach it is served by a local-memory cache instead, and Redis is tried again
every few seconds, not on every operation. Deletes made meanwhile (a plan change, a circuit
closing) are replayed on Redis when it is back, so it does not serve what they dropped.
"""

from __future__ import annotations

import functools

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core import shared_state

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
MAX_PENDING_DELETES = 10_000


class _PooledClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


def _or_local(name: str):
    """The RedisCache method `name`, served by the local cache when Redis cannot be reached."""

    def method(self, *args, **kwargs):
        if shared_state.redis_worth_trying():
            try:
                result = getattr(super(PooledRedisCache, self), name)(*args, **kwargs)
            except UNREACHABLE as exc:
                shared_state.redis_failed(exc)
            else:
                if shared_state.redis_answered():
                    self._replay_deletes()
                return result
        else:
            shared_state.redis_served_locally()
        if name in ("delete", "delete_many"):
            self._remember_deletes(args[0] if name == "delete_many" else [args[0]])
        return getattr(self.local, name)(*args, **kwargs)

    method.__name__ = name
    return method


class PooledRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _PooledClient
        self._pending_deletes: set[str] = set()

    @functools.cached_property
    def local(self) -> LocMemCache:
        return LocMemCache(f"redis-fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 10_000}})

    def _remember_deletes(self, keys) -> None:
        if len(self._pending_deletes) < MAX_PENDING_DELETES:
            self._pending_deletes.update(keys)

    def _replay_deletes(self) -> None:
        keys, self._pending_deletes = list(self._pending_deletes), set()
        if keys:
            try:
                super().delete_many(keys)
            except UNREACHABLE as exc:
                shared_state.redis_failed(exc)

    add = _or_local("add")
    get = _or_local("get")
    set = _or_local("set")
    touch = _or_local("touch")
    delete = _or_local("delete")
    get_many = _or_local("get_many")
    has_key = _or_local("has_key")
    incr = _or_local("incr")
    set_many = _or_local("set_many")
    delete_many = _or_local("delete_many")
    clear = _or_local("clear")
