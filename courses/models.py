"""COIL / virtual-exchange modules, blended-mobility programmes, enrolments and results."""

import zoneinfo
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.choices import FieldOfStudy
from community.models import TIME_ZONE_CHOICES
from community.search import search_text as search_tokens
from jige_portal.prepared import prepared
from jige_portal.urltag import reverse_remembered

FOREIGN_CREDENTIAL = _(
    "The credential is issued by %(issuer)s, which is not the university of any co-owner of this module. "
    "A module awards only credentials of its co-owners' universities."
)
MISSING_ISSUER_APPROVAL = _(
    "A co-owner from %(issuer)s, which issues this module's credential, must approve the module with this "
    "credential before it is awarded. Nothing was saved."
)


def group_archive_delay() -> timedelta:
    """How long a closed module's community group stays open for posts before it is archived."""
    return timedelta(days=getattr(settings, "COURSES_GROUP_ARCHIVE_DAYS", 30))


class InvalidTransition(Exception):
    """A status change that the workflow does not allow."""


class EnrolmentRefused(Exception):
    """An enrolment that must not happen; `message` is translated and meant for the learner."""

    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class Level(models.TextChoices):
    HIGH_SCHOOL = "high_school", _("High school")
    UNDERGRADUATE = "undergraduate", _("Undergraduate")
    GRADUATE = "graduate", _("Graduate")
    PROFESSIONAL = "professional", _("Professional")


class InstructionLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    JAPANESE = "ja", _("Japanese")
    BILINGUAL = "en_ja", _("English and Japanese")


class Modality(models.TextChoices):
    SYNCHRONOUS = "online_sync", _("Online, synchronous")
    ASYNCHRONOUS = "online_async", _("Online, asynchronous")
    BLENDED = "blended", _("Blended mobility")


class Term(models.TextChoices):
    SPRING = "spring", _("Spring")
    SUMMER = "summer", _("Summer")
    AUTUMN = "autumn", _("Autumn")
    WINTER = "winter", _("Winter")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def _enrolled_count(status):
    return Coalesce(
        Subquery(
            Enrolment.objects.filter(module=OuterRef("pk"), status=status)
            .order_by()
            .values("module")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        Value(0),
    )


class ModuleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Module.Status.PUBLISHED)

    def owned_by(self, user):
        return self.filter(owners__user=user).distinct()

    def editable_by(self, user):
        """Staff see every module; faculty only those they co-own; others none."""
        if not user.is_authenticated:
            return self.none()
        if user.is_portal_staff:
            return self
        if user.has_role("faculty"):
            return self.filter(pk__in=ModuleOwner.objects.filter(user=user).values("module"))
        return self.none()

    def with_seats(self):
        """Annotate `seats_taken` (one subquery, no extra query per row), which `seats_left` reads.
        Not `seats_left` as an annotation too: PostgreSQL would run the count's subquery twice."""
        return self.annotate(seats_taken=_enrolled_count(Enrolment.Status.ENROLLED))

    def for_catalogue(self):
        return (
            self.published()
            .with_seats()
            .select_related("lead_university", "achievement")
            .prefetch_related("partner_universities")
        )


