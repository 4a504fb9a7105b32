"""Helpers for the page layout shared by every app (filters behind a button on phones)."""

import weakref

from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext, pgettext

from community import pagecache

register = template.Library()


@register.simple_tag
def filters_summary(active):
    """The summary of a list's Filter toggle: "Filter" and, when some are set, how many."""
    label = pgettext("show the filters of a list", "Filter")
    if not active:
        return format_html("<summary>{}</summary>", label)
    return format_html(
        '<summary>{} <span class="filters-toggle__count">{}<span class="visually-hidden"> {}</span></span></summary>',
        label,
        active,
        ngettext("filter set", "filters set", active),
    )


@register.filter
def active_filter_count(form, leave_out=""):
    """How many of a bound filter form's fields the visitor has set (for the "Filter (2)" button),
    not counting the comma-separated `leave_out` fields (the search box shown beside the button)."""
    if not getattr(form, "is_bound", False):
        return 0
    skipped = {name.strip() for name in leave_out.split(",") if name.strip()}
    count = 0
    for name in form.fields:
        if name in skipped:
            continue
        values = [value for value in form.data.getlist(form.add_prefix(name)) if value.strip()]
        if values:
            count += 1
    return count


# -- the site header -------------------------------------------------------------------------
# Rendering base.html's header cost a signed-in page about 2 ms (twenty links reversed, thirty
# texts translated, the avatar include), the same work on every page. Its markup depends only on
# the language, the section (which link is current) and the kind of member (signed in, portal
# staff, admin), so each combination is rendered once per process and per loaded template (a
# template edited under `make run` is a new Template object, and its skeletons go with the old
# one). The member's own values go into slots: placeholders of letters only, which escaping leaves
# as they are, replaced per request with values escaped here.
_SLOTS = ("messages", "notifications", "path", "avatar", "name", "profile_url")
_SLOT_MARKS = {slot: f"siteHeaderSlot{slot.title().replace('_', '')}4b1e" for slot in _SLOTS}
_skeletons: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_AVATARS_KEPT = 4096
_avatars: dict[tuple, str] = {}


def _badge(count: int, singular: str, plural: str) -> str:
    if not count:
        return ""
    # The same catalogue entries as {% blocktranslate count %} in the template used.
    return format_html(
        '<span class="header-badge__count">{}<span class="visually-hidden"> {}</span></span>',
        count,
        ngettext(singular, plural, count),
    )


def _avatar(user) -> str:
    """The small avatar of the header; the same for a member until their name or picture changes."""
    key = (user.pk, user.display_name, str(user.avatar))
    html = _avatars.get(key)
    if html is None:
        if len(_avatars) >= _AVATARS_KEPT:
            _avatars.clear()
        html = _avatars[key] = render_to_string("community/_avatar.html", {"member": user, "size": "small"})
    return html


def _skeleton(flags: tuple) -> str:
    template = get_template("_site_header.html")
    kept = _skeletons.setdefault(template.template, {})
    html = kept.get(flags)
    if html is None:
        language, urlconf, prefix, app_name, signed_in, portal_staff, admin_staff = flags
        html = kept[flags] = template.render(
            {
                "LANGUAGE_CODE": language,
                "app_name": app_name,
                "signed_in": signed_in,
                "portal_staff": portal_staff,
                "admin_staff": admin_staff,
                "slots": _SLOT_MARKS,
                "csrf_token": pagecache.CSRF_PLACEHOLDER,
            }
        )
    return html


@register.simple_tag(takes_context=True)
def site_header(context):
    """The header of every page: the skeleton for this language, section and kind of member, with
    this member's unread counts, picture, name and this request's path and CSRF token put in."""
    request = context.get("request")
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    match = getattr(request, "resolver_match", None)
    flags = (
        get_language(),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        match.app_name if match is not None else "",
        signed_in,
        signed_in and user.is_portal_staff,
        signed_in and user.is_staff,
    )
    html = _skeleton(flags)
    values = {"path": escape(context.get("current_path", ""))}
    if signed_in:
        badges = context.get("badges")
        values.update(
            messages=_badge(badges.messages if badges else 0, "unread conversation", "unread conversations"),
            notifications=_badge(badges.notifications if badges else 0, "unread notification", "unread notifications"),
            avatar=_avatar(user),
            name=escape(user.display_name),
            profile_url=reverse("community:profile", args=[user.pk]),
        )
    for slot, value in values.items():
        html = html.replace(_SLOT_MARKS[slot], value)
    # While the page cache renders, the placeholder stays: it puts each request's token in.
    if request is not None and not getattr(request, "pagecache_rendering", False):
        html = html.replace(pagecache.CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # noqa: S308 - our template, autoescaped; the slots are escaped above


# -- a section's navigation --------------------------------------------------------------------
# The internships' and credentials' navigations (on some thirty pages) depend only on the language,
# the section and the kind of member; each combination is rendered once per process and loaded
# template, as the site header is. Their templates read the member through `_NavMember`, which
# has only what a navigation may ask: whether they are signed in, their roles, portal staff, and
# whether they belong to an organization.
_navs: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class _NavMember:
    __slots__ = ("is_authenticated", "is_portal_staff", "organization_id", "role_names")

    def __init__(self, user):
        signed_in = bool(user is not None and user.is_authenticated)
        self.is_authenticated = signed_in
        self.is_portal_staff = signed_in and user.is_portal_staff
        self.role_names = frozenset(user.role_names) if signed_in else frozenset()
        self.organization_id = bool(signed_in and user.organization_id)  # only ever tested, never shown

    def key(self) -> tuple:
        return (self.is_authenticated, self.is_portal_staff, tuple(sorted(self.role_names)), self.organization_id)


@register.simple_tag(takes_context=True)
def section_nav(context, template_name, section=""):
    """`{% section_nav "internships/_nav.html" section="wallet" %}`: the navigation as the
    template renders it for this kind of member, in this language, with `section` current."""
    member = _NavMember(context.get("user"))
    template = get_template(template_name)
    kept = _navs.setdefault(template.template, {})
    key = (get_language(), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), section, member.key())
    html = kept.get(key)
    if html is None:
        html = kept[key] = template.render({"user": member, "section": section})
    return mark_safe(html)  # noqa: S308 - our template, autoescaped
