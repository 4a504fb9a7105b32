"""Rendered pages kept in the cache (Redis), and the version tokens that invalidate them.

A page that is read far more often than it changes is rendered once and its whole body kept
under a key made of everything it depends on that the request carries: the full path, the
language, the time zone, today's date, the viewer (the member and the header fields of
base.html, or a visitor) and the view's own `parts`. Beside the body the entry holds the
*versions* of the data the page was rendered from (`depends_on`): tokens kept in the cache
under names such as "group:12", replaced after every committed write to that data — by the
model hooks each app registers with `track` (saves and deletes from services and the admin
alike), and by explicit `bump` calls where a service writes with `QuerySet.update()` or
`bulk_create()`, which send no signals.

A request reads its entry, the current tokens and the member's header badges in one round trip
and serves the body only when they all still match. Otherwise it renders and stores the body
with the tokens read *before* rendering: a write that commits during the render leaves a stale
entry that is never served, not a wrong one.

Per-request parts stay live: the CSRF token is rendered as a placeholder and replaced with this
request's own masked token; a request with flash messages waiting is neither served from nor
stored in the cache. Only 200 responses are kept, for at most PAGE_CACHE_SECONDS, a backstop
for what no token covers (another member renaming themselves shows after that time). When the
cache does not answer, pages are rendered as if it were empty.
"""

import functools
import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe

from jige_portal.cache import CACHE_ERRORS

from . import readahead

logger = logging.getLogger(__name__)

# Where each viewer's CSRF token goes in a page or fragment shared between viewers. Only letters
# and digits, so that HTML escaping leaves it as it is, and derived from SECRET_KEY: a member who
# wrote it into a post would otherwise have every reader's token put into their post.
CSRF_PLACEHOLDER = "pagecacheCsrf" + salted_hmac("community.pagecache.csrf", "", algorithm="sha256").hexdigest()[:32]
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
# Says whether a cacheable page came from the cache ("hit") or was rendered ("miss"): for
# operators and `make bench`, which reports the hit rate of its mixed run.
HIT_HEADER = "X-Page-Cache"


def member(pk) -> str:
    """Everything of one member's own that their pages show; every cached page of a signed-in
    member depends on it, so a role or account change renders all of them anew."""
    return f"member:{pk}"


def version_key(name: str) -> str:
    return f"pagecache:v:{name}"


# How many times this process has bumped versions: versions read before a bump of its own (a view
# that marks a conversation read while it finds it) are not used for what it renders after.
_bumps = 0


def bump(*names: str) -> None:
    """Fresh tokens for these versions now and again after commit, so that no page rendered
    before is served again. The second one matters: a request that read the old rows while the
    transaction was still open may have stored its page under the first token."""
    keys = {version_key(name) for name in names if name}
    if not keys:
        return
    global _bumps
    _bumps += 1

    def replace():
        try:
            cache.set_many(dict.fromkeys(keys, uuid.uuid4().hex), timeout=None)
        except CACHE_ERRORS:  # jige_portal.cache fails open and forgets these keys when Redis is back
            logger.warning("page cache: could not bump %s", sorted(keys), exc_info=True)

    replace()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(replace)


def track(model, versions: Callable[[object], Iterable[str]], *, m2m: Iterable = ()) -> None:
    """Bump `versions(instance)` whenever a row of `model` is saved or deleted (the admin and
    inline formsets included), and when one of its many-to-many fields in `m2m` (descriptors such
    as `Profile.interests`) changes."""

    def changed(sender, instance, **kwargs):
        if kwargs.get("raw"):  # loaddata
            return
        bump(*versions(instance))

    def m2m_change(sender, instance, action, **kwargs):
        if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, model):
            bump(*versions(instance))

    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"pagecache-save-{model._meta.label}")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"pagecache-delete-{model._meta.label}")
    for descriptor in m2m:
        through = descriptor.through
        m2m_changed.connect(m2m_change, sender=through, weak=False, dispatch_uid=f"pagecache-m2m-{through._meta.label}")


def _cacheable(request) -> bool:
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    # Flash messages are shown once, by the page rendered for them.
    if request.COOKIES.get(CookieStorage.cookie_name):
        return False
    session = getattr(request, "session", None)
    return not (session is not None and "_messages" in session)


