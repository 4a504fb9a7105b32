"""Achievements (what can be earned), awards (who earned it) and what stacks them.

The fields of an achievement follow the Japanese guidance for issuing micro-credentials
digitally (JV-Campus / JMOOC joint working group, guideline 3.0 for Open Badges 3.0): title,
issuer, description, criteria, learning outcomes, assessment method, workload, credit value,
level, language, mode of delivery, quality assurance, prerequisites, validity and image.
An award keeps a snapshot of what was issued so that a credential, once signed, does not
change when the achievement is edited later.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.choices import FieldOfStudy
from community.models import Organization
from jige_portal.urltag import reverse_remembered


class EquivalenceClass(models.Model):
    """Achievements that staff have judged equivalent: the credit bank counts them once."""

    name = models.CharField(_("name"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("equivalence class")
        verbose_name_plural = _("equivalence classes")
        ordering = ["name"]

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class PathwayProgress:
    """How far a learner is along a pathway: "2 of 3 modules, 4.5 of 6 credits"."""

    held: int
    required: int
    total: int
    credits: Decimal
    credits_required: Decimal | None
    complete: bool

    @property
    def percent(self) -> int:
        if self.complete:
            return 100
        if self.credits_required:
            return min(99, int(self.credits * 100 / self.credits_required))
        return min(99, int(self.held * 100 / self.required)) if self.required else 0


class AchievementQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def pathways(self):
        return self.filter(type=Achievement.Type.PATHWAY)

    def with_related(self):
        return self.select_related("issuer", "equivalence_class")

    def manageable_by(self, user):
        """Achievements a user may award and revoke (see Achievement.can_be_awarded_by)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_portal_staff:
            return self
        if user.has_role("faculty") and user.organization_id:
            return self.filter(issuer_id=user.organization_id)
        return self.none()

    def issuable_by(self, user):
        """Achievements a user may award in their issuer's name (see issuing_organizations)."""
        return self.filter(issuer__in=issuing_organizations(user))


