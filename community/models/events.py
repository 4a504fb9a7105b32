"""Events of a group, the members' answers (RSVP), and each member's personal calendar-feed token."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jige_portal.urltag import reverse_remembered

from .groups import CommunityGroup
from .people import TIME_ZONE_CHOICES, Campus


class EventQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        """Events that have not ended, soonest first."""
        return self.filter(ends_at__gt=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None):
        return self.filter(ends_at__lte=now or timezone.now()).order_by("-starts_at", "-pk")

    def scheduled(self):
        return self.filter(cancelled_at__isnull=True)

    def visible_to(self, user):
        """Events of groups whose content `user` may read: members' groups, open public groups
        (staff read all). Secret and private groups' events exist for their members only."""
        if user.is_authenticated and user.is_portal_staff:
            return self
        open_public = Q(
            group__visibility=CommunityGroup.Visibility.PUBLIC, group__join_policy=CommunityGroup.JoinPolicy.OPEN
        )
        if not user.is_authenticated:
            return self.filter(open_public)
        from .groups import Membership

        return self.filter(open_public | Q(group__in=Membership.objects.filter(user=user).values("group_id")))


class Event(models.Model):
    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        ON_SITE = "on_site", _("On site")
        HYBRID = "hybrid", _("Hybrid: on site and online")

    group = models.ForeignKey(
        CommunityGroup, on_delete=models.CASCADE, related_name="events", verbose_name=_("community group")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.ONLINE)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # The zone the organisers plan in: calendar feeds give the times in it (with its VTIMEZONE),
    # so that a calendar app keeps the event at 17:00 local time across a daylight-saving change.
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Tokyo")
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    campus = models.ForeignKey(
        Campus, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("campus")
    )
    room = models.CharField(_("room"), max_length=120, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit. When it is full, members join a waiting list."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Counted up on every change, so that calendar apps replace their copy (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["group", "ends_at"]), models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse_remembered("community:event_detail", args=[self.group.slug, self.pk])

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        if self.format in (self.Format.ONLINE, self.Format.HYBRID) and not self.online_url:
            errors["online_url"] = _("Give the link for joining online.")
        if self.format in (self.Format.ON_SITE, self.Format.HYBRID) and not self.campus_id:
            errors["campus"] = _("Choose the campus where the event takes place.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_online(self) -> bool:
        return self.format in (self.Format.ONLINE, self.Format.HYBRID)

    @property
    def is_on_site(self) -> bool:
        return self.format in (self.Format.ON_SITE, self.Format.HYBRID)

    def has_ended(self, now=None) -> bool:
        return self.ends_at <= (now or timezone.now())

    def location(self, *, with_link: bool = True) -> str:
        """Campus and room (and the link for online events), for calendar apps."""
        parts = []
        if self.is_on_site and self.campus_id:
            parts.append(", ".join(p for p in (str(self.campus), self.room) if p))
        if with_link and self.is_online and self.online_url:
            parts.append(self.online_url)
        return " / ".join(parts)


class RSVP(models.Model):
    class Answer(models.TextChoices):
        GOING = "going", pgettext_lazy("an answer to an event", "Going")
        MAYBE = "maybe", pgettext_lazy("an answer to an event", "Maybe")
        NO = "no", pgettext_lazy("an answer to an event", "Not going")
        WAITLISTED = "waitlisted", _("On the waiting list")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("event"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("member")
    )
    answer = models.CharField(_("answer"), max_length=12, choices=Answer.choices)
    waitlisted_at = models.DateTimeField(_("joined the waiting list"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)
    # The start the reminder was sent for: claimed with a conditional UPDATE, so that a reminder
    # task run twice (or by two workers) sends one reminder; a new start time clears it.
    reminded_for = models.DateTimeField(_("reminder sent for"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("answer to an event")
        verbose_name_plural = _("answers to events")
        ordering = ["event", "answered_at"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="rsvp_event_user_unique")]
        indexes = [models.Index(fields=["event", "answer", "waitlisted_at"]), models.Index(fields=["user", "answer"])]

    def __str__(self):
        return f"{self.user} – {self.event}: {self.get_answer_display()}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a member's calendar-feed address. Calendar apps cannot sign in, so the
    address is the key: a new token (or none) makes every old address answer 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("calendar feed address")
        verbose_name_plural = _("calendar feed addresses")

    def __str__(self):
        return str(self.user)