@functools.cache
def code_fingerprint() -> str:
    """A digest of the code, templates and catalogues: pages rendered by another release of the
    portal are not served by this one (computed once per process, from the files' contents)."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    apps = ("jige_portal", "community", "courses", "internships", "credentials")
    patterns = ("templates/**/*.html", "locale/**/*.po", *(f"{app}/**/*.py" for app in apps))
    for path in sorted({p for pattern in patterns for p in root.glob(pattern)}):
        if "tests" in path.parts:
            continue
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    digest.update(CSRF_PLACEHOLDER.encode())  # a new SECRET_KEY: pages with the old placeholder are not served
    return digest.hexdigest()[:16]


def _viewer(request) -> tuple:
    user = request.user
    if not user.is_authenticated:
        return ("visitor",)
    # What base.html shows of the member: a change to any of these renders anew.
    return ("member", user.pk, user.display_name, str(user.avatar), user.is_staff)


def serve(request, resolve: Callable[[], tuple[Iterable[str], Callable[[], HttpResponse]]], *, parts=()):
    """The page from the cache while the data it was rendered from is unchanged, else rendered.

    `resolve()` does what the view does before rendering — find the object, check that the
    viewer may see it (raising Http404 or PermissionDenied as usual) — and returns the version
    names the page depends on and a function that renders it. It runs only when no valid entry
    exists. An entry is kept per viewer, so it is served only to someone for whom `resolve()`
    succeeded, and only while every version it named is unchanged: those names must cover what
    the permission check read (the object, the viewer's membership or roles) as well as what
    the page shows. Every signed-in viewer's pages also depend on `member(pk)`.
    """
    if not _cacheable(request) or not getattr(cache, "available", True):
        # Redis failed a moment ago (jige_portal.cache): render, and do not try to store the page.
        return resolve()[1]()
    from .services.notifications import badge_cache_key

    identity = (
        code_fingerprint(),
        request.get_full_path(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        _viewer(request),
        tuple(parts),
    )
    key = "pagecache:p:" + hashlib.sha256(repr(identity).encode()).hexdigest()
    badges = readahead.header_counts(request.user) if request.user.is_authenticated else None
    badges_key = badge_cache_key(request.user.pk) if request.user.is_authenticated and badges is None else None
    current = {}  # the versions a stale entry named, as read before anything was rendered
    bumps = _bumps
    try:
        found = cache.get_many([key, badges_key] if badges_key else [key])
        entry = found.get(key)
        if badges_key:
            badges = found.get(badges_key)
        if entry is not None and entry["badges"] == badges:
            current = cache.get_many(entry["keys"])
            if all(current.get(k) == v for k, v in zip(entry["keys"], entry["versions"], strict=True)):
                response = HttpResponse(entry["body"], content_type=entry["content_type"])
                response[HIT_HEADER] = "hit"
                return _live(request, response)
    except CACHE_ERRORS:
        logger.warning("page cache unavailable; rendering %s", request.path, exc_info=True)
        return resolve()[1]()

    depends_on, render = resolve()
    names = set(depends_on)
    if request.user.is_authenticated:
        names.add(member(request.user.pk))
    keys = [version_key(name) for name in sorted(names)]
    try:
        # Read before rendering: a write that commits meanwhile bumps past these tokens. Those of a
        # stale entry naming the same versions were read before resolve(), so they serve as well,
        # unless resolve() changed some itself (the page shows the change: its entry would never match).
        if bumps == _bumps and current and all(k in current for k in keys):
            versions = tuple(current[k] for k in keys)
        else:
            versions = _current_versions(keys)
    except CACHE_ERRORS:
        logger.warning("page cache unavailable; rendering %s", request.path, exc_info=True)
        return render()
    request.pagecache_rendering = True
    try:
        response = render()
    finally:
        request.pagecache_rendering = False
    if response.status_code == 200 and not response.streaming and not response.cookies:
        entry = {
            "keys": keys,
            "versions": versions,
            "badges": getattr(request, "pagecache_badges", None),
            "body": response.content,
            "content_type": response["Content-Type"],
        }
        try:
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
        except CACHE_ERRORS:
            logger.warning("page cache: could not store %s", request.path, exc_info=True)
    response[HIT_HEADER] = "miss"
    return _live(request, response)


def serve_page(request, render: Callable[[], HttpResponse], *, depends_on: Iterable[str], parts=()):
    """`serve` for a page whose versions are known before rendering (lists, the home page)."""
    return serve(request, lambda: (depends_on, render), parts=parts)


def _current_versions(keys: list[str]) -> tuple:
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        # A version never bumped (or evicted) gets a token now: an entry is never stored
        # against "no version", which a later eviction could make match again.
        for version in missing:
            cache.add(version, uuid.uuid4().hex, timeout=None)
        found.update(cache.get_many(missing))
    return tuple(found.get(k) for k in keys)


def current_versions(names: Iterable[str]) -> tuple:
    """The tokens of these versions in one round trip, made where there are none."""
    return _current_versions([version_key(name) for name in names])


def current_version(name: str) -> str:
    """The token of one version, made when there is none (the conversation poll's ETag)."""
    return _current_versions([version_key(name)])[0]


def _live(request, response: HttpResponse) -> HttpResponse:
    """Put this request's CSRF token where the placeholder was rendered."""
    if not response.streaming and _PLACEHOLDER_BYTES in response.content:
        response.content = response.content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
    return response


def context(request) -> dict:
    """Template context while a page is rendered for the cache: the CSRF placeholder."""
    if getattr(request, "pagecache_rendering", False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


# -- fragments shared by every viewer --------------------------------------------------------
class Shared:
    """A shared fragment as a view hands it to its template: the HTML and what the render noted."""

    def __init__(self, html: str, data: dict):
        self.html = mark_safe(html)  # noqa: S308 - rendered by our own templates, escaped there
        self.data = data


def shared(request, name: str, *, depends_on: Iterable[str], render: Callable[[], tuple[str, dict]], parts=()):
    """The part of a page that every viewer sees alike, rendered once and kept while the versions
    it depends on are unchanged; with the page cache off, a member's first view of a list costs
    the page around it, not the list.

    The key holds what the request carries (full path, language, time zone, today's date, the
    view's `parts`) but not the viewer: `render()` must show nothing of the viewer and no form
    that posts (it would carry someone's CSRF token). It returns the HTML and a small dict for the
    page around it (a count, "no results"). The versions are read before rendering, as in
    `serve`, so a write that commits meanwhile leaves an entry that is never served. The entry
    and the current versions come in one round trip. When Redis does not answer, the fragment is
    rendered.
    """
    seconds = settings.SHARED_FRAGMENT_SECONDS
    if seconds <= 0 or not getattr(cache, "available", True):
        return Shared(*render())
    identity = (
        code_fingerprint(),
        name,
        request.get_full_path(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        tuple(parts),
    )
    key = "pagecache:f:" + hashlib.sha256(repr(identity).encode()).hexdigest()
    keys = [version_key(name) for name in sorted(set(depends_on))]
    try:
        found = cache.get_many([key, *keys])
        entry = found.get(key)
        now = tuple(found.get(k) for k in keys)
        if entry is not None and entry["versions"] == now:
            return Shared(entry["html"], entry["data"])
        # Read before rendering already; a version never made yet gets its token now.
        versions = now if all(k in found for k in keys) else _current_versions(keys)
    except CACHE_ERRORS:
        logger.warning("page cache unavailable; rendering the fragment %s", name, exc_info=True)
        return Shared(*render())
    html, data = render()
    try:
        cache.set(key, {"versions": versions, "html": str(html), "data": data}, seconds)
    except CACHE_ERRORS:
        logger.warning("page cache: could not store the fragment %s", name, exc_info=True)
    return Shared(html, data)


# -- values shared by every request, kept in the process -------------------------------------
_MEMO_SIZE = 256
_memo: OrderedDict = OrderedDict()
_memo_lock = threading.Lock()


def memo(name: str, *, depends_on: Iterable[str], build: Callable[[], object]):
    """A value that every request in the active language shares (a filter's list of all
    organizations, say), built from the database and kept in this process while its versions
    are unchanged: one round trip to Redis for the tokens instead of the queries. As in `serve`,
    the tokens are read before building. `build()` must read nothing of the viewer and return
    something nobody changes (a tuple). Kept at most SHARED_FRAGMENT_SECONDS, like the shared
    fragments, and off with them; built every time while Redis does not answer."""
    seconds = settings.SHARED_FRAGMENT_SECONDS
    if seconds <= 0 or not getattr(cache, "available", True):
        return build()
    try:
        versions = current_versions(sorted(set(depends_on)))
    except CACHE_ERRORS:
        logger.warning("page cache unavailable; building %s", name, exc_info=True)
        return build()
    key = (name, translation.get_language(), versions)
    now = time.monotonic()
    with _memo_lock:
        found = _memo.get(key)
        if found is not None and found[0] > now:
            _memo.move_to_end(key)
            return found[1]
    value = build()
    with _memo_lock:
        _memo[key] = (now + seconds, value)
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return value
