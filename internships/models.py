"""Internship placements: host companies, postings, work eligibility, applications and their audit trail."""

import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community import events
from community.choices import FieldOfStudy, Language, Prefecture
from community.models import Organization, Role
from community.search import apply_search, search_text
from jige_portal.urltag import reverse_remembered

# Students on the "Student" (留学) residence status may work at most 28 hours a week with the
# comprehensive permission; an internship above that needs an individual permission.
WEEKLY_HOURS_WITHOUT_INDIVIDUAL_PERMISSION = 28


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


class PrivateDirectory(FileSystemStorage):
    """CVs on a disk: INTERNSHIPS_PRIVATE_ROOT, or "private" beside MEDIA_ROOT.

    The location is read at each use, so that a changed setting (tests, deployments) is followed.
    """

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        configured = getattr(settings, "INTERNSHIPS_PRIVATE_ROOT", "")
        return Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / "private"

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None


@deconstructible
class PrivateStorage(Storage):
    """Files that must never be reachable under MEDIA_URL (CVs): served only by permission-checked views.

    They go to the "private" entry of STORAGES when the settings define one (a private prefix of
    the media bucket), else to a `PrivateDirectory`. The backend is looked up at each use, so that
    changed settings are followed and migrations see one storage whatever the deployment.
    """

    base_url = None

    def backend(self) -> Storage:
        if "private" in settings.STORAGES:
            return storages["private"]
        return _private_directory

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a permission-checked view.")

    def open(self, name, mode="rb"):
        return self.backend().open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend().save(name, content, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend().generate_filename(filename)

    def get_valid_name(self, name):
        return self.backend().get_valid_name(name)

    def get_available_name(self, name, max_length=None):
        return self.backend().get_available_name(name, max_length=max_length)

    def path(self, name):
        return self.backend().path(name)

    def delete(self, name):
        return self.backend().delete(name)

    def exists(self, name):
        return self.backend().exists(name)

    def listdir(self, path):
        return self.backend().listdir(path)

    def size(self, name):
        return self.backend().size(name)

    def get_accessed_time(self, name):
        return self.backend().get_accessed_time(name)

    def get_created_time(self, name):
        return self.backend().get_created_time(name)

    def get_modified_time(self, name):
        return self.backend().get_modified_time(name)


_private_directory = PrivateDirectory()
private_storage = PrivateStorage()


def cv_upload_to(instance, filename: str) -> str:
    """A random name: the student's file name may carry personal data and is never trusted."""
    return f"cv/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class InvalidTransition(Exception):
    """An application cannot move to the requested state; the message says why, translated."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


class TransitionForbidden(InvalidTransition):
    """The state change exists, but not for this person's role."""


class TransitionBlocked(InvalidTransition):
    """The state change is allowed, but a precondition (eligibility, evaluations) is missing."""


class HostCompanyQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=HostCompany.Status.APPROVED, organization__is_active=True)

    def awaiting_review(self):
        return self.filter(status=HostCompany.Status.PENDING)


class Industry(models.TextChoices):
    """Broad sectors, after the Japan Standard Industrial Classification's divisions."""

    AGRICULTURE = "agriculture", _("Agriculture, forestry and fisheries")
    CONSTRUCTION = "construction", _("Construction")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    ENERGY = "energy", _("Electricity, gas and water")
    ICT = "ict", _("Information and communications")
    TRANSPORT = "transport", _("Transport and logistics")
    TRADE = "trade", _("Wholesale and retail trade")
    FINANCE = "finance", _("Finance and insurance")
    REAL_ESTATE = "real_estate", _("Real estate")
    RESEARCH = "research", _("Research, professional and technical services")
    HOSPITALITY = "hospitality", _("Hotels, restaurants and tourism")
    EDUCATION = "education", _("Education and learning support")
    HEALTH = "health", _("Medical, health care and welfare")
    PUBLIC = "public", _("Public administration and non-profit bodies")
    OTHER = "other", _("Other services")


class CompanySize(models.TextChoices):
    MICRO = "1-9", _("1–9 employees")
    SMALL = "10-49", _("10–49 employees")
    MEDIUM = "50-299", _("50–299 employees")
    LARGE = "300-999", _("300–999 employees")
    VERY_LARGE = "1000+", _("1,000 employees or more")


