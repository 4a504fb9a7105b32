"""Per-member rate limits for posting, commenting and messaging: a counter in the cache.

Over the limit a view answers 429 with a translated page (templates/community/rate_limited.html).
When the cache does not answer, the limit is skipped (logged): members keep posting during an
outage rather than all getting errors.
"""

import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from jige_portal.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)

# action: (how many, per seconds); settings.COMMUNITY_RATE_LIMITS overrides.
DEFAULT_LIMITS = {"post": (5, 60), "comment": (20, 60), "message": (30, 60)}


def limit_for(action: str) -> tuple[int, int]:
    return getattr(settings, "COMMUNITY_RATE_LIMITS", {}).get(action, DEFAULT_LIMITS[action])


def hit(action: str, user_id: int) -> bool:
    """Count one attempt; False when the member is over the limit for this window, True (and a
    warning) when the cache does not answer."""
    count, seconds = limit_for(action)
    window = int(time.time() // seconds)
    key = f"community:rl:{action}:{user_id}:{window}"
    try:
        if hasattr(cache, "incr_window"):  # Redis (jige_portal.cache): one round trip
            value = cache.incr_window(key, seconds + 5)
        else:
            cache.add(key, 0, seconds + 5)
            try:
                value = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, seconds + 5)
                value = 1
    except CACHE_ERRORS:
        logger.warning("rate limit %s skipped for member %s: cache unavailable", action, user_id)
        return True
    if not getattr(cache, "available", True):
        logger.warning("rate limit %s skipped for member %s: cache unavailable", action, user_id)
    return value <= count


def rate_limited(action: str):
    """Decorator for POST views of signed-in members."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and request.user.is_authenticated and not hit(action, request.user.pk):
                _count, seconds = limit_for(action)
                return render(request, "community/rate_limited.html", {"seconds": seconds}, status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
