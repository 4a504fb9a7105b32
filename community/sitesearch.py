"""One search across the portal, each app contributing the kinds of results it owns.

The community uses none of the other apps, so it cannot query their rows. As with the home
page's panels (community/home.py), every app of the portal may have a `search` module whose
`PROVIDERS` lists `Provider`s; they are found on first use. A provider's `results(user, query)`
is a lazy QuerySet of the rows of its kind that the member finds on that kind's own list page
(the same visibility rules), best first; the search page counts it and shows the first few, so
each kind costs two queries whatever the number of rows. (community/search.py itself is the
shared tokenizer and has no PROVIDERS.)
"""

import functools
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import CommunityGroup, Post, Profile, User
from .search import apply_search

# Fewer letters than this match far too much (a single Latin letter is a prefix of most words);
# Japanese words of two characters (東京, 京都) are long enough.
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
PREVIEW = 5


@dataclass(frozen=True)
class Provider:
    kind: str  # in the page's ?kind=, e.g. "groups"
    label: str  # the kind's heading, plural
    order: int  # place on the page, smallest first
    template: str  # renders one result, given `item`
    results: Callable[[User, str], QuerySet]
    # The kind's own list page filtered by the query; None: the search page lists them all.
    list_url: Callable[[str], str] | None = None

    def see_all_url(self, query: str) -> str:
        if self.list_url is not None:
            return self.list_url(query)
        return with_query(reverse("community:search"), q=query, kind=self.kind)


def with_query(url: str, **params) -> str:
    return f"{url}?{urlencode(params)}"


@functools.cache
def providers() -> tuple[Provider, ...]:
    """The community's own providers and every other app's PROVIDERS, in the order they ask for."""
    found = list(PROVIDERS)
    for config in apps.get_app_configs():
        if config.name == "community" or not config.path.startswith(str(settings.BASE_DIR)):
            continue
        name = f"{config.name}.search"
        if importlib.util.find_spec(name) is not None:
            found.extend(getattr(importlib.import_module(name), "PROVIDERS", ()))
    return tuple(sorted(found, key=lambda provider: provider.order))


def provider_for(kind: str) -> Provider | None:
    return next((provider for provider in providers() if provider.kind == kind), None)


# -- the community's own kinds ------------------------------------------------------------------
def groups(user: User, query: str) -> QuerySet:
    """Groups the finder shows: public ones, and secret ones the member belongs to."""
    found = apply_search(CommunityGroup.objects.visible_to(user), query)
    return found.select_related("organization").order_by("-member_count", "name", "pk")


def members(user: User, query: str) -> QuerySet:
    """Members who share their profile, found by name in either script (and by field if shown)."""
    found = apply_search(Profile.objects.shared(), query)
    return found.select_related("user__organization").order_by("user__display_name", "pk")


def posts(user: User, query: str) -> QuerySet:
    """Posts the member may read: in open public groups and in the member's own groups."""
    found = apply_search(Post.objects.readable_by(user), query)
    return found.select_related("author", "group").order_by("-created_at", "-pk")


PROVIDERS = [
    Provider(
        "groups",
        _("Groups"),
        10,
        "community/search/_group.html",
        groups,
        lambda query: with_query(reverse("community:group_list"), q=query),
    ),
    Provider(
        "members",
        _("Members"),
        20,
        "community/search/_member.html",
        members,
        lambda query: with_query(reverse("community:member_directory"), q=query),
    ),
    Provider("posts", _("Posts in groups"), 60, "community/search/_post.html", posts),
]
