"""Events of groups: planning them, members' answers with a capacity and a waiting list,
reminders, and the personal calendar-feed address."""

import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from ..models import RSVP, CalendarToken, CommunityGroup, Event, User
from .groups import audit
from .notifications import notify

EVENT_FIELDS = (
    "title",
    "description",
    "format",
    "starts_at",
    "ends_at",
    "time_zone",
    "online_url",
    "campus",
    "room",
    "capacity",
)
# A change to one of these makes the event another appointment: the members who answered are told.
RESCHEDULING_FIELDS = ("starts_at", "ends_at", "format", "online_url", "campus", "room")


class EventClosed(Exception):
    """The event is cancelled or over: nobody answers any more."""


def local_start(event: Event, user: User) -> str:
    """The event's start as `user` reads it: their language, their time zone, the zone named."""
    zone = zoneinfo.ZoneInfo(user.time_zone)
    with translation.override(user.language):
        moment = event.starts_at.astimezone(zone)
        return f"{formats.date_format(moment, 'DATETIME_FORMAT')} ({user.time_zone})"


def _answered(event: Event, *answers) -> list[RSVP]:
    return list(event.rsvps.filter(answer__in=answers).select_related("user"))


@transaction.atomic
def create_event(*, group: CommunityGroup, by: User, **fields) -> Event:
    """Plan an event in `group` (its owners, admins and staff); written with an audit entry."""
    if group.is_archived:
        raise PermissionDenied
    event = Event(group=group, created_by=by, **{name: fields[name] for name in EVENT_FIELDS if name in fields})
    event.full_clean()
    event.save()
    audit("community.event.created", actor=by, group=group, target=f"event:{event.pk}")
    return event


@transaction.atomic
def update_event(*, event: Event, by: User, **fields) -> Event:
    """Change an event; members who answered are told of a new time or place, a larger capacity
    moves people up from the waiting list, and a new start time clears the sent reminders."""
    event = Event.objects.select_for_update().select_related("group").get(pk=event.pk)
    if event.is_cancelled:
        raise EventClosed
    before = {name: getattr(event, name) for name in RESCHEDULING_FIELDS}
    old_start = event.starts_at
    for name in EVENT_FIELDS:
        if name in fields:
            setattr(event, name, fields[name])
    event.full_clean()
    event.sequence += 1
    event.save()
    if event.starts_at != old_start:
        event.rsvps.update(reminded_for=None)
    changed = [name for name in RESCHEDULING_FIELDS if getattr(event, name) != before[name]]
    audit("community.event.updated", actor=by, group=event.group, target=f"event:{event.pk}", changed=changed)
    _promote_waiting(event)
    if changed:
        _tell_who_answered(event, by, "community.event.changed", _("“%(event)s” has changed: it now starts %(when)s."))
    return event


@transaction.atomic
def cancel_event(*, event: Event, by: User) -> Event:
    """Cancel an event; everyone who answered going, maybe or waiting is told. Safe to repeat."""
    event = Event.objects.select_for_update().select_related("group").get(pk=event.pk)
    if event.is_cancelled:
        return event
    event.cancelled_at = timezone.now()
    event.sequence += 1
    event.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    audit("community.event.cancelled", actor=by, group=event.group, target=f"event:{event.pk}")
    _tell_who_answered(event, by, "community.event.cancelled", _("“%(event)s” on %(when)s has been cancelled."))
    return event


def _tell_who_answered(event: Event, by: User, name: str, message) -> None:
    """Notify everyone who answered going, maybe or waiting (but `by`), with the start in their own time zone."""
    for rsvp in _answered(event, RSVP.Answer.GOING, RSVP.Answer.MAYBE, RSVP.Answer.WAITLISTED):
        if rsvp.user_id == by.pk:
            continue
        notify(
            recipient=rsvp.user,
            event=name,
            message=message,
            params={"event": event, "when": local_start(event, rsvp.user)},
            url=event.get_absolute_url(),
            actor=by,
            group=event.group,
        )