class WorkLanguage(models.TextChoices):
    JAPANESE = "ja", _("Japanese")
    ENGLISH = "en", _("English")
    CHINESE = "zh", _("Chinese")
    KOREAN = "ko", _("Korean")
    VIETNAMESE = "vi", _("Vietnamese")
    PORTUGUESE = "pt", _("Portuguese")
    OTHER = "other", _("Other languages")


class HostCompany(models.Model):
    """A company (an Organization of kind company) that staff have reviewed before it may post."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", pgettext_lazy("a company registration", "Declined")
        SUSPENDED = "suspended", _("Suspended")

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        related_name="host_company",
        limit_choices_to={"kind": Organization.Kind.COMPANY},
        verbose_name=_("organization"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, blank=True)
    size = models.CharField(_("size"), max_length=10, choices=CompanySize.choices, blank=True)
    work_languages = models.CharField(
        _("languages spoken at work"),
        max_length=100,
        blank=True,
        help_text=_("Codes separated by commas, e.g. ja,en."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_companies",
        verbose_name=_("registered by"),
        help_text=_("The contact who registered the company on the portal; empty when staff added it."),
    )
    decline_reason = models.TextField(
        _("reason for declining"),
        max_length=2000,
        blank=True,
        help_text=_("Why staff declined the registration; the contact reads it."),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = HostCompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("host company")
        verbose_name_plural = _("host companies")
        ordering = ["organization__name"]

    def __str__(self):
        return str(self.organization)

    def get_absolute_url(self):
        return reverse_remembered("internships:company_profile", args=[self.organization.slug])

    def clean(self):
        if self.organization_id and self.organization.kind != Organization.Kind.COMPANY:
            raise ValidationError({"organization": _("Only an organization of kind “company” can host interns.")})

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    def is_contact(self, user) -> bool:
        """A company contact is a user with that role whose home organization is the company."""
        return (
            user.is_authenticated
            and user.organization_id == self.organization_id
            and user.has_role(Role.COMPANY_CONTACT)
        )

    def contacts(self):
        return self.organization.members.filter(is_active=True, groups__name=Role.COMPANY_CONTACT.value)

    @property
    def work_language_list(self) -> list[str]:
        return [code for code in self.work_languages.split(",") if code in WorkLanguage.values]

    def get_work_languages_display(self) -> str:
        return ", ".join(str(WorkLanguage(code).label) for code in self.work_language_list)


class Programme(models.Model):
    """A programme that postings belong to, e.g. a prefecture's project-type internship programme."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=Prefecture.choices, blank=True)
    organizer = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="internship_programmes",
        verbose_name=_("organizer"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("internship programme")
        verbose_name_plural = _("internship programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PostingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Posting.Status.PUBLISHED, company__status=HostCompany.Status.APPROVED)

    def open(self):
        return self.published().filter(application_deadline__gte=timezone.localdate())

    def of_company_contact(self, user):
        if not self._is_company_contact(user):
            return self.none()
        return self.filter(company__organization_id=user.organization_id)

    def visible_to(self, user):
        """Students and visitors see published postings of approved companies; contacts also their own."""
        if user.is_authenticated and user.is_portal_staff:
            return self.all()
        if not self._is_company_contact(user):
            return self.published()
        return self.filter(
            Q(pk__in=self.published().values("pk")) | Q(pk__in=self.of_company_contact(user).values("pk"))
        )

    @staticmethod
    def sees_only_published(user) -> bool:
        """Whether `user` sees the published postings and no others: neither portal staff nor
        the contact of a company (who also sees their company's drafts)."""
        return not (user.is_authenticated and user.is_portal_staff) and not PostingQuerySet._is_company_contact(user)

    @staticmethod
    def _is_company_contact(user) -> bool:
        return bool(user.is_authenticated and user.organization_id and user.has_role(Role.COMPANY_CONTACT))

    def search(self, query: str):
        """Japanese (character bigrams) and English search over both languages of the posting."""
        return apply_search(self, query)


class Posting(models.Model):
    class Mode(models.TextChoices):
        REMOTE = "remote", _("Remote")
        ON_SITE = "on_site", _("On-site")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("Waiting for staff review")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    class JLPT(models.TextChoices):
        # Stored so that a string comparison orders them: N1 (hardest) < N5.
        N1 = "N1", "JLPT N1"
        N2 = "N2", "JLPT N2"
        N3 = "N3", "JLPT N3"
        N4 = "N4", "JLPT N4"
        N5 = "N5", "JLPT N5"

    class CEFR(models.TextChoices):
        A1 = "A1", "CEFR A1"
        A2 = "A2", "CEFR A2"
        B1 = "B1", "CEFR B1"
        B2 = "B2", "CEFR B2"
        C1 = "C1", "CEFR C1"
        C2 = "C2", "CEFR C2"

    company = models.ForeignKey(
        HostCompany, on_delete=models.PROTECT, related_name="postings", verbose_name=_("host company")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    location = models.CharField(_("location"), max_length=200, blank=True, help_text=_("City or address."))
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=Prefecture.choices)
    field = models.CharField(_("field"), max_length=30, choices=FieldOfStudy.choices)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    start_earliest = models.DateField(_("earliest start"))
    start_latest = models.DateField(_("latest start"))
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    is_paid = models.BooleanField(_("paid"), default=False)
    monthly_pay_yen = models.PositiveIntegerField(_("monthly pay (yen)"), null=True, blank=True)
    jlpt_level = models.CharField(_("Japanese required (JLPT)"), max_length=2, choices=JLPT.choices, blank=True)
    cefr_level = models.CharField(_("English required (CEFR)"), max_length=2, choices=CEFR.choices, blank=True)
    skills = models.CharField(_("skills"), max_length=300, blank=True, help_text=_("Separated by commas."))
    positions = models.PositiveSmallIntegerField(
        _("positions"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    application_deadline = models.DateField(_("application deadline"))
    achievement = models.ForeignKey(
        "credentials.Achievement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="postings",
        verbose_name=_("credential awarded on completion"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="postings",
        verbose_name=_("programme"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_note = models.TextField(
        _("reason for sending back"),
        blank=True,
        max_length=2000,
        help_text=_("Why staff sent the posting back; the company sees it until it submits the posting again."),
    )
    search_text = models.TextField(editable=False, default="")
    # When staff last published it: saved searches alert about postings published after they were saved.
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["application_deadline", "pk"]
        indexes = [models.Index(fields=["status", "application_deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_months__gte=1, duration_months__lte=12), name="posting_duration_1_to_12"
            ),
            models.CheckConstraint(condition=Q(start_latest__gte=models.F("start_earliest")), name="posting_window"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_remembered("internships:posting_detail", args=[self.pk])

    def build_search_text(self) -> str:
        """Both languages of the texts, the company and the prefecture, so that 群馬 finds Gunma."""
        texts = [self.title_en, self.title_ja, self.description_en, self.description_ja, self.skills]
        texts += [self.location_en, self.location_ja]
        if self.company_id:
            organization = self.company.organization
            texts += [organization.name_en, organization.name_ja]
        for language in ("en", "ja"):
            with translation.override(language):
                texts += [self.get_prefecture_display(), self.get_mode_display(), self.get_field_display()]
        return search_text(*texts)

    def clean(self):
        errors = {}
        if self.start_earliest and self.start_latest and self.start_latest < self.start_earliest:
            errors["start_latest"] = _("The latest start must not be before the earliest start.")
        if self.is_paid and not self.monthly_pay_yen:
            errors["monthly_pay_yen"] = _("Give the monthly pay of a paid internship.")
        if not self.is_paid and self.monthly_pay_yen:
            errors["monthly_pay_yen"] = _("An unpaid internship has no pay.")
        if self.mode != self.Mode.REMOTE and not self.location:
            errors["location"] = _("Give the location of an on-site or hybrid internship.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.company.is_approved
            and self.application_deadline >= timezone.localdate()
        )

    @property
    def skill_list(self) -> list[str]:
        return [skill.strip() for skill in self.skills.split(",") if skill.strip()]


class WorkEligibility(models.Model):
    """A student's residence status and permissions to work, as recorded by staff from the documents."""

    class ResidenceStatus(models.TextChoices):
        UNKNOWN = "", _("Not recorded")
        STUDENT = "student", _("Student (留学)")
        DESIGNATED_ACTIVITIES = "designated", _("Designated activities (特定活動)")
        UNRESTRICTED = "unrestricted", _("No work restriction (permanent resident, spouse, Japanese national)")
        ABROAD = "abroad", _("Lives outside Japan")

    class Permission(models.TextChoices):
        NONE = "", _("None on file")
        COMPREHENSIVE = "comprehensive", _("Comprehensive permission (up to 28 hours a week)")
        INDIVIDUAL = "individual", _("Individual permission (named activity, may exceed 28 hours a week)")

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="work_eligibility",
        verbose_name=_("student"),
    )
    residence_status = models.CharField(
        _("residence status"), max_length=12, choices=ResidenceStatus.choices, blank=True
    )
    residence_card_valid_until = models.DateField(_("residence card valid until"), null=True, blank=True)
    permission = models.CharField(
        _("permission to engage in activity other than that permitted (資格外活動許可)"),
        max_length=14,
        choices=Permission.choices,
        blank=True,
    )
    permission_reference = models.CharField(_("permission reference"), max_length=60, blank=True)
    permission_valid_until = models.DateField(_("permission valid until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("work eligibility")
        verbose_name_plural = _("work eligibility records")

    def __str__(self):
        return str(self.student)

    def clean(self):
        if self.permission and not (self.permission_reference and self.permission_valid_until):
            raise ValidationError(_("Record the reference and the end of validity of the permission."))

    def problems_for(self, posting: Posting, *, on: date | None = None) -> list:
        """Why staff may not approve this student for this posting yet (empty: eligible)."""
        return eligibility_problems(self, posting, on=on)


def eligibility_problems(eligibility: WorkEligibility | None, posting: Posting, *, on: date | None = None) -> list:
    """The immigration gate: a paid internship of a student on the Student status needs a permission
    to engage in activity other than that permitted, and more than 28 hours a week an individual one."""
    if not posting.is_paid:
        return []
    on = on or max(posting.start_earliest, timezone.localdate())
    status = eligibility.residence_status if eligibility else ""
    if status == WorkEligibility.ResidenceStatus.UNKNOWN:
        return [_("The student's residence status is not recorded; a paid internship needs it.")]
    if status != WorkEligibility.ResidenceStatus.STUDENT:
        return []
    if not eligibility.permission:
        return [
            _(
                "The internship is paid and the student is on the Student residence status: a permission to "
                "engage in activity other than that permitted (資格外活動許可) must be on file."
            )
        ]
    problems = []
    if eligibility.permission_valid_until and eligibility.permission_valid_until < on:
        problems.append(_("The permission on file expires before the internship starts."))
    if (
        posting.hours_per_week > WEEKLY_HOURS_WITHOUT_INDIVIDUAL_PERMISSION
        and eligibility.permission != WorkEligibility.Permission.INDIVIDUAL
    ):
        problems.append(
            _(
                "The internship takes %(hours)s hours a week, more than 28: an individual permission for this "
                "activity must be on file."
            )
            % {"hours": posting.hours_per_week}
        )
    return problems


class ApplicationQuerySet(models.QuerySet):
    def of_student(self, user):
        return self.filter(student=user) if user.is_authenticated else self.none()

    def for_company_contact(self, user):
        """What staff approved for the contact's company (including what happened to it afterwards)."""
        return self.filter(posting__in=Posting.objects.of_company_contact(user), staff_approved_at__isnull=False)

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_portal_staff:
            return self.exclude(status=Application.Status.DRAFT)
        return self.filter(
            Q(pk__in=self.of_student(user).values("pk")) | Q(pk__in=self.for_company_contact(user).values("pk"))
        )

    def awaiting_staff(self):
        return self.filter(status=Application.Status.SUBMITTED)

    def with_list_data(self):
        return self.select_related("posting__company__organization", "student__profile", "student__work_eligibility")


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        STAFF_APPROVED = "staff_approved", _("Approved by staff")
        STAFF_REJECTED = "staff_rejected", _("Not approved by staff")
        COMPANY_ACCEPTED = "company_accepted", _("Accepted by the company")
        COMPANY_DECLINED = "company_declined", _("Declined by the company")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Actor(models.TextChoices):
        STUDENT = "student", _("Student")
        STAFF = "staff", _("Staff")
        COMPANY = "company", _("Company")

    S, A = Status, Actor
    # The whole workflow: (from, to) → (who may do it, dotted audit event). Nothing else is legal.
    TRANSITIONS = {
        (S.DRAFT, S.SUBMITTED): (A.STUDENT, "internships.application.submitted"),
        (S.SUBMITTED, S.STAFF_APPROVED): (A.STAFF, "internships.application.approved"),
        (S.SUBMITTED, S.STAFF_REJECTED): (A.STAFF, "internships.application.rejected"),
        (S.STAFF_APPROVED, S.COMPANY_ACCEPTED): (A.COMPANY, "internships.application.accepted"),
        (S.STAFF_APPROVED, S.COMPANY_DECLINED): (A.COMPANY, "internships.application.declined"),
        (S.COMPANY_ACCEPTED, S.IN_PROGRESS): (A.STAFF, "internships.application.started"),
        (S.IN_PROGRESS, S.COMPLETED): (A.STAFF, "internships.application.completed"),
        (S.DRAFT, S.WITHDRAWN): (A.STUDENT, "internships.application.withdrawn"),
        (S.SUBMITTED, S.WITHDRAWN): (A.STUDENT, "internships.application.withdrawn"),
        (S.STAFF_APPROVED, S.WITHDRAWN): (A.STUDENT, "internships.application.withdrawn"),
        (S.COMPANY_ACCEPTED, S.WITHDRAWN): (A.STUDENT, "internships.application.withdrawn"),
    }
    del S, A

    posting = models.ForeignKey(
        Posting, on_delete=models.PROTECT, related_name="applications", verbose_name=_("posting")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="internship_applications",
        verbose_name=_("student"),
    )
    motivation = models.TextField(_("motivation letter"), max_length=5000)
    cv = models.FileField(_("CV (PDF)"), storage=private_storage, upload_to=cv_upload_to, max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    staff_approved_at = models.DateTimeField(_("approved by staff"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    midterm_due = models.DateField(_("mid-term evaluation due"), null=True, blank=True)
    ends_on = models.DateField(_("ends on (final evaluation due)"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["posting", "student"], name="one_application_per_posting")]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        return f"{self.student} → {self.posting}"

    def get_absolute_url(self):
        return reverse_remembered("internships:application_detail", args=[self.pk])

    # --- who is who -----------------------------------------------------------------------
    def actors_for(self, user) -> set:
        """The roles `user` plays on this application (usually one)."""
        actors = set()
        if not user.is_authenticated:
            return actors
        if user.pk == self.student_id:
            actors.add(self.Actor.STUDENT)
        if user.is_portal_staff:
            actors.add(self.Actor.STAFF)
        if self.posting.company.is_contact(user):
            actors.add(self.Actor.COMPANY)
        return actors

    def is_visible_to(self, user) -> bool:
        actors = self.actors_for(user)
        if self.Actor.STUDENT in actors:
            return True
        if self.Actor.STAFF in actors:
            return self.status != self.Status.DRAFT
        return self.Actor.COMPANY in actors and self.staff_approved_at is not None

    def can_read_cv(self, user) -> bool:
        """A CV is private: the student, staff, and the company once staff approved the application."""
        return self.is_visible_to(user)

    def allowed_transitions_for(self, user) -> list[str]:
        actors = self.actors_for(user)
        return [
            to
            for (source, to), (actor, _event) in self.TRANSITIONS.items()
            if source == self.status and actor in actors
        ]

    # --- the state machine ----------------------------------------------------------------
    def transition_to(self, status: str, *, by, comment: str = "") -> "ApplicationEvent":
        """Move to `status` as `by`, writing the audit row. The caller holds the row lock
        (services select_for_update it), so that two people acting at once change it only once."""
        status = self.Status(status)
        rule = self.TRANSITIONS.get((self.status, status))
        if rule is None:
            raise InvalidTransition(
                _("An application that is “%(from)s” cannot become “%(to)s”.")
                % {"from": self.get_status_display(), "to": status.label}
            )
        actor, event = rule
        if actor not in self.actors_for(by):
            raise TransitionForbidden(
                _("Only the %(role)s may change this application to “%(to)s”.")
                % {"role": self.Actor(actor).label.lower(), "to": status.label}
            )
        self.check_preconditions(status)
        previous = self.status
        now = timezone.now()
        self.status = status
        fields = ["status", "updated_at"]
        if status == self.Status.SUBMITTED:
            self.submitted_at = now
            fields.append("submitted_at")
        elif status == self.Status.STAFF_APPROVED:
            self.staff_approved_at = now
            fields.append("staff_approved_at")
        elif status == self.Status.IN_PROGRESS:
            # The internship starts when the posting says it does, not on the day this was clicked.
            self.starts_on = self.posting.start_earliest or timezone.localdate()
            self.ends_on = add_months(self.starts_on, self.posting.duration_months)
            self.midterm_due = self.starts_on + (self.ends_on - self.starts_on) / 2
            fields += ["starts_on", "midterm_due", "ends_on"]
        elif status == self.Status.COMPLETED:
            self.completed_at = now
            fields.append("completed_at")
        self.save(update_fields=fields)
        return ApplicationEvent.objects.create(
            application=self, actor=by, event=event, from_status=previous, to_status=status, comment=comment
        )

    def check_preconditions(self, status: str) -> None:
        if status == self.Status.SUBMITTED and not self.posting.is_open:
            raise TransitionBlocked(_("Applications to this posting are closed."))
        if status == self.Status.STAFF_APPROVED:
            problems = self.eligibility_problems()
            if problems:
                raise TransitionBlocked(" ".join(str(problem) for problem in problems))
        if status == self.Status.COMPLETED:
            missing = self.missing_evaluations(Evaluation.Stage.FINAL)
            if missing:
                raise TransitionBlocked(
                    _("The final evaluation is missing from: %(who)s.")
                    % {"who": ", ".join(str(Evaluation.Author(author).label) for author in missing)}
                )

    def eligibility_problems(self) -> list:
        eligibility = WorkEligibility.objects.filter(student_id=self.student_id).first()
        return eligibility_problems(eligibility, self.posting)

    # --- evaluations ----------------------------------------------------------------------
    @property
    def final_due(self) -> date | None:
        return self.ends_on

    def due_date(self, stage: str) -> date | None:
        return self.midterm_due if stage == Evaluation.Stage.MIDTERM else self.final_due

    def missing_evaluations(self, stage: str) -> list[str]:
        done = set(self.evaluations.filter(stage=stage).values_list("author_role", flat=True))
        return [author for author in Evaluation.Author.values if author not in done]


class ApplicationEvent(models.Model):
    """One line of an application's audit trail. Written once, never changed or deleted."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="events", verbose_name=_("application")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    event = models.CharField(_("event"), max_length=80)
    from_status = models.CharField(_("from"), max_length=20, choices=Application.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Application.Status.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.sentence()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Audit entries cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audit entries cannot be deleted."))

    def sentence(self) -> str:
        """What happened, in the current language; never the dotted event name."""
        return events.sentence(self.event)


# The sentences of the audit events in Application.TRANSITIONS (who acted is shown beside them).
events.register(
    {
        "internships.application.submitted": _("Submitted the application."),
        "internships.application.approved": _("Approved the application in the staff review."),
        "internships.application.rejected": _("Did not approve the application in the staff review."),
        "internships.application.accepted": _("Accepted the application on behalf of the company."),
        "internships.application.declined": _("Declined the application on behalf of the company."),
        "internships.application.started": _("Recorded the start of the internship."),
        "internships.application.completed": _("Recorded the completion of the internship."),
        "internships.application.withdrawn": _("Withdrew the application."),
    }
)


class Evaluation(models.Model):
    class Stage(models.TextChoices):
        MIDTERM = "midterm", _("Mid-term evaluation")
        FINAL = "final", _("Final evaluation")

    class Author(models.TextChoices):
        STUDENT = "student", _("the student")
        COMPANY = "company", _("the company supervisor")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("application")
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    author_role = models.CharField(_("written by"), max_length=10, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    rating = models.PositiveSmallIntegerField(
        _("overall rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comments = models.TextField(_("comments"), max_length=5000)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["application", "stage", "author_role"]
        constraints = [
            models.UniqueConstraint(fields=["application", "stage", "author_role"], name="one_evaluation_per_author")
        ]

    def __str__(self):
        return f"{self.get_stage_display()} – {self.get_author_role_display()}"


class EvaluationReminder(models.Model):
    """Proof that a reminder was sent: the unique constraint makes the beat task send it once."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(_("stage"), max_length=10, choices=Evaluation.Stage.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation reminder")
        verbose_name_plural = _("evaluation reminders")
        constraints = [
            models.UniqueConstraint(fields=["application", "stage", "recipient"], name="one_reminder_per_stage")
        ]

    def __str__(self):
        return f"{self.application} {self.stage}"


class OutcomeSurvey(models.Model):
    """The question asked 6 and 12 months after completion: a job offer? working in the host prefecture?"""

    class Wave(models.IntegerChoices):
        SIX_MONTHS = 6, _("6 months after")
        TWELVE_MONTHS = 12, _("12 months after")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("application")
    )
    wave = models.PositiveSmallIntegerField(_("wave"), choices=Wave.choices)
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    has_job_offer = models.BooleanField(_("has a job offer"), null=True, blank=True)
    works_in_host_prefecture = models.BooleanField(_("works in the host prefecture"), null=True, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("outcome survey")
        verbose_name_plural = _("outcome surveys")
        ordering = ["application", "wave"]
        constraints = [models.UniqueConstraint(fields=["application", "wave"], name="one_survey_per_wave")]

    def __str__(self):
        return f"{self.application} ({self.wave})"

    def get_absolute_url(self):
        return reverse_remembered("internships:survey", args=[self.token])


class SavedSearch(models.Model):
    """A student's filters of the internship list; new matching postings go into their daily digest."""

    MAX_PER_MEMBER = 30

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches", verbose_name=_("member")
    )
    name = models.CharField(_("name"), max_length=100)
    # The cleaned, non-empty values of PostingFilterForm, e.g. {"mode": "remote", "q": "data"}.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.results_url

    @property
    def results_url(self) -> str:
        from django.utils.http import urlencode

        query = urlencode(self.filters)
        return reverse("internships:index") + (f"?{query}" if query else "")


class SavedSearchMatch(models.Model):
    """A posting already sent to a saved search's member: each is sent once (the unique constraint)."""

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="matches")
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved search match")
        verbose_name_plural = _("saved search matches")
        constraints = [models.UniqueConstraint(fields=["search", "posting"], name="saved_search_posting_once")]

    def __str__(self):
        return f"{self.search} – {self.posting}"


class Testimonial(models.Model):
    """A past intern's words about their host company, shown on its public page only while they consent."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="testimonial", verbose_name=_("internship")
    )
    text = models.TextField(_("testimonial"), max_length=1500)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default="en")
    consent = models.BooleanField(
        _("shown on the company's public page"),
        default=False,
        help_text=_("Only the intern sets this, and may withdraw it at any time."),
    )
    consented_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("testimonial")
        verbose_name_plural = _("testimonials")
        ordering = ["-consented_at", "-pk"]

    def __str__(self):
        return str(self.application)


class CompanyInvitationQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class CompanyInvitation(models.Model):
    """A contact invites a colleague by e-mail; the link makes them a contact of the same company."""

    VALID_DAYS = 14

    company = models.ForeignKey(
        HostCompany, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("host company")
    )
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language of the e-mail"), max_length=5, choices=Language.choices, default="en")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = CompanyInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("company invitation")
        verbose_name_plural = _("company invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.email} → {self.company}"

    def get_absolute_url(self):
        return reverse_remembered("internships:invitation", args=[self.token])

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()
