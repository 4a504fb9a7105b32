"""Sessions in the database with the cache in front, served by the database alone when the cache
does not answer (SESSION_ENGINE = "community.sessions").

Django's `cached_db` writes the database first and guards only its own cache write in `save()`;
the cache reads and writes of `load()`, `exists()` and `delete()` raise. Here every cache call is
guarded: the database row is the session, the cache entry a copy that may be missing. With
jige_portal.cache.RedisCache the cache already fails open and remembers the deletes it lost (a
session signed out during an outage is not signed in again when Redis returns); the guards keep
any other cache backend from turning an outage into a 500.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from jige_portal.cache import CACHE_ERRORS

from . import readahead

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    read_ahead = True  # False: read the session alone (a poll that needs only the member's id)

    def load(self):
        # With the member's own keys where the session is known to be theirs (community.readahead).
        keys = readahead.keys_with_session(self.cache_key) if self.read_ahead else [self.cache_key]
        try:
            found = self._cache.get_many(keys)
        except Exception:  # noqa: BLE001 - as Django: an invalid key or a cache that does not answer
            found = {}
        data = found.get(self.cache_key)
        if data is not None:
            readahead.session_read(self.cache_key, keys, found, data)
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        readahead.session_read(self.cache_key, [self.cache_key], {}, data)
        if getattr(self._cache, "available", True):  # not while Redis is failing (jige_portal.cache)
            try:
                self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
            except CACHE_ERRORS:
                logger.warning("session cache unavailable: session read from the database only")
        return data

    def exists(self, session_key):
        if not session_key:
            return False
        try:
            if (self.cache_key_prefix + session_key) in self._cache:
                return True
        except CACHE_ERRORS:
            pass
        return super(CachedDBStore, self).exists(session_key)

    def delete(self, session_key=None):
        # The database row first: once it is gone the session is over, whatever the cache holds.
        super(CachedDBStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except CACHE_ERRORS:
            logger.warning("session cache unavailable: could not drop the cached copy of a deleted session")