def may_issue_in_some_name(user) -> bool:
    """Whether `issuing_organizations(user)` can hold any organization, without a query or a
    QuerySet (asked on every request of a member, by the two-factor check): most members cannot."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(user.organization_id and (user.has_role("faculty") or user.has_role("staff")))


def issuing_organizations(user):
    """The organizations in whose name a user may issue credentials: every one for a superuser;
    for faculty their home university; for staff the university they are staff of, which is
    their home organization too (community.models.User.organization with the staff role)."""
    if not may_issue_in_some_name(user):
        return Organization.objects.none()
    if user.is_superuser:
        return Organization.objects.all()
    return Organization.objects.universities().filter(pk=user.organization_id)


class Achievement(models.Model):
    class Type(models.TextChoices):
        COURSE_MODULE = "course_module", _("Course module")
        INTERNSHIP = "internship", _("Internship")
        BLENDED = "blended_programme", _("Blended programme")
        COMPETENCY = "competency", _("Competency")
        PATHWAY = "pathway", _("Pathway")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        JAPANESE = "ja", _("Japanese")
        BILINGUAL = "en+ja", _("English and Japanese")

    class DeliveryMode(models.TextChoices):
        ONLINE = "online", _("Online")
        ON_SITE = "on_site", _("On site")
        BLENDED = "blended", _("Blended (online and on site)")

    class Supervision(models.TextChoices):
        UNSUPERVISED = "unsupervised", _("Not supervised")
        ONLINE = "online_verified", _("Supervised online, identity verified")
        ON_SITE = "on_site_verified", _("Supervised on site, identity verified")

    class Rule(models.TextChoices):
        ALL = "all", _("All of the components")
        ANY_N = "any_n", _("Any N of the components")
        CREDITS = "credits", _("A total of credits from the components")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    name = models.CharField(_("title"), max_length=200)
    issuer = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="achievements", verbose_name=_("issuer")
    )
    description = models.TextField(_("description"))
    criteria = models.TextField(_("criteria"), help_text=_("What a learner must do to earn it."))
    learning_outcomes = models.TextField(
        _("learning outcomes"), blank=True, help_text=_("What the holder knows, understands or can do; one per line.")
    )
    assessment_method = models.TextField(_("assessment method"), blank=True)
    supervision = models.CharField(
        _("supervision of the assessment"),
        max_length=20,
        choices=Supervision.choices,
        default=Supervision.UNSUPERVISED,
        help_text=_("Whether the assessment was supervised and the learner's identity verified."),
    )
    workload_hours = models.PositiveIntegerField(_("workload (learning hours)"), default=0)
    credit_value = models.DecimalField(
        _("credit value"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("ECTS-style credits, for example 1.5."),
    )
    level = models.PositiveSmallIntegerField(
        _("level (EQF)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
        help_text=_("European Qualifications Framework level, 1 to 8."),
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.ENGLISH)
    delivery_mode = models.CharField(
        _("mode of delivery"), max_length=10, choices=DeliveryMode.choices, default=DeliveryMode.ONLINE
    )
    field_of_study = models.CharField(_("field"), max_length=30, choices=FieldOfStudy.choices, blank=True)
    quality_assurance = models.TextField(_("quality assurance"), blank=True)
    prerequisites = models.TextField(_("prerequisites"), blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Leave empty when the credential does not expire.")
    )
    image = models.ImageField(
        _("image"), upload_to="achievements/", blank=True, help_text=_("A PNG badge; a default is generated if empty.")
    )
    generated_image = models.ImageField(_("generated image"), upload_to="achievements/generated/", blank=True)
    # Pathways (type PATHWAY): the rule over the components that earns it.
    rule = models.CharField(_("pathway rule"), max_length=10, choices=Rule.choices, blank=True)
    required_count = models.PositiveSmallIntegerField(_("required number of components"), null=True, blank=True)
    required_credits = models.DecimalField(_("required credits"), max_digits=6, decimal_places=2, null=True, blank=True)
    components = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="pathways",
        verbose_name=_("components"),
        help_text=_("For pathways: the achievements (possibly other pathways) that stack into it."),
    )
    equivalence_class = models.ForeignKey(
        EquivalenceClass,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="achievements",
        verbose_name=_("equivalent to"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AchievementQuerySet.as_manager()

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        ordering = ["name"]
        indexes = [models.Index(fields=["type", "is_active"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_remembered("credentials:achievement_detail", args=[self.slug])

    def clean(self):
        if self.type == self.Type.PATHWAY:
            if not self.rule:
                raise ValidationError({"rule": _("A pathway needs a rule.")})
            if self.rule == self.Rule.ANY_N and not self.required_count:
                raise ValidationError({"required_count": _("Say how many components are required.")})
            if self.rule == self.Rule.CREDITS and not self.required_credits:
                raise ValidationError({"required_credits": _("Say how many credits are required.")})
        elif self.rule:
            raise ValidationError({"rule": _("Only pathways have a rule.")})

    @property
    def is_pathway(self) -> bool:
        return self.type == self.Type.PATHWAY

    @property
    def badge_image(self):
        """The uploaded image, else the generated default (may be empty until generated)."""
        return self.image or self.generated_image

    # What a signed credential vouches for: once awarded, these stay as they were issued.
    LOCKED_AFTER_AWARD = ("issuer", "credit_value", "criteria_en", "criteria_ja")

    def can_be_issued_by(self, user) -> bool:
        """Whether `user` acts for this achievement's issuer (see issuing_organizations)."""
        return self.issuer_id is not None and issuing_organizations(user).filter(pk=self.issuer_id).exists()

    def locked_changes(self) -> list[str]:
        """The fields of LOCKED_AFTER_AWARD that differ from the stored row, when awards exist."""
        if self.pk is None or not self.awards.exists():
            return []
        stored = Achievement.objects.filter(pk=self.pk).values(*self._locked_attnames()).first() or {}
        return [
            name
            for name, attname in zip(self.LOCKED_AFTER_AWARD, self._locked_attnames(), strict=True)
            if attname in stored and _normalised(stored[attname]) != _normalised(getattr(self, attname))
        ]

    def _locked_attnames(self) -> list[str]:
        return [self._meta.get_field(name).attname for name in self.LOCKED_AFTER_AWARD]

    def can_be_awarded_by(self, user) -> bool:
        """Portal staff award anything; faculty award what their own organization issues."""
        if not user.is_authenticated or not user.is_active:
            return False
        if user.is_portal_staff:
            return True
        return user.has_role("faculty") and user.organization_id == self.issuer_id

    def outcomes_list(self) -> list[str]:
        return [line.strip(" -•・\t") for line in self.learning_outcomes.splitlines() if line.strip(" -•・\t")]

    def progress_for(self, held: dict[int, Decimal], components=None) -> PathwayProgress:
        """Progress of a pathway given the learner's {achievement id: credits earned}.
        `components`: [(id, credit value)] of its components where the caller read them;
        by default `components.all()`: prefetch it when checking many pathways."""
        if components is None:
            components = [(component.pk, component.credit_value) for component in self.components.all()]
        held_components = [pk for pk, _value in components if pk in held]
        credits = sum((held[pk] for pk in held_components), Decimal("0"))
        total = len(components)
        if self.rule == self.Rule.ANY_N:
            required = min(self.required_count or total, total)
            credits_required = None
            complete = total > 0 and len(held_components) >= required
        elif self.rule == self.Rule.CREDITS:
            required = total
            credits_required = self.required_credits or Decimal("0")
            complete = total > 0 and credits >= credits_required
        else:
            required = total
            credits_required = sum((value for _pk, value in components), Decimal("0"))
            complete = total > 0 and len(held_components) == total
        return PathwayProgress(
            held=len(held_components),
            required=required,
            total=total,
            credits=credits,
            credits_required=credits_required,
            complete=complete,
        )

    def valid_until_for(self, issued_on):
        """When a credential issued at `issued_on` (a datetime) expires, or None."""
        if not self.validity_months:
            return None
        month_index = issued_on.month - 1 + self.validity_months
        year, month = issued_on.year + month_index // 12, month_index % 12 + 1
        day = min(issued_on.day, _days_in_month(year, month))
        return issued_on.replace(year=year, month=month, day=day)


