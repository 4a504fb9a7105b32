"""Fragments rendered once and shared by every viewer: a content-addressed fragment cache.

A feed of 20 posts spent most of its time rendering the same cards for every member who opened
it, and a conversation the same 30 messages for each of its participants at each visit. A card is
a pure function of a few values the list query already loaded (the post, its author, its counts,
the language and time zone, whether the viewer may react), so the cache key is a digest of exactly
those values: any change of any of them is another key, and nothing needs to be invalidated. What
differs per viewer is put in after the cached HTML is read: the CSRF token (the page cache's
placeholder) and, for posts, which reactions are the viewer's own (aria-pressed).
"""

import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.core.signals import setting_changed
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from jige_portal.cache import CACHE_ERRORS

from . import pagecache

logger = logging.getLogger(__name__)

FRAGMENT_SECONDS = 24 * 3600
_UNPRESSED = 'value="{kind}" aria-pressed="false"'
_PRESSED = 'value="{kind}" aria-pressed="true"'


def _token(request) -> str | None:
    """The CSRF token to put in now; None while the page cache renders the page (the
    placeholder stays, and the cache puts each viewer's token in)."""
    return None if getattr(request, "pagecache_rendering", False) else get_token(request)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def attach_fragments(
    request,
    items: Iterable,
    *,
    name: str,
    inputs: Callable[[object], tuple],
    render: Callable[[object], str],
    personalize: Callable[[object, str], str] | None = None,
    keep_placeholder: bool = False,
) -> None:
    """Set `item.fragment_html` on each item, from the fragment cache where a fragment with the
    same inputs was rendered before: a list seen before in one read, otherwise the items'
    fragments in one read and the missing ones rendered and stored in one write. `inputs(item)`
    must name every value the template reads; `render(item)` renders with the CSRF placeholder
    for the token; `personalize(item, html)` puts in the viewer's part. `keep_placeholder`: the
    items go into a fragment shared between viewers, which puts in each viewer's token when it
    is read."""
    items = list(items)
    if not items:
        return
    shared = (pagecache.code_fingerprint(), translation.get_language(), timezone.get_current_timezone_name())
    values = [inputs(item) for item in items]
    # The whole list is kept under one more key, made of the same values as theirs (so as exact
    # as they are): a page read again is one value to fetch and unpickle instead of one per item.
    whole = f"fragment:{name}:list:" + _digest(repr((shared, values))) if len(items) > 1 else None
    available = getattr(cache, "available", True)
    kept = None
    try:
        kept = cache.get(whole) if available and whole is not None else None
    except CACHE_ERRORS:
        logger.warning("fragment cache unavailable; rendering the %s fragments", name, exc_info=True)
    if isinstance(kept, list) and len(kept) == len(items):
        _put_in(items, kept, personalize, None if keep_placeholder else _token(request))
        return
    keys = [f"fragment:{name}:" + _digest(repr((shared, value))) for value in values]
    found = {}
    try:
        if available:
            found = cache.get_many(keys)
    except CACHE_ERRORS:
        logger.warning("fragment cache unavailable; rendering the %s fragments", name, exc_info=True)
        found = {}
    missing = {}
    rendered = []
    for item, key in zip(items, keys, strict=True):
        html = found.get(key)
        if html is None:
            html = missing[key] = render(item)
        rendered.append(html)
    _put_in(items, rendered, personalize, None if keep_placeholder else _token(request))
    writes = dict(missing)
    if whole is not None:
        writes[whole] = rendered
    if writes and available:
        try:
            cache.set_many(writes, FRAGMENT_SECONDS)
        except CACHE_ERRORS:
            logger.warning("fragment cache: could not store %d %s fragments", len(writes), name, exc_info=True)


def _put_in(items, shared_html, personalize, token) -> None:
    """`item.fragment_html`: each item's shared HTML, personalized, with the viewer's token in."""
    for item, html in zip(items, shared_html, strict=True):
        if personalize is not None:
            html = personalize(item, html)
        if token is not None:
            html = html.replace(pagecache.CSRF_PLACEHOLDER, token)
        item.fragment_html = mark_safe(html)  # noqa: S308 - rendered by our templates, autoescaped


def _press(html: str, kinds) -> str:
    """A post card's reaction buttons with the viewer's own `kinds` pressed."""
    for kind in kinds:
        html = html.replace(_UNPRESSED.format(kind=kind), _PRESSED.format(kind=kind))
    return html


def attach_post_cards(
    request, posts, *, show_group: bool = False, can_react: bool = True, shared: bool = False
) -> None:
    """Post cards (`post.fragment_html`) for a feed whose query annotated the counts and the
    viewer's own reactions (for_feed). `shared`: the cards go into a fragment shared between
    viewers (no reaction pressed, no token), which `personal_post_cards` makes the viewer's."""
    path = request.path

    def inputs(post):
        author = post.author
        return (
            post.pk,
            _digest(post.body_html),
            str(post.image),
            getattr(getattr(post, "attachment", None), "pk", None),  # loaded with the post (for_feed)
            post.created_at.isoformat(),
            post.edited_at.isoformat() if post.edited_at else "",
            post.comment_count,
            post.reaction_counts,
            author.pk,
            author.display_name,
            str(author.avatar),
            post.group.slug,
            post.group.name if show_group else "",
            show_group,
            can_react,
            path,
        )

    def render(post):
        """The card as every viewer sees it: no reaction pressed, the placeholder for the token."""
        own, post.my_reactions = getattr(post, "my_reactions", None), None
        try:
            return render_to_string(
                "community/_post.html",
                {
                    "post": post,
                    "show_group": show_group,
                    "can_react": can_react,
                    "next_path": path,
                    "csrf_token": pagecache.CSRF_PLACEHOLDER,
                },
            )
        finally:
            post.my_reactions = own

    def personalize(post, html):
        return _press(html, post.own_reactions)

    attach_fragments(
        request,
        posts,
        name="post",
        inputs=inputs,
        render=render,
        personalize=None if shared else personalize,
        keep_placeholder=shared,
    )


