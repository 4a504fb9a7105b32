"""The member's modules on their home page (a panel for community.home), each with its next session."""

import zoneinfo
from datetime import datetime, timedelta

from django.utils import timezone

from community.home import Panel
from community.translation import translated
from jige_portal.prepared import prepared

from . import caching
from .models import Enrolment, Module, Session

MODULES = 5


def next_session(module: Module, sessions, now: datetime) -> tuple[Session, datetime] | None:
    """The first weekly session of `module` that has not ended at `now`, with its start as an aware
    datetime; None when none is left before the module's last day. The schedule is kept in the
    module's time zone, so a daylight-saving change between now and then is respected; templates
    show the start in the member's own zone."""
    tz = zoneinfo.ZoneInfo(module.time_zone)
    local_now = now.astimezone(tz)
    first_day = max(local_now.date(), module.starts_on)
    best = None
    for session in sessions:
        day = first_day + timedelta(days=(session.weekday - first_day.weekday()) % 7)
        start = datetime.combine(day, session.starts_at, tzinfo=tz)
        if start + timedelta(minutes=session.duration_minutes) <= local_now:
            start = datetime.combine(day + timedelta(days=7), session.starts_at, tzinfo=tz)
        if start.date() > module.ends_on:
            continue
        if best is None or start < best[1]:
            best = (session, start)
    return best


def _active_enrolments_query(user_id: int, today):
    return Enrolment.objects.for_learner(user_id).active().filter(module__ends_on__gte=today)


@prepared
def _active_enrolments(user_id: int, today):
    return (
        _active_enrolments_query(user_id, today)
        .select_related("module")
        .only(
            "status",
            "module__slug",
            "module__time_zone",
            "module__starts_on",
            "module__ends_on",
            *translated("module__title"),
        )
        .order_by("module__starts_on", "module__pk")[:MODULES]
    )


@prepared
def _sessions_of_active_modules(user_id: int, today):
    """The weekly sessions of every module of `_active_enrolments` (and of any more the member
    has beyond the panel's first five), in each module's weekly order."""
    modules = _active_enrolments_query(user_id, today).values("module_id")
    return Session.objects.filter(module_id__in=modules).order_by("module_id", "weekday", "starts_at", "pk")


def modules_panel(user) -> Panel:
    today = timezone.localdate()
    enrolments = _active_enrolments(user.pk, today)
    sessions = {enrolment.module_id: [] for enrolment in enrolments}
    if sessions:
        for session in _sessions_of_active_modules(user.pk, today):
            if session.module_id in sessions:
                sessions[session.module_id].append(session)
    now = timezone.now()
    for enrolment in enrolments:
        enrolment.next = next_session(enrolment.module, sessions[enrolment.module_id], now)
    return Panel(
        30,
        "courses/_home_panel.html",
        {"enrolments": enrolments},
        # Enrolments change the member's own version; sessions, their module's.
        tuple(caching.module(e.module_id) for e in enrolments),
    )


PANELS = [modules_panel]