class Module(models.Model):
    """A COIL / virtual-exchange module, co-taught by faculty of at least two universities."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    TRANSITIONS = {
        Status.DRAFT: {Status.IN_REVIEW, Status.ARCHIVED},
        Status.IN_REVIEW: {Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED},
        Status.PUBLISHED: {Status.ARCHIVED},
        Status.ARCHIVED: {Status.DRAFT},
    }

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    prerequisites = models.TextField(_("prerequisites"), blank=True)
    lead_university = models.ForeignKey(
        "community.Organization",
        on_delete=models.PROTECT,
        related_name="led_modules",
        verbose_name=_("lead university"),
    )
    partner_universities = models.ManyToManyField(
        "community.Organization",
        related_name="partner_modules",
        verbose_name=_("partner universities"),
        help_text=_("The universities that co-teach the module with the lead university."),
    )
    level = models.CharField(_("audience level"), max_length=20, choices=Level.choices)
    discipline = models.CharField(_("discipline"), max_length=30, choices=FieldOfStudy.choices)
    language = models.CharField(_("language of instruction"), max_length=5, choices=InstructionLanguage.choices)
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    term = models.CharField(_("term"), max_length=10, choices=Term.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    time_zone = models.CharField(
        _("time zone of the schedule"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Tokyo"
    )
    workload_hours = models.PositiveSmallIntegerField(_("workload in hours"), validators=[MinValueValidator(1)])
    credit_value = models.DecimalField(
        _("credits (ECTS)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("0 when the module does not carry credit."),
    )
    seats = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])
    enrolment_opens_at = models.DateTimeField(_("enrolment opens"))
    enrolment_closes_at = models.DateTimeField(_("enrolment closes"))
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"), default=80, validators=[MaxValueValidator(100)]
    )
    min_grade = models.PositiveSmallIntegerField(
        _("minimum grade (0–100)"), default=60, validators=[MaxValueValidator(100)]
    )
    cover = models.ImageField(_("cover image"), upload_to="courses/covers/%Y/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    achievement = models.ForeignKey(
        "credentials.Achievement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="modules",
        verbose_name=_("credential awarded"),
    )
    group = models.ForeignKey(
        "community.CommunityGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community group"),
    )
    alumni_group = models.ForeignKey(
        "community.CommunityGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("alumni group"),
    )
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    # Set once when the module ends (courses.services.close_module): enrolments are settled and
    # learners moved to the alumni group; the community group is archived a while later.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["starts_on", "title"]
        indexes = [models.Index(fields=["status", "starts_on"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Kept in step with every save so that the catalogue search never reads stale text.
        self.search_text = search_tokens(
            self.title_en, self.title_ja, self.summary_en, self.summary_ja, self.description_en, self.description_ja
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_remembered("courses:module_detail", args=[self.slug])

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The last day must not be before the first day.")
        if self.enrolment_opens_at and self.enrolment_closes_at and self.enrolment_closes_at <= self.enrolment_opens_at:
            errors["enrolment_closes_at"] = _("Enrolment must close after it opens.")
        if errors:
            raise ValidationError(errors)

    # -- workflow ------------------------------------------------------------------------
    def can_move_to(self, status) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    def is_owned_by(self, user) -> bool:
        return user.is_authenticated and bool(_ownership(self.pk, user.pk))

    def can_be_edited_by(self, user) -> bool:
        return user.is_authenticated and (user.is_portal_staff or self.is_owned_by(user))

    # -- enrolment -------------------------------------------------------------------------
    @property
    def is_credit_bearing(self) -> bool:
        return self.credit_value > 0

    @property
    def seats_left(self) -> int:
        """Free seats, from the `seats_taken` of with_seats()."""
        return max(self.seats - self.seats_taken, 0)

    def enrolment_is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.enrolment_opens_at <= at <= self.enrolment_closes_at

    def local_today(self):
        """Today in the module's own time zone: its dates are days there."""
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(self.time_zone))

    def has_ended(self) -> bool:
        """The last day is over in the module's time zone."""
        return self.local_today() > self.ends_on

    def can_be_closed_by(self, user) -> bool:
        return user is None or (user.is_authenticated and user.is_portal_staff)

    def close_refusal(self) -> str:
        """Why the module cannot be closed now ("" when it can); staff close from the last day on."""
        if self.status not in (self.Status.PUBLISHED, self.Status.ARCHIVED):
            return _("Only a published module can be closed.")
        if self.local_today() < self.ends_on:
            return _("This module has not ended yet: its last day is %(date)s.") % {
                "date": formats.date_format(self.ends_on, "DATE_FORMAT")
            }
        return ""

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def group_archive_due_at(self):
        """When the community group of a closed module becomes read-only (COURSES_GROUP_ARCHIVE_DAYS)."""
        if self.closed_at is None:
            return None
        return self.closed_at + group_archive_delay()

    def meets_completion_rule(self, *, attendance, grade) -> bool:
        if attendance is None or grade is None:
            return False
        return attendance >= self.min_attendance_percent and grade >= self.min_grade

    # -- credential ------------------------------------------------------------------------
    def issuing_university_ids(self) -> set[int]:
        """The universities of the co-owners: the only issuers whose credentials the module awards."""
        return set(
            self.owners.filter(user__organization__kind="university").values_list("user__organization_id", flat=True)
        )

    def achievement_refusal(self, achievement) -> str:
        """Why `achievement` may not be the module's credential ("" when it may)."""
        if achievement is not None and achievement.issuer_id not in self.issuing_university_ids():
            return FOREIGN_CREDENTIAL % {"issuer": achievement.issuer}
        return ""

    def has_issuer_approval(self) -> bool:
        """A current co-owner from the credential's issuing university approved the module with
        this very credential linked (the approval keeps the credential it was given for)."""
        if self.achievement_id is None:
            return True
        return self.approvals.filter(
            approved_at__isnull=False,
            achievement_id=self.achievement_id,
            owner__organization_id=self.achievement.issuer_id,
            owner__owned_modules__module=self,
        ).exists()

    def award_refusal(self) -> str:
        """Why the module's credential may not be awarded now ("" when it may)."""
        if self.achievement_id is None:
            return ""
        refusal = self.achievement_refusal(self.achievement)
        if refusal:
            return refusal
        if not self.has_issuer_approval():
            return MISSING_ISSUER_APPROVAL % {"issuer": self.achievement.issuer}
        return ""

    @property
    def universities(self):
        """The lead university first, then the partners (uses the prefetch when there is one)."""
        return self.universities_among(self.partner_universities.all())

    def universities_among(self, partners):
        """The lead university first, then the given partner universities but the lead."""
        return [self.lead_university, *[u for u in partners if u.pk != self.lead_university_id]]