@transaction.atomic
def answer_event(*, event: Event, user: User, answer: str) -> RSVP:
    """Record `user`'s answer. "Going" to a full event puts them on the waiting list (keeping
    their place if they are on it already); a member who stops going frees their place for the
    first on the waiting list, who is told. Raises EventClosed for a cancelled or past event."""
    # Race: two members answering "going" to the last place at once, or one leaving while another
    # joins. Every answer to an event first locks the event's row, so they take turns and the
    # count of places taken that each reads is the one it writes against.
    event = Event.objects.select_for_update().select_related("group").get(pk=event.pk)
    if event.is_cancelled or event.has_ended():
        raise EventClosed
    if answer not in (RSVP.Answer.GOING, RSVP.Answer.MAYBE, RSVP.Answer.NO):
        raise ValueError(answer)
    rsvp = RSVP.objects.filter(event=event, user=user).first()
    previous = rsvp.answer if rsvp else None
    if rsvp is None:
        rsvp = RSVP(event=event, user=user)
    now = timezone.now()
    if answer == RSVP.Answer.GOING and previous in (RSVP.Answer.GOING, RSVP.Answer.WAITLISTED):
        return rsvp
    if answer == RSVP.Answer.GOING and event.capacity is not None and _going_count(event) >= event.capacity:
        rsvp.answer = RSVP.Answer.WAITLISTED
        rsvp.waitlisted_at = now
    else:
        rsvp.answer = answer
        rsvp.waitlisted_at = None
    rsvp.answered_at = now
    rsvp.save()
    audit(
        "community.event.answered",
        actor=user,
        group=event.group,
        target=f"event:{event.pk}",
        answer=rsvp.answer,
    )
    if previous == RSVP.Answer.GOING and rsvp.answer != RSVP.Answer.GOING:
        _promote_waiting(event)
    return rsvp


def _going_count(event: Event) -> int:
    return event.rsvps.filter(answer=RSVP.Answer.GOING).count()


def _promote_waiting(event: Event) -> list[RSVP]:
    """Move the first on the waiting list up while places are free (the caller holds the event's
    row lock) and tell each in their language."""
    if event.capacity is None:
        waiting = list(event.rsvps.filter(answer=RSVP.Answer.WAITLISTED).select_related("user"))
    else:
        free = event.capacity - _going_count(event)
        if free <= 0:
            return []
        waiting = list(
            event.rsvps.filter(answer=RSVP.Answer.WAITLISTED)
            .select_related("user")
            .order_by("waitlisted_at", "pk")[:free]
        )
    for rsvp in waiting:
        rsvp.answer = RSVP.Answer.GOING
        rsvp.waitlisted_at = None
        rsvp.save(update_fields=["answer", "waitlisted_at"])
        audit("community.event.promoted", group=event.group, target=f"event:{event.pk}", user=rsvp.user_id)
        notify(
            recipient=rsvp.user,
            event="community.event.promoted",
            message=_("A place has come free at “%(event)s” on %(when)s: you are now going."),
            params={"event": event, "when": local_start(event, rsvp.user)},
            url=event.get_absolute_url(),
            group=event.group,
        )
    return waiting


def reminder_lead() -> timedelta:
    return timedelta(hours=settings.EVENT_REMINDER_HOURS)


def send_event_reminders(*, now=None) -> int:
    """Remind every member going to an event that starts within EVENT_REMINDER_HOURS, in their
    language and time zone. Safe to repeat: each answer's reminder is claimed by a conditional
    UPDATE of its sent-marker (one winner, even between two workers). Returns how many were sent."""
    now = now or timezone.now()
    due = (
        RSVP.objects.filter(
            answer=RSVP.Answer.GOING,
            event__cancelled_at__isnull=True,
            event__starts_at__gt=now,
            event__starts_at__lte=now + reminder_lead(),
        )
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("event__starts_at")))
        .select_related("event__group", "user")
        .order_by("event__starts_at", "pk")
    )
    sent = 0
    for rsvp in due:
        event = rsvp.event
        with transaction.atomic():
            claimed = (
                RSVP.objects.filter(pk=rsvp.pk, answer=RSVP.Answer.GOING)
                .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=event.starts_at))
                .update(reminded_for=event.starts_at)
            )
            if not claimed:
                continue
            notify(
                recipient=rsvp.user,
                event="community.event.reminder",
                message=_("Reminder: “%(event)s” starts %(when)s."),
                params={"event": event, "when": local_start(event, rsvp.user)},
                url=event.get_absolute_url(),
                group=event.group,
            )
            sent += 1
    return sent


# -- the personal calendar-feed address ------------------------------------------------------
def feed_token_for(user: User) -> CalendarToken:
    """The member's feed token, made on first use."""
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def regenerate_feed_token(*, user: User) -> CalendarToken:
    """A new secret address for the member's feeds; every old address answers 404 from now on."""
    CalendarToken.objects.filter(user=user).delete()
    token = CalendarToken.objects.create(user=user)
    audit("community.calendar.token_regenerated", actor=user, target=f"user:{user.pk}")
    return token


@transaction.atomic
def revoke_feed_token(*, user: User) -> None:
    """No feed address at all until the member asks for one again."""
    CalendarToken.objects.filter(user=user).delete()
    audit("community.calendar.token_revoked", actor=user, target=f"user:{user.pk}")