@dataclass(frozen=True)
class Card:
    """A card of a shared list as one viewer sees it (the templates read `fragment_html`)."""

    pk: int
    fragment_html: str


def personal_post_cards(request, cards: Iterable[tuple[int, str]], own: dict[int, Iterable[str]]) -> list[Card]:
    """Post cards `(pk, html)` of a shared fragment as this viewer sees them: the reactions in
    `own` (post pk: kinds) pressed, the CSRF token in (or the placeholder, while the page cache
    renders the page for its own entry)."""
    token = _token(request)
    personal = []
    for pk, html in cards:
        html = _press(html, own.get(pk, ()))
        if token is not None:
            html = html.replace(pagecache.CSRF_PLACEHOLDER, token)
        personal.append(Card(pk, mark_safe(html)))  # noqa: S308 - rendered by our templates, autoescaped
    return personal


def attach_message_fragments(request, conversation, messages) -> None:
    """Messages of a conversation (`message.fragment_html`), loaded with their sender and
    files (`message.files`). A message looks the same to every participant but its sender (no report form,
    no picture), so whether the viewer sent it is part of the key."""
    viewer = request.user.pk
    bylines = {}  # per sender: a page's 50 messages have a few senders, each read once

    def inputs(message):
        sender = message.sender
        byline = bylines.get(id(sender))
        if byline is None:
            byline = bylines[id(sender)] = (sender.display_name, str(sender.avatar))
        return (
            conversation.pk,
            message.pk,
            message.sender_id == viewer,
            *byline,
            message.created_at.isoformat(),
            message.is_hidden,
            _digest(message.body_html) if message.body else "",
            tuple((f.pk, f.original_name, f.kind, f.size) for f in message.files),
        )

    def render(message):
        return render_to_string(
            "community/_message.html",
            {
                "message": message,
                "own": message.sender_id == viewer,
                "conversation": conversation,
                "csrf_token": pagecache.CSRF_PLACEHOLDER,
            },
        )

    attach_fragments(request, messages, name="message", inputs=inputs, render=render)


def attach_post_lines(posts) -> None:
    """The home page's lines about new posts (`post.fragment_html`: link, excerpt, author, group,
    time), alike for every member who sees them; the posts are loaded with author and group."""

    def inputs(post):
        return (
            post.pk,
            _digest(post.body_html),
            post.created_at.isoformat(),
            post.author.display_name,
            post.group.slug,
            post.group.name,
        )

    def render(post):
        return render_to_string("community/home/_post_line.html", {"post": post})

    # No form in a line: no CSRF token to put in, and no request needed.
    attach_fragments(None, posts, name="post-line", inputs=inputs, render=render, keep_placeholder=True)


def attach_group_cards(request, groups) -> None:
    """Group cards (`group.fragment_html`) for groups loaded with their card data (for_cards),
    alike for every viewer: where the viewer's part goes (member, request pending), a slot that
    `with_group_states` fills."""

    def inputs(group):
        return (
            group.pk,
            group.slug,
            group.name,
            str(group.cover),
            group.category,
            group.extra_category.name if group.extra_category_id else "",
            group.visibility,
            group.join_policy,
            group.description,
            group.member_count,
        )

    def render(group):
        return render_to_string("community/_group_card.html", {"group": group})

    attach_fragments(request, groups, name="group", inputs=inputs, render=render)


_GROUP_STATUS_SLOT = re.compile(r"<!--group-status:(\d+)-->")


def with_group_states(html: str, states: dict[int, str]) -> str:
    """HTML of group cards with the viewer's part in each card's slot: "member" or "pending"
    (community.models.groups.card_states), nothing for the others."""
    status = {
        "member": format_html(" · <strong>{}</strong>", _("You are a member")),
        "pending": format_html(" · <strong>{}</strong>", _("Request pending")),
    }
    return mark_safe(  # noqa: S308 - our templates' HTML, the statuses escaped by format_html
        _GROUP_STATUS_SLOT.sub(lambda slot: status.get(states.get(int(slot.group(1))), ""), html)
    )


# -- fragments kept in the process ----------------------------------------------------------------
MAX_KEPT = 4096
_kept: dict[tuple, str] = {}
_kept_lock = threading.Lock()


def rendered_once(request, template_name: str, inputs: tuple, context: Callable[[], dict]):
    """A fragment that is a function of `inputs`, the language and the template alone (forms
    without data, their actions and initial values: nothing of the viewer, nothing read from the
    database that could change under it), rendered once in this process and kept, with the
    viewer's CSRF token put in. `context()` gives the template's context. Keyed by the template
    as loaded, so an edited template (reloaded while developing) renders anew; forgotten when a
    setting changes (the tests) and, all at once, when MAX_KEPT fragments are kept."""
    template = get_template(template_name)
    key = (template.template, translation.get_language(), get_script_prefix(), get_urlconf(), *inputs)
    html = _kept.get(key)
    if html is None:
        html = template.render({**context(), "csrf_token": pagecache.CSRF_PLACEHOLDER})
        with _kept_lock:
            if len(_kept) >= MAX_KEPT:
                _kept.clear()
            _kept[key] = html
    token = _token(request)
    return mark_safe(html if token is None else html.replace(pagecache.CSRF_PLACEHOLDER, token))  # noqa: S308


def _forget_kept(**kwargs) -> None:
    with _kept_lock:
        _kept.clear()


setting_changed.connect(_forget_kept, dispatch_uid="community.fragments.kept")
