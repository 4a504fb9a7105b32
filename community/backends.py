"""Authentication backends that read the signed-in member from the cache.

Every request of a signed-in member loads their row; on pages served from the page cache that
was the only query left. The row is kept in the cache for a few minutes and forgotten whenever
it is saved or deleted (community.caching) and where a service updates it in bulk
(`forget_user`), so a password change, a deactivation or a new e-mail address takes effect at
once: Django still checks the session's password hash and `is_active` on the cached row.
"""

import contextlib

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import cache
from django.db import transaction

from jige_portal.cache import CACHE_ERRORS

from . import readahead

USER_SECONDS = 300


def user_cache_key(user_id) -> str:
    return f"community:user:{user_id}"


def forget_user(user_id) -> None:
    """Drop the cached row now and again after commit (a request may re-read the old row meanwhile)."""
    key = user_cache_key(user_id)

    def drop():
        # A cache that does not answer forgets the key once it answers again (jige_portal.cache).
        with contextlib.suppress(*CACHE_ERRORS):
            cache.delete(key)

    drop()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(drop)


class _CachedUser:
    def get_user(self, user_id):
        # The role names and header counts too, read by nearly every page (the two-factor check,
        # the header): one round trip for the three, or none when read with the session.
        key, roles_key, counts_key = readahead.member_keys(user_id)
        found = readahead.take(user_id)
        if found is None:
            try:
                found = cache.get_many([key, roles_key, counts_key])
            except CACHE_ERRORS:  # the cache is down: the database answers
                found = {}
        user = found.get(key)
        if user is None:
            try:
                user = get_user_model()._default_manager.get(pk=user_id)
            except get_user_model().DoesNotExist:
                return None
            if getattr(cache, "available", True):  # not while Redis is failing (jige_portal.cache)
                with contextlib.suppress(*CACHE_ERRORS):
                    cache.set(key, user, USER_SECONDS)
        if roles_key in found:
            user.__dict__["role_names"] = found[roles_key]  # User.role_names, a cached_property
        if counts_key in found:
            user.__dict__[readahead.HEADER_COUNTS] = found[counts_key]  # not pickled with the row
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_CachedUser, DjangoModelBackend):
    pass


class AuthenticationBackend(_CachedUser, AllauthBackend):
    pass
