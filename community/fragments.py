"""Post cards rendered once and shared by every viewer: a content-addressed fragment cache.

A feed of 20 posts spent most of its time rendering the same cards for every member who opened
it. A card is a pure function of a few values the feed query already loaded (the post, its author,
its counts, the language and time zone, whether the viewer may react), so the cache key is a digest
of exactly those values: any change of any of them is another key, and nothing needs to be
invalidated. What differs per viewer is put in after the cached HTML is read: the CSRF token (the
page cache's placeholder) and which reactions are the viewer's own (aria-pressed).
"""

import hashlib
import logging

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from jige_portal.cache import CACHE_ERRORS

from . import pagecache
from .models import Reaction

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "community/_post.html"
CARD_SECONDS = 24 * 3600
_UNPRESSED = 'value="{kind}" aria-pressed="false"'
_PRESSED = 'value="{kind}" aria-pressed="true"'


def _card_key(post, *, show_group: bool, can_react: bool, path: str) -> str:
    author = post.author
    inputs = (
        pagecache.code_fingerprint(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        post.pk,
        hashlib.sha256(post.body_html.encode()).hexdigest(),
        str(post.image),
        getattr(getattr(post, "attachment", None), "pk", None),  # loaded with the post (for_feed)
        post.created_at.isoformat(),
        post.edited_at.isoformat() if post.edited_at else "",
        post.comment_count,
        tuple(getattr(post, f"{kind}_count", 0) for kind in Reaction.Kind.values),
        author.pk,
        author.display_name,
        str(author.avatar),
        post.group.slug,
        post.group.name if show_group else "",
        show_group,
        can_react,
        path,
    )
    return "fragment:post:" + hashlib.sha256(repr(inputs).encode()).hexdigest()


def _render_card(post, *, show_group: bool, can_react: bool, path: str) -> str:
    """The card as every viewer sees it: no reaction pressed, the CSRF placeholder for the token."""
    own = {kind: getattr(post, f"my_{kind}", False) for kind in Reaction.Kind.values}
    for kind in own:
        setattr(post, f"my_{kind}", False)
    try:
        return render_to_string(
            CARD_TEMPLATE,
            {
                "post": post,
                "show_group": show_group,
                "can_react": can_react,
                "next_path": path,
                "csrf_token": pagecache.CSRF_PLACEHOLDER,
            },
        )
    finally:
        for kind, mine in own.items():
            setattr(post, f"my_{kind}", mine)


def attach_post_cards(request, posts, *, show_group: bool = False, can_react: bool = True) -> None:
    """Set `post.card_html` on each post (annotated by the feed query), from the fragment cache
    where a card with the same inputs was rendered before; the missing ones are rendered and stored
    in one round trip each way."""
    posts = list(posts)
    if not posts:
        return
    path = request.path
    keys = [_card_key(post, show_group=show_group, can_react=can_react, path=path) for post in posts]
    try:
        found = cache.get_many(keys) if getattr(cache, "available", True) else {}
    except CACHE_ERRORS:
        logger.warning("fragment cache unavailable; rendering the cards", exc_info=True)
        found = {}
    missing = {}
    # While the page cache renders, the placeholder stays (it puts each viewer's token in);
    # otherwise this request's token goes in now.
    token = None if getattr(request, "pagecache_rendering", False) else get_token(request)
    for post, key in zip(posts, keys, strict=True):
        html = found.get(key)
        if html is None:
            html = missing[key] = _render_card(post, show_group=show_group, can_react=can_react, path=path)
        for kind in Reaction.Kind.values:
            if getattr(post, f"my_{kind}", False):
                html = html.replace(_UNPRESSED.format(kind=kind), _PRESSED.format(kind=kind))
        if token is not None:
            html = html.replace(pagecache.CSRF_PLACEHOLDER, token)
        post.card_html = mark_safe(html)  # noqa: S308 - rendered by our template, autoescaped
    if missing and getattr(cache, "available", True):
        try:
            cache.set_many(missing, CARD_SECONDS)
        except CACHE_ERRORS:
            logger.warning("fragment cache: could not store %d cards", len(missing), exc_info=True)
