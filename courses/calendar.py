"""A module's weekly sessions as calendar entries, for community.calendar's feeds and Events tab.

Sessions stay rows of courses (weekday, time, duration, in the module's time zone) and become
one repeating entry each (weekly from the first such weekday on or after the first day until the
last day), so that editing the schedule changes every feed at once, with nothing to sync.
"""

import zoneinfo
from datetime import datetime, timedelta

from django.db.models import Prefetch

from community.calendar import CalendarItem, absolute_url, uid_for

from .models import Enrolment, Module, Session


def session_items(module: Module, sessions) -> list[CalendarItem]:
    tz = zoneinfo.ZoneInfo(module.time_zone)
    items = []
    for session in sessions:
        first_day = module.starts_on + timedelta(days=(session.weekday - module.starts_on.weekday()) % 7)
        last_day = module.ends_on - timedelta(days=(module.ends_on.weekday() - session.weekday) % 7)
        if last_day < first_day:
            continue
        start = datetime.combine(first_day, session.starts_at, tzinfo=tz)
        title = f"{module.title}: {session.label}" if session.label else module.title
        items.append(
            CalendarItem(
                uid=uid_for(f"module-session-{session.pk}"),
                title=title,
                start=start,
                end=start + timedelta(minutes=session.duration_minutes),
                time_zone=module.time_zone,
                description=module.summary,
                url=absolute_url(module.get_absolute_url()),
                weekly_until=datetime.combine(last_day, session.starts_at, tzinfo=tz),
                modified=module.updated_at,
            )
        )
    return items


def _sessions():
    return Prefetch("sessions", queryset=Session.objects.order_by("weekday", "starts_at"))


def member_sessions(user) -> list[CalendarItem]:
    """The sessions of the modules the member is enrolled in or co-teaches."""
    modules = (
        (
            Module.objects.filter(
                pk__in=Enrolment.objects.for_learner(user)
                .filter(status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.COMPLETED])
                .values("module_id")
            )
            | Module.objects.filter(owners__user=user)
        )
        .distinct()
        .prefetch_related(_sessions())
    )
    return [item for module in modules for item in session_items(module, module.sessions.all())]


def group_sessions(group) -> list[CalendarItem]:
    """The sessions of the module whose community group this is (none for other groups)."""
    modules = Module.objects.filter(group=group).prefetch_related(_sessions())
    return [item for module in modules for item in session_items(module, module.sessions.all())]


MEMBER_ITEMS = [member_sessions]
GROUP_ITEMS = [group_sessions]
