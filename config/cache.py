"""Django's Redis cache, with one redis client per connection pool.

Django's RedisCacheClient builds a new redis.Redis for every operation; each one fills a
table of ~170 response callbacks, ~0.25 ms of CPU. An AI request makes several cache calls
(throttles, breaker, result cache), so that was milliseconds per request. A redis.Redis
client is thread-safe (it takes a pooled connection per command), so one per pool serves all.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _PooledClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PooledRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _PooledClient
