"""Mentions in posts, comments and messages, stored by member id so that they survive renames.

A member types (or picks) "@Display Name"; the service that saves the text turns the names of
the group's or conversation's members into "@[<id>]". The stored HTML shows the current name and
links the profile; a rename renders the HTML of every text that mentions the member again
(`refresh_mentions_of`). Editing shows the names again, so nobody ever sees a token.
"""

import re
import unicodedata

from django.utils.html import escape

TOKEN = re.compile(r"@\[(\d+)\]")
# A token the member typed by hand stays their text, and mentions nobody.
_TYPED_TOKEN = re.compile(r"@(?=\[\d+\])")
_KATAKANA = re.compile(r"[ァ-ヶ]")


def mentioned_ids(body: str) -> set[int]:
    return {int(pk) for pk in TOKEN.findall(body or "")}


def encode_mentions(text: str, members) -> str:
    """ "@Name" of any of `members` becomes "@[id]"; the longest name wins ("@Ann Lee" over "@Ann")."""
    text = _TYPED_TOKEN.sub("@\\\\", text or "")
    names = {}
    for member in members:
        name = member.display_name
        if name and not member.is_erased:
            names.setdefault(name, member.pk)
    if not names:
        return text
    pattern = re.compile("@(" + "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True)) + ")")
    return pattern.sub(lambda match: f"@[{names[match.group(1)]}]", text)


def decode_mentions(body: str) -> str:
    """The text as its author edits it: "@[id]" shown as "@Current Name"."""
    names = _names(mentioned_ids(body))
    return TOKEN.sub(lambda match: "@" + names.get(int(match.group(1)), match.group(0)[1:]), body or "")


def link_mentions(html: str, body: str) -> str:
    """Tokens of the rendered `html` (only those `body` really holds) as links to the members."""
    from django.urls import reverse

    names = _names(mentioned_ids(body))
    if not names:
        return html

    def link(match):
        pk = int(match.group(1))
        if pk not in names:
            return match.group(0)
        url = reverse("community:profile", args=[pk])
        return f'<a class="mention" href="{url}">@{escape(names[pk])}</a>'

    return TOKEN.sub(link, html)


def _names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    from .models import User

    return {user.pk: user.display_name for user in User.objects.filter(pk__in=ids).only("display_name", "erased_at")}


def reading_variants(query: str) -> list[str]:
    """The query as typed (NFKC), and with katakana as hiragana: "ヤマ" finds "やまもと"."""
    query = unicodedata.normalize("NFKC", query).strip()
    hiragana = _KATAKANA.sub(lambda match: chr(ord(match.group(0)) - 0x60), query)
    return list(dict.fromkeys([query, hiragana]))


MAX_CANDIDATES = 8


def mention_candidates(users, query: str, *, viewer) -> list[dict]:
    """At most eight of `users` (a group's or conversation's members) whose display name, name in
    the other script or reading has a word starting with `query`; all of them when it is empty."""
    from django.db.models import Q

    users = users.filter(is_active=True).exclude(pk=viewer.pk)
    matches = Q()
    for variant in reading_variants(query or "")[: 2 if query else 0]:
        for field in ("display_name", "profile__other_script_name", "profile__name_reading"):
            matches |= Q(**{f"{field}__istartswith": variant})
            for space in (" ", "\u3000"):
                matches |= Q(**{f"{field}__icontains": space + variant})
    found = users.filter(matches).select_related("profile").order_by("display_name", "pk").distinct()
    return [
        {
            "id": user.pk,
            "name": user.display_name,
            "detail": user.profile.other_script_name if user.profile.share_profile else "",
            "insert": "@" + user.display_name,
        }
        for user in found[:MAX_CANDIDATES]
    ]
