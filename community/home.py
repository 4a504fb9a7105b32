"""The signed-in member's home page, made of panels that each app contributes.

The community uses none of the other apps, so it cannot import their panels. Instead every app
of the portal may have a `home` module whose `PANELS` lists functions `panel(user) -> Panel | None`
(None: nothing to show this member); they are found on first use, the way jige_portal/celery.py
finds the apps' schedule modules. A panel loads everything it shows while it is made (lists, not
lazy QuerySets), in a fixed number of queries whatever the number of rows, and names the page
cache versions that cover it (the member's own version is always added by the page cache).
"""

import functools
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings

from jige_portal.prepared import prepared

from . import caching, fragments
from .models import Membership, Participant, Post, Role, User
from .translation import translated

LATEST_POSTS = 5
UNREAD_CONVERSATIONS = 5
# The roles a guest may ask staff for (staff make staff themselves, in the admin).
REQUESTABLE_ROLES = (Role.STUDENT, Role.FACULTY, Role.COMPANY_CONTACT)


@dataclass(frozen=True)
class Panel:
    order: int  # place on the page, smallest first
    template: str
    context: dict = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()


@functools.cache
def providers() -> tuple[Callable[[User], Panel | None], ...]:
    """Every app's PANELS, in the order of INSTALLED_APPS."""
    found = []
    for config in apps.get_app_configs():
        if not config.path.startswith(str(settings.BASE_DIR)):
            continue
        name = f"{config.name}.home"
        if importlib.util.find_spec(name) is not None:
            found.extend(importlib.import_module(name).PANELS)
    return tuple(found)


def panels_for(user: User) -> list[Panel]:
    panels = (provider(user) for provider in providers())
    return sorted((panel for panel in panels if panel is not None), key=lambda panel: panel.order)


# -- the community's own panels ---------------------------------------------------------------
def guest_panel(user: User) -> Panel | None:
    """A member without a role (a guest) learns what they may do and how to get a role."""
    if user.role_names - {Role.GUEST}:
        return None
    return Panel(0, "community/home/_guest.html", {"requestable_roles": REQUESTABLE_ROLES})


@prepared
def _group_ids(user_id: int):
    return Membership.objects.filter(user_id=user_id).order_by().values_list("group_id", flat=True)


@prepared
def _latest_posts(user_id: int):
    return (
        Post.objects.visible()
        .filter(pk__in=Post.objects.newest_in_groups_of(user_id, LATEST_POSTS))
        .select_related("author", "group")
        .order_by("-created_at", "-pk")
        .only("created_at", "body_html", *User.byline_fields("author"), "group__slug", *translated("group__name"))[
            :LATEST_POSTS
        ]
    )


def _unread_seats_query(user_id: int):
    return Participant.objects.filter(user_id=user_id).unread().order_by("-conversation__last_message_at", "-pk")


@prepared
def _unread_seats(user_id: int):
    return _unread_seats_query(user_id).select_related("conversation")[:UNREAD_CONVERSATIONS]


@prepared
def _participants_beside_unread_seats(user_id: int):
    """Everyone in the conversations of `_unread_seats`, with their names, by name."""
    conversations = _unread_seats_query(user_id).values("conversation_id")[:UNREAD_CONVERSATIONS]
    return (
        Participant.objects.active()
        .with_names()
        .filter(conversation_id__in=conversations)
        .order_by("user__display_name", "pk")
    )


def groups_panel(user: User) -> Panel:
    group_ids = _group_ids(user.pk)
    posts = _latest_posts(user.pk) if group_ids else []
    fragments.attach_post_lines(posts)
    return Panel(
        10,
        "community/home/_groups.html",
        {"posts": posts, "group_count": len(group_ids)},
        # A membership changes the member's own version; a post, its group's.
        tuple(caching.group(pk) for pk in group_ids),
    )


def conversations_panel(user: User) -> Panel:
    seats = _unread_seats(user.pk)
    others = {seat.conversation_id: [] for seat in seats}
    if seats:
        for participant in _participants_beside_unread_seats(user.pk):
            if participant.user_id != user.pk and participant.conversation_id in others:
                others[participant.conversation_id].append(participant.user)
    for seat in seats:
        seat.others = others[seat.conversation_id]
    return Panel(20, "community/home/_conversations.html", {"unread": seats}, (caching.inbox(user.pk),))


PANELS = [guest_panel, groups_panel, conversations_panel]
