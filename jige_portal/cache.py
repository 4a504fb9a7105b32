"""Django's Redis cache backend, with one redis-py client per connection pool.

Django makes a new `redis.Redis` client for every cache call, and redis-py 8 builds a table of
several hundred response callbacks for each new client: that cost more than the round trip to
Redis itself (about 0.2 ms a call, several calls a page). A client over a connection pool is
safe to share between threads, so each pool keeps the one it made.
"""

from django.core.cache.backends import redis as django_redis
from redis.exceptions import RedisError

# What a cache call raises when Redis does not answer.
CACHE_ERRORS = (RedisError, OSError)


class _Client(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = getattr(pool, "jige_client", None)
        if client is None:
            client = pool.jige_client = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client

    def incr_window(self, key, timeout: int) -> int:
        """Add one to a counter that expires `timeout` seconds after it was made; one round trip
        (INCR and EXPIRE NX in a pipeline) where add() + incr() would take two."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        with client.pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, timeout, nx=True)
            count, _expiry_set = pipe.execute()
        return count