def _normalised(value):
    # An empty translation is stored as NULL or "" depending on how it was written.
    return "" if value is None else value


def _days_in_month(year: int, month: int) -> int:
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return (next_month - date(year, month, 1)).days


class AwardQuerySet(models.QuerySet):
    def issued(self):
        return self.filter(status=Award.Status.ISSUED)

    def pending(self):
        return self.filter(status=Award.Status.PENDING)

    def for_recipient(self, user):
        return self.filter(recipient=user)

    def public(self):
        """What anyone may see on a public page: made public by the learner, and not pending."""
        return self.filter(is_public=True).exclude(status=Award.Status.PENDING)

    def signed(self):
        return self.filter(signed_at__isnull=False)

    def unsigned_issued(self):
        """Issued awards still without a signed credential (issued before signing existed, or
        while the key-encryption secret was missing): the sweep signs them."""
        return self.issued().filter(signed_at__isnull=True)

    def with_related(self):
        return self.select_related("achievement__issuer", "issuer", "recipient")

    def for_cards(self):
        """With only what a card shows (wallet, home page): the rows carry signed credentials
        and snapshots, and their achievements seven texts in two languages."""
        from community.translation import translated

        return self.select_related("achievement", "issuer").only(
            "public_id",
            "status",
            "is_public",
            "created_at",
            "valid_until",
            "credits_earned",
            "image",
            "achievement__image",
            "achievement__generated_image",
            *translated("achievement__name"),
            *translated("issuer__name"),
        )

    def credit_pairs(self):
        """(achievement id, credits earned) of each award, unordered: what credit_map reads."""
        return self.order_by().values_list("achievement_id", "credits_earned")

    def credit_map(self) -> dict[int, Decimal]:
        """{achievement id: credits earned}, one query."""
        return dict(self.credit_pairs())


