"""Calendar feeds (iCalendar, RFC 5545) that Google Calendar, Outlook and Apple Calendar subscribe to.

Items carry aware datetimes and the time zone they are planned in; the feed gives each start and
end in that zone (DTSTART;TZID=…) and one VTIMEZONE per zone used, so that a calendar app shows
the right instant wherever its user is, and keeps a weekly 18:00 session at 18:00 local time
across a daylight-saving change (RRULE with UNTIL in UTC, as RFC 5545 asks of zoned starts).

The community uses none of the other apps: an app that has calendar entries of its own (the
courses' weekly sessions) lists them in its `calendar` module, which may define
`MEMBER_ITEMS` (functions `items(user) -> list[CalendarItem]`, for the member's personal feed) and
`GROUP_ITEMS` (functions `items(group) -> list[CalendarItem]`, for a group's feed and Events tab).
They are found on first use, the way community/home.py finds the apps' panels.
"""

import functools
import importlib
import importlib.util
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
from django.apps import apps
from django.conf import settings
from django.utils import timezone

PRODID = "-//JIGE Portal//Events//EN"


@dataclass(frozen=True)
class CalendarItem:
    uid: str
    title: str
    start: datetime  # aware; given in `time_zone` in the feed
    end: datetime
    time_zone: str
    description: str = ""
    location: str = ""
    url: str = ""
    # Weekly repetition until this instant (inclusive); None for a single event.
    weekly_until: datetime | None = None
    sequence: int = 0
    cancelled: bool = False
    tentative: bool = False
    modified: datetime | None = None


@functools.cache
def _providers(name: str) -> tuple:
    found = []
    for config in apps.get_app_configs():
        if not config.path.startswith(str(settings.BASE_DIR)) or config.name == "community":
            continue
        module_name = f"{config.name}.calendar"
        if importlib.util.find_spec(module_name) is not None:
            found.extend(getattr(importlib.import_module(module_name), name, ()))
    return tuple(found)


def member_items(user) -> list[CalendarItem]:
    """What the other apps put in `user`'s personal feed (a module's sessions)."""
    return [item for provider in _providers("MEMBER_ITEMS") for item in provider(user)]


def group_items(group) -> list[CalendarItem]:
    """What the other apps hold for `group` (the weekly sessions of the module it belongs to)."""
    return [item for provider in _providers("GROUP_ITEMS") for item in provider(group)]


def event_item(event, *, tentative: bool = False, with_link: bool = True) -> CalendarItem:
    """A community Event as a calendar entry; its URL goes to the event's page. The link for
    joining online is in the location only with `with_link` (the personal feed of a member who
    answered), as the event's page shows it only to them."""
    return CalendarItem(
        uid=uid_for(f"event-{event.pk}"),
        title=event.title,
        start=event.starts_at,
        end=event.ends_at,
        time_zone=event.time_zone,
        description=event.description,
        location=event.location(with_link=with_link),
        url=absolute_url(event.get_absolute_url()),
        sequence=event.sequence,
        cancelled=event.is_cancelled,
        tentative=tentative,
        modified=event.updated_at,
    )


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def uid_for(local: str) -> str:
    """A UID that stays the same across fetches and is unique to this portal (RFC 5545 3.8.4.7)."""
    return f"{local}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}"


def _vevent(item: CalendarItem, stamp: datetime) -> icalendar.Event:
    tz = zoneinfo.ZoneInfo(item.time_zone)
    vevent = icalendar.Event()
    vevent.add("uid", item.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("summary", item.title)
    vevent.add("dtstart", item.start.astimezone(tz))
    vevent.add("dtend", item.end.astimezone(tz))
    vevent.add("sequence", item.sequence)
    if item.weekly_until is not None:
        vevent.add("rrule", {"freq": "weekly", "until": item.weekly_until.astimezone(UTC)})
    if item.description:
        vevent.add("description", item.description)
    if item.location:
        vevent.add("location", item.location)
    if item.url:
        vevent.add("url", item.url)
    if item.modified:
        vevent.add("last-modified", item.modified.astimezone(UTC))
    vevent.add("status", "CANCELLED" if item.cancelled else "TENTATIVE" if item.tentative else "CONFIRMED")
    return vevent


def build_feed(name: str, items: list[CalendarItem], *, now: datetime | None = None) -> bytes:
    """The iCalendar text of a feed called `name` (its calendar's title in the subscriber's app)."""
    now = now or timezone.now()
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    # How often subscribers should fetch again (Outlook and Apple read these).
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    stamp = now.astimezone(UTC)
    for item in sorted(items, key=lambda i: (i.start, i.uid)):
        cal.add_component(_vevent(item, stamp))
    if items:
        # Only the years the feed covers: a zone's rules from 1970 would make every fetch long.
        first = min(item.start for item in items).date() - timedelta(days=366)
        last = max((item.weekly_until or item.end) for item in items).date() + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    else:
        cal.add_missing_timezones(first_date=date.today(), last_date=date.today() + timedelta(days=1))
    return cal.to_ical()