@prepared
def _ownership(module_id: int, user_id: int):
    return ModuleOwner.objects.filter(module_id=module_id, user_id=user_id).order_by().values_list("pk")[:1]


class ModuleOwner(models.Model):
    """A faculty member who co-owns (co-teaches and may edit) a module."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="owners", verbose_name=_("module"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_modules", verbose_name=_("faculty")
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("co-owner")
        verbose_name_plural = _("co-owners")
        constraints = [models.UniqueConstraint(fields=["module", "user"], name="module_owner_unique")]

    def __str__(self):
        return str(self.user)


class ModuleApproval(models.Model):
    """One co-owner's approval to publish; one row per co-owner, written when review starts."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="approvals", verbose_name=_("module"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("co-owner")
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # The credential the module awarded when this approval was given: an approval by the issuing
    # university's co-owner counts for that credential only.
    achievement = models.ForeignKey(
        "credentials.Achievement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("credential approved"),
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)

    class Meta:
        verbose_name = _("publishing approval")
        verbose_name_plural = _("publishing approvals")
        constraints = [models.UniqueConstraint(fields=["module", "owner"], name="module_approval_unique")]

    def __str__(self):
        return str(self.owner)


class Session(models.Model):
    """A weekly class meeting, in the module's time zone."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("module"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=90, validators=[MinValueValidator(10), MaxValueValidator(600)]
    )
    label = models.CharField(_("label"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("weekly session")
        verbose_name_plural = _("weekly sessions")
        ordering = ["weekday", "starts_at"]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}"

    def start_in(self, tz_name: str):
        """The first meeting of the week, as an aware datetime in `tz_name` (the visitor's zone).

        The conversion uses the first such weekday on or after the module's first day, so
        that a daylight-saving change between now and then is respected.
        """
        first = self.module.starts_on
        day = first + timedelta(days=(self.weekday - first.weekday()) % 7)
        local = datetime.combine(day, self.starts_at, tzinfo=zoneinfo.ZoneInfo(self.module.time_zone))
        return local.astimezone(zoneinfo.ZoneInfo(tz_name))

    def end_in(self, tz_name: str):
        return self.start_in(tz_name) + timedelta(minutes=self.duration_minutes)


class LearningOutcome(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("module"))
    text = models.CharField(_("learning outcome"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("learning outcome")
        verbose_name_plural = _("learning outcomes")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class EnrolmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=[Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED])

    def enrolled(self):
        return self.filter(status=Enrolment.Status.ENROLLED)

    def waitlisted(self):
        return self.filter(status=Enrolment.Status.WAITLISTED).order_by("waitlisted_at", "pk")

    def for_learner(self, user):
        return self.filter(learner=user)


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("On the waiting list")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")
        # The module ended before the learner met the completion rule.
        NOT_COMPLETED = "not_completed", _("Did not complete")
        # The module ended while the learner was still waiting for a seat.
        WAITLIST_CLOSED = "waitlist_closed", _("Waiting list closed")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("module"))
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("learner")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    attendance_percent = models.DecimalField(
        _("attendance (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    grade = models.DecimalField(
        _("grade (0–100)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    waitlisted_at = models.DateTimeField(_("joined the waiting list"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["module", "learner__display_name"]
        constraints = [models.UniqueConstraint(fields=["module", "learner"], name="enrolment_unique")]
        indexes = [models.Index(fields=["module", "status"])]

    def __str__(self):
        return f"{self.learner} – {self.module}"


class ProgrammeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Programme.Status.PUBLISHED)

    def with_seats(self):
        accepted = Coalesce(
            Subquery(
                ProgrammeApplication.objects.filter(
                    programme=OuterRef("pk"), status=ProgrammeApplication.Status.ACCEPTED
                )
                .order_by()
                .values("programme")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            Value(0),
        )
        return self.annotate(seats_taken=accepted)


class Programme(models.Model):
    """A blended-mobility programme: online modules, then a stay on a Japanese campus."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    cover = models.ImageField(_("cover image"), upload_to="courses/programmes/%Y/", blank=True)
    modules = models.ManyToManyField(
        Module, related_name="programmes", verbose_name=_("online phase (modules)"), blank=True
    )
    host_campus = models.ForeignKey(
        "community.Campus", on_delete=models.PROTECT, related_name="+", verbose_name=_("host campus")
    )
    city = models.CharField(_("city"), max_length=100)
    stay_starts_on = models.DateField(_("stay begins"))
    stay_ends_on = models.DateField(_("stay ends"))
    seats = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])
    cost_jpy = models.PositiveIntegerField(_("cost (JPY)"), default=0)
    costs_note = models.TextField(_("what the cost covers"), blank=True)
    housing_support = models.BooleanField(_("housing arranged"), default=False)
    visa_letter = models.BooleanField(_("visa support letter"), default=False)
    application_deadline = models.DateField(_("application deadline"))
    achievement = models.ForeignKey(
        "credentials.Achievement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("credential awarded"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("blended programme")
        verbose_name_plural = _("blended programmes")
        ordering = ["stay_starts_on", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = search_tokens(
            self.title_en,
            self.title_ja,
            self.summary_en,
            self.summary_ja,
            self.description_en,
            self.description_ja,
            self.city_en,
            self.city_ja,
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_remembered("courses:programme_detail", args=[self.slug])

    def clean(self):
        if self.stay_starts_on and self.stay_ends_on and self.stay_ends_on < self.stay_starts_on:
            raise ValidationError({"stay_ends_on": _("The stay must not end before it begins.")})
        if self.application_deadline and self.stay_starts_on and self.application_deadline > self.stay_starts_on:
            raise ValidationError({"application_deadline": _("The deadline must be before the stay begins.")})

    @property
    def seats_left(self) -> int:
        """Free places, from the `seats_taken` of with_seats()."""
        return max(self.seats - self.seats_taken, 0)

    def accepts_applications(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.status == self.Status.PUBLISHED and on <= self.application_deadline


class ProgrammeApplicationQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(status=ProgrammeApplication.Status.ACCEPTED)

    def waitlisted(self):
        """The waiting list in order: first put on it, first promoted."""
        return self.filter(status=ProgrammeApplication.Status.WAITLISTED).order_by("waitlisted_at", "pk")


class ProgrammeApplication(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("On the waiting list")
        DECLINED = "declined", pgettext_lazy("a programme application", "Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # What staff may do from each status (accepting from the waiting list is a promotion).
    DECISIONS = {
        Status.SUBMITTED: {Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED},
        Status.WAITLISTED: {Status.ACCEPTED, Status.DECLINED},
    }

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="applications", verbose_name=_("programme")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="programme_applications",
        verbose_name=_("applicant"),
    )
    motivation = models.TextField(_("motivation"), max_length=3000)
    needs_housing = models.BooleanField(_("needs housing"), default=False)
    needs_visa_letter = models.BooleanField(_("needs a visa support letter"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_message = models.TextField(
        _("message to the applicant"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Shown to the applicant with a decline, in the notification, the e-mail and on the programme page."
        ),
    )
    waitlisted_at = models.DateTimeField(_("put on the waiting list"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    objects = ProgrammeApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme application")
        verbose_name_plural = _("programme applications")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["programme", "applicant"], name="programme_application_unique")]

    def __str__(self):
        return f"{self.applicant} – {self.programme}"

    def can_move_to(self, status) -> bool:
        return status in self.DECISIONS.get(self.status, set())

    def can_be_decided_by(self, user) -> bool:
        return user.is_authenticated and user.is_portal_staff


class AuditEntry(models.Model):
    """Who did what to a module, enrolment or application (dotted event names)."""

    event = models.CharField(_("event"), max_length=80)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, null=True, blank=True, related_name="audit")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="audit")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.event


def weekly_schedule(sessions, tz_name: str) -> list[dict]:
    """Rows for the detail page: each session's weekday and times in the viewer's zone."""
    rows = []
    for session in sessions:
        start = session.start_in(tz_name)
        end = start + timedelta(minutes=session.duration_minutes)
        rows.append({"session": session, "start": start, "end": end, "weekday": Weekday(start.weekday()).label})
    rows.sort(key=lambda r: (r["start"].weekday(), r["start"].time()))
    return rows


from .lti_models import (  # noqa: E402, F401 - the LTI models, registered with the app
    LtiAccount,
    LtiDeployment,
    LtiLaunch,
    LtiLoginState,
    LtiPlatform,
    LtiResourceLink,
    LtiScore,
    LtiToolKey,
)


class CohortEnrolment(models.Model):
    """A confirmed bulk enrolment of an imported cohort into a module or a blended programme;
    a task places each member (seats and waiting list as for one learner) and counts progress."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Enrolling")
        DONE = "done", pgettext_lazy("a bulk enrolment", "Done")

    cohort = models.ForeignKey(
        "community.ImportBatch", on_delete=models.CASCADE, related_name="+", verbose_name=_("cohort")
    )
    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("module")
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("programme")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("started by")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    total = models.PositiveIntegerField(_("members to place"), default=0)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("cohort enrolment")
        verbose_name_plural = _("cohort enrolments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(module__isnull=False, programme__isnull=True)
                | models.Q(module__isnull=True, programme__isnull=False),
                name="cohort_enrolment_one_target",
            )
        ]

    def __str__(self):
        return f"{self.cohort} → {self.target}"

    def get_absolute_url(self):
        return reverse_remembered("courses:cohort_enrolment", args=[self.pk])

    @property
    def target(self):
        return self.module or self.programme


class CohortEnrolmentRow(models.Model):
    """One member of a cohort enrolment; `outcome` stays empty until the task has placed them."""

    class Outcome(models.TextChoices):
        PENDING = "", pgettext_lazy("a bulk enrolment", "Waiting")
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("On the waiting list")
        NOT_OPEN = "not_open", _("Not open for enrolment")

    enrolment = models.ForeignKey(CohortEnrolment, on_delete=models.CASCADE, related_name="rows")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True, default="")
    placed_at = models.DateTimeField(_("placed"), null=True, blank=True)

    class Meta:
        verbose_name = _("cohort enrolment row")
        verbose_name_plural = _("cohort enrolment rows")
        constraints = [models.UniqueConstraint(fields=["enrolment", "learner"], name="cohort_enrolment_row_once")]
        indexes = [models.Index(fields=["enrolment", "outcome"])]

    def __str__(self):
        return f"{self.enrolment} – {self.learner}"