class Award(models.Model):
    """One learner's achievement. Created pending inside the event's transaction; a task
    completes it (image, notification, pathway check); revocation keeps the row."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being issued")
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")

    SHOWN_STATUSES = (Status.ISSUED, Status.REVOKED)

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="awards", verbose_name=_("recipient")
    )
    achievement = models.ForeignKey(
        Achievement, on_delete=models.PROTECT, related_name="awards", verbose_name=_("achievement")
    )
    # Copied from the achievement when the award is created: the organization that vouches.
    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuer"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    evidence = models.TextField(_("evidence"), blank=True)
    credits_earned = models.DecimalField(_("credits earned"), max_digits=5, decimal_places=2, default=Decimal("0"))
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("awarded by"),
    )
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Anyone with the link may see the award page.")
    )
    created_at = models.DateTimeField(_("awarded"), default=timezone.now)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)  # validFrom
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)  # validUntil
    # The achievement as it was issued (en/ja texts, image): what a signed credential states.
    snapshot = models.JSONField(_("issued achievement data"), default=dict, blank=True, editable=False)
    image = models.ImageField(_("badge image"), upload_to="awards/%Y/", blank=True)
    completion_attempts = models.PositiveSmallIntegerField(_("completion attempts"), default=0)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    # Open Badges 3.0: the signed OpenBadgeCredential, the key that signed it, and its entry in
    # that key's revocation status list.
    signed_credential = models.JSONField(_("signed credential"), null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signing_key = models.ForeignKey(
        "IssuerKey", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("signed with")
    )
    status_list = models.ForeignKey(
        "StatusList",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name=_("status list"),
    )
    status_index = models.PositiveIntegerField(_("status list index"), null=True, blank=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "achievement"], name="award_once_per_recipient"),
            models.CheckConstraint(
                condition=~Q(status="revoked") | Q(revoked_at__isnull=False), name="award_revoked_has_date"
            ),
            models.UniqueConstraint(fields=["status_list", "status_index"], name="award_status_index_once"),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.achievement} – {self.recipient}"

    def get_absolute_url(self):
        return reverse_remembered("credentials:award_detail", args=[str(self.public_id)])

    def get_public_url(self):
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def evidence_path(self) -> str:
        """The evidence when it is a path on this portal (courses give the module's page), else ""."""
        return self.evidence if re.fullmatch(r"/(?!/)\S*", self.evidence) else ""

    @property
    def is_revoked(self) -> bool:
        return self.status == self.Status.REVOKED

    @property
    def is_expired(self) -> bool:
        return bool(self.valid_until and self.valid_until < timezone.now())

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.ISSUED and not self.is_expired

    @property
    def badge_image(self):
        return self.image or self.achievement.badge_image

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def can_be_revoked_by(self, user) -> bool:
        return self.status != self.Status.REVOKED and self.achievement.can_be_awarded_by(user)

    def is_visible_to(self, user) -> bool:
        if user.is_authenticated and (user.pk == self.recipient_id or self.achievement.can_be_awarded_by(user)):
            return True
        return self.is_public and self.status in self.SHOWN_STATUSES


class AwardEvent(models.Model):
    """Audit trail of an award: created, issued, revoked, made public or private."""

    LABELS = {
        "credentials.award.created": _("Awarded"),
        "credentials.award.issued": _("Issued"),
        "credentials.award.revoked": _("Revoked"),
        "credentials.award.made_public": _("Made public"),
        "credentials.award.made_private": _("Made private"),
    }

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="events", verbose_name=_("award"))
    event = models.CharField(_("event"), max_length=60)  # dotted: credentials.award.issued
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("award event")
        verbose_name_plural = _("award events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.event

    @property
    def label(self):
        return self.LABELS.get(self.event, self.event)


class RecognitionRequestQuerySet(models.QuerySet):
    def for_learner(self, user):
        return self.filter(learner=user)

    def for_university_staff(self, user):
        """Requests addressed to the staff member's own university (every one for superusers)."""
        if user.is_superuser:
            return self
        if not (user.is_authenticated and user.is_portal_staff and user.organization_id):
            return self.none()
        return self.filter(university_id=user.organization_id)


class RecognitionRequest(models.Model):
    """A learner asks a partner university to recognise a set of awards for credit."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Recognised")
        DECLINED = "declined", _("Declined")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recognition_requests",
        verbose_name=_("learner"),
    )
    university = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="recognition_requests", verbose_name=_("university")
    )
    awards = models.ManyToManyField(Award, related_name="recognition_requests", verbose_name=_("awards"))
    message = models.TextField(_("message to the university"), blank=True, max_length=2000)
    credits_requested = models.DecimalField(_("credits requested"), max_digits=6, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)

    objects = RecognitionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("recognition request")
        verbose_name_plural = _("recognition requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["university", "status"])]

    def __str__(self):
        return f"{self.learner} → {self.university}"

    def can_be_decided_by(self, user) -> bool:
        """Only staff of the university asked (or a superuser) decide, and only once."""
        if self.status != self.Status.PENDING or not user.is_authenticated:
            return False
        return user.is_superuser or (user.is_portal_staff and user.organization_id == self.university_id)


class BatchAward(models.Model):
    """Awards for a list of e-mail addresses (pasted or a CSV), run by a task that reports
    its progress here, so that a page can poll it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    achievement = models.ForeignKey(
        Achievement, on_delete=models.PROTECT, related_name="batches", verbose_name=_("achievement")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    evidence = models.TextField(_("evidence"), blank=True)
    rows = models.JSONField(_("rows"), default=list)  # [{"line": n, "email": ..., "evidence": ...}]
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    succeeded = models.PositiveIntegerField(_("awarded"), default=0)
    failures = models.JSONField(_("failed rows"), default=list)  # [{"line": n, "email": ..., "error": ...}]
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("batch award")
        verbose_name_plural = _("batch awards")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.achievement} ({self.total})"

    def get_absolute_url(self):
        return reverse_remembered("credentials:batch_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.processed * 100 / self.total)


# --- Open Badges 3.0: issuer keys and status lists ------------------------------------------


class IssuerKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired_at__isnull=True)

    def for_organization(self, organization):
        """The keys of an organization, or of the portal itself when `organization` is None."""
        if organization is None:
            return self.filter(organization__isnull=True)
        return self.filter(organization=organization)


class IssuerKey(models.Model):
    """An Ed25519 signing key and its did:key issuer id. The private half is stored only encrypted
    (CREDENTIALS_KEY_ENCRYPTION_KEY) and is never shown: not in the admin, not in logs.

    The newest unretired key of an organization signs its new credentials; retired keys are kept
    to re-sign the status lists of the credentials they signed. A key without an organization is
    the portal's own: it signs the learner records (CLR) that bundle several issuers' badges.
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issuer_keys",
        verbose_name=_("organization"),
    )
    key_id = models.CharField(_("key id"), max_length=100, unique=True)
    did = models.CharField(_("issuer DID"), max_length=200, unique=True)
    public_key_multibase = models.CharField(_("public key"), max_length=100)
    encrypted_private_key = models.TextField(editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = IssuerKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        ordering = ["-created_at"]
        constraints = [
            # One signing key per organization (and one for the portal: NULLs are not distinct here).
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(retired_at__isnull=True),
                nulls_distinct=False,
                name="issuer_key_one_active_per_organization",
            ),
        ]

    def __str__(self):
        return f"{self.key_id} ({self.did})"

    def __repr__(self):
        return f"<IssuerKey {self.key_id}>"

    @property
    def is_active(self) -> bool:
        return self.retired_at is None

    def unlock(self):
        """The usable key (credentials.openbadges.IssuerKey); KeyEncryptionError when the secret is wrong."""
        from . import openbadges

        return openbadges.IssuerKey.from_encrypted(
            key_id=self.key_id,
            public_key_multibase=self.public_key_multibase,
            encrypted_private_key=self.encrypted_private_key,
        )


class StatusList(models.Model):
    """A W3C Bitstring Status List of one issuer key, served signed at a stable public URL."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    issuer_key = models.ForeignKey(
        IssuerKey, on_delete=models.PROTECT, related_name="status_lists", verbose_name=_("issuer key")
    )
    length = models.PositiveIntegerField(_("entries"))
    bits = models.BinaryField(editable=False)  # bit 0 = most significant bit of byte 0
    signed_credential = models.JSONField(_("signed status list credential"), editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.public_id)

    def get_absolute_url(self):
        return reverse_remembered("credentials:status_list", args=[str(self.public_id)])

    def get_public_url(self):
        return settings.SITE_URL + self.get_absolute_url()
