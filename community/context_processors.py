from django.core.cache import cache

from . import readahead


def portal(request):
    """Values every page needs: the path to return to after switching language, and the
    signed-in member's unread counts for the header (cached; see services.forget_badges)."""
    context = {"current_path": request.get_full_path()}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["badges"] = _Badges(user, request)
    return context


class _Badges:
    """Computed on first use in a template, then kept in the cache until something changes."""

    def __init__(self, user, request):
        self.user = user
        self.request = request
        self._value = None

    def _load(self):
        if self._value is None:
            from .models import Notification, Participant
            from .services.notifications import badge_cache_key

            key = badge_cache_key(self.user.pk)
            value = readahead.header_counts(self.user)  # read with the member's row, if it was
            if value is None:
                value = cache.get(key)
            if value is None:
                value = {
                    "notifications": Notification.objects.filter(recipient=self.user).unread().count(),
                    "messages": Participant.objects.filter(user=self.user).unread().not_muted(self.user).count(),
                }
                cache.set(key, value, 300)
            self._value = value
            # The page cache keeps the counts a page was rendered with (community.pagecache).
            self.request.pagecache_badges = value
        return self._value

    @property
    def notifications(self):
        return self._load()["notifications"]

    @property
    def messages(self):
        return self._load()["messages"]
