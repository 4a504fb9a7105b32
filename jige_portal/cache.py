"""Django's Redis cache backend, failing open, with one redis-py client per connection pool.

*Failing open.* The cache holds nothing the database does not (sessions are written to the
database first, pages and counters can be made again), so a Redis that does not answer must cost
a request milliseconds, not a 500. Every call catches CACHE_ERRORS and answers what an empty cache
would: `get` the default, `get_many` {}, `incr` a fresh counter; `add` answers True, as if it had
stored the key, so that cache locks (allauth's rate limits) let the request through. After a
failure the *circuit is open* for CACHE_RETRY_SECONDS: calls answer at once without trying Redis,
so even the connect timeout is paid once per process and period, not once per call. A warning is
logged at most once per period.

*Lost writes.* A `set` or `delete` that failed leaves Redis with the old value, which becomes
visible again when Redis answers (a network partition, or a restart from its dump): a session
signed out during the outage would be signed in again, a page-cache version bumped during the
outage would let stale pages be served. Each process therefore remembers the keys whose writes it
lost, and deletes them before its first call once Redis answers again: a deleted key reads as a
miss, which every user of the cache handles. Callers that only re-fill the cache from the database
(the page cache, the cached member, cached sessions) check `cache.available` and skip writing
while the circuit is open, so what is remembered is what changed.

*One client per pool.* Django makes a new `redis.Redis` client for every cache call, and
redis-py 8 builds a table of several hundred response callbacks for each new client: that cost
more than the round trip to Redis itself (about 0.2 ms a call, several calls a page). A client
over a connection pool is safe to share between threads, so each pool keeps the one it made.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends import redis as django_redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache call raises when Redis does not answer.
CACHE_ERRORS = (RedisError, OSError)

# Keys whose lost writes a process remembers; beyond that it logs that some may be stale.
MAX_LOST_KEYS = 10_000


class _Client(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = getattr(pool, "jige_client", None)
        if client is None:
            client = pool.jige_client = self._client(connection_pool=pool)
        return client


class Circuit:
    """The health of one Redis location as this process sees it (shared by its threads)."""

    def __init__(self, retry_seconds: float):
        self.retry_seconds = retry_seconds
        self.open_until = 0.0
        self.warned_at = -1e9
        self.lost: set[str] = set()
        self.overflowed = False
        self.lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def trip(self, operation: str, exc: BaseException) -> None:
        now = time.monotonic()
        self.open_until = now + self.retry_seconds
        if now - self.warned_at >= self.retry_seconds:
            self.warned_at = now
            logger.warning("Cache unavailable (%s: %s); failing open for %s s", operation, exc, self.retry_seconds)

    def forget_later(self, keys) -> None:
        with self.lock:
            if len(self.lost) + len(keys) > MAX_LOST_KEYS:
                self.overflowed = True
                return
            self.lost.update(keys)

    def take_lost(self) -> list[str]:
        with self.lock:
            keys, self.lost = list(self.lost), set()
            if self.overflowed:
                self.overflowed = False
                logger.error("Cache: over %s writes lost during an outage; some entries may be stale", MAX_LOST_KEYS)
            return keys


_circuits: dict[tuple, Circuit] = {}
_circuits_lock = threading.Lock()


def _circuit_for(servers, retry_seconds: float) -> Circuit:
    key = tuple(servers)
    with _circuits_lock:
        if key not in _circuits:
            _circuits[key] = Circuit(retry_seconds)
        return _circuits[key]


def _fail_open(default, *, writes=None):
    """Answer `default(*args, **kwargs)` when Redis does not answer; `writes(self, *args, **kwargs)`
    names the (made) keys a failed call may have left stale."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            circuit = self.circuit
            if not circuit.is_open():
                try:
                    if circuit.lost:
                        self._forget_lost_keys()
                    return method(self, *args, **kwargs)
                except CACHE_ERRORS as exc:
                    circuit.trip(method.__name__, exc)
            if writes is not None:
                circuit.forget_later(writes(self, *args, **kwargs))
            return default(*args, **kwargs)

        return wrapper

    return decorator


def _one_key(self, key, *args, version=None, **kwargs):
    return [self.make_key(key, version=version)]


def _many_keys(self, keys, *args, version=None, **kwargs):
    return [self.make_key(key, version=version) for key in keys]


class RedisCache(django_redis.RedisCache):
    """OPTIONS beyond redis-py's: `retry_seconds`, how long the circuit stays open after a failure."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        retry_seconds = float(options.pop("retry_seconds", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _Client
        self.circuit = _circuit_for(self._servers, retry_seconds)

    def _forget_lost_keys(self) -> None:
        keys = self.circuit.take_lost()
        try:
            for start in range(0, len(keys), 500):
                self._cache.delete_many(keys[start : start + 500])
        except CACHE_ERRORS:
            self.circuit.forget_later(keys)
            raise
        logger.info("Cache answers again: forgot %s entries written during the outage", len(keys))

    @_fail_open(lambda *args, **kwargs: kwargs.get("default", args[1] if len(args) > 1 else None))
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_fail_open(lambda *args, **kwargs: {})
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_fail_open(lambda *args, **kwargs: False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_fail_open(lambda *args, **kwargs: None, writes=_one_key)
    def set(self, key, value, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    # A lost add() is not remembered: it leaves the key absent or as it was, never replaced.
    @_fail_open(lambda *args, **kwargs: True)
    def add(self, key, value, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_fail_open(lambda *args, **kwargs: False, writes=_one_key)
    def touch(self, key, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_fail_open(lambda *args, **kwargs: False, writes=_one_key)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_fail_open(lambda key, delta=1, *args, **kwargs: delta, writes=_one_key)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_fail_open(lambda data, *args, **kwargs: list(data), writes=_many_keys)
    def set_many(self, data, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_fail_open(lambda *args, **kwargs: None, writes=_many_keys)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_fail_open(lambda *args, **kwargs: False)
    def clear(self):
        return super().clear()

    @_fail_open(lambda *args, **kwargs: 1, writes=_one_key)
    def incr_window(self, key, timeout: int) -> int:
        """Add one to a counter that expires `timeout` seconds after it was made; one round trip
        (INCR and EXPIRE NX in a pipeline) where add() + incr() would take two. Redis down: 1."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        with client.pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, timeout, nx=True)
            count, _expiry_set = pipe.execute()
        return count

    @property
    def available(self) -> bool:
        """False while the circuit is open (Redis failed in the last few seconds)."""
        return not self.circuit.is_open()
