"""People and organizations: the foundation every other app builds on."""

import re
import zoneinfo
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jige_portal import loading
from jige_portal.urltag import reverse_remembered

from .. import readahead
from ..choices import Country, FieldOfStudy, Language, Prefecture
from ..search import search_text

EMAIL_DOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class Role(models.TextChoices):
    """A role is a Django group of the same name; a user may hold several."""

    STUDENT = "student", _("Student")
    FACULTY = "faculty", _("Faculty")
    STAFF = "staff", _("Staff")
    COMPANY_CONTACT = "company_contact", _("Company contact")
    # Signed up on their own with an address of no partner university: may browse and join open
    # groups until staff give them a role.
    GUEST = "guest", _("Guest")
    # A member of a local government or a prefecture's consortium (home organization: a local
    # government with its prefecture): sees the internship outcomes of that prefecture, in numbers only.
    CONSORTIUM = "consortium", _("Local government / consortium")


class Phase(models.TextChoices):
    """Where a member stands relative to their stay in Japan."""

    BEFORE = "before", _("Before the stay")
    DURING = "during", _("During the stay")
    AFTER = "after", _("After the stay")


class OrganizationQuerySet(models.QuerySet):
    def universities(self):
        return self.filter(kind=Organization.Kind.UNIVERSITY)

    def lead(self):
        return self.universities().filter(is_lead=True)

    def partners(self):
        return self.universities().filter(is_lead=False)

    def companies(self):
        return self.filter(kind=Organization.Kind.COMPANY)

    def for_email_address(self, email: str) -> "Organization | None":
        """The active university whose e-mail domains hold the address's domain or one it is a
        subdomain of (mail.kansai-u.ac.jp matches kansai-u.ac.jp); the most specific one wins."""
        return self.for_domain(email.rpartition("@")[2])

    def for_domain(self, domain: str) -> "Organization | None":
        """The active university that lists this domain, or a parent of it, among its e-mail domains
        (a schacHomeOrganization such as kansai-u.ac.jp, or an address's domain)."""
        domain = domain.strip().lower().rstrip(".")
        if not domain:
            return None
        best, best_length = None, 0
        for organization in self.universities().filter(is_active=True).exclude(email_domains=""):
            for listed in organization.email_domain_list:
                if (domain == listed or domain.endswith("." + listed)) and len(listed) > best_length:
                    best, best_length = organization, len(listed)
        return best


class Organization(models.Model):
    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        COMPANY = "company", _("Company")
        LOCAL_GOVERNMENT = "local_government", _("Local government")
        OTHER = "other", _("Other body")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_lead = models.BooleanField(
        _("lead university"), default=False, help_text=_("One of the consortium's Japanese lead universities.")
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    prefecture = models.CharField(
        _("prefecture"), max_length=2, choices=Prefecture.choices, blank=True, help_text=_("For bodies in Japan.")
    )
    region = models.CharField(_("region or state"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    description = models.TextField(_("description"), blank=True)
    email_domains = models.CharField(
        _("e-mail domains"),
        max_length=500,
        blank=True,
        help_text=_(
            "Domains of the university's student e-mail addresses, separated by spaces or commas, "
            "e.g. kansai-u.ac.jp; subdomains count. Members who sign up with such an address become its students."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "is_lead"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse_remembered("community:organization", args=[self.slug])

    def clean(self):
        for domain in self.email_domain_list:
            if not EMAIL_DOMAIN.fullmatch(domain):
                message = _("“%(domain)s” is not an e-mail domain.") % {"domain": domain}
                raise ValidationError({"email_domains": message})

    @property
    def email_domain_list(self) -> list[str]:
        """The domains as written in the admin, without "@" or a final dot, lower-cased."""
        words = re.split(r"[\s,;]+", self.email_domains)
        return [word.lstrip("@").rstrip(".").lower() for word in words if word.strip("@.")]


class Campus(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="campuses", verbose_name=_("organization")
    )
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100, blank=True)
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=Prefecture.choices, blank=True)

    class Meta:
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")
        ordering = ["organization__name", "name"]

    def __str__(self):
        return f"{self.organization} – {self.name}"


class Interest(models.Model):
    """An activity or hobby members tag themselves with (and groups are formed around)."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Activity")
        HOBBY = "hobby", _("Hobby")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("activity or hobby")
        verbose_name_plural = _("activities and hobbies")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


FORMER_MEMBER = pgettext_lazy("an erased account", "Former member")


class MemberNameDescriptor(DeferredAttribute):
    """The display name, or "Former member" in the reader's language once the account is erased.

    A name is shown in dozens of places (posts, comments, messages, receipts, e-mails rendered in
    the recipient's language); answering here covers all of them, including those yet to be
    written, where a template filter would have to be remembered in each.
    """

    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        if instance is not None and instance.__dict__.get("erased_at") is not None:
            return str(FORMER_MEMBER)
        return value

    stores_plainly = True  # jige_portal.loading: setting it only stores the value

    def __set__(self, instance, value):
        # A data descriptor: otherwise the value Django puts in the instance's __dict__ would
        # shadow __get__.
        instance.__dict__[self.field.attname] = value


class MemberNameField(models.CharField):
    descriptor_class = MemberNameDescriptor


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = MemberNameField(_("display name"), max_length=80)
    language = models.CharField(_("preferred language"), max_length=5, choices=Language.choices, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Tokyo")
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/%m/", blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("home organization"),
    )
    # Set when the account's personal data were erased (community.services.privacy); the row stays,
    # so that what the member wrote stays in its threads, attributed to a former member.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.display_name or self.email

    @staticmethod
    def byline_fields(relation: str) -> tuple[str, ...]:
        """The columns that show a member beside what they wrote (name and picture), for
        `only()` across `relation`: the name needs erased_at (MemberNameDescriptor)."""
        return tuple(f"{relation}__{name}" for name in ("display_name", "avatar", "erased_at"))

    @classmethod
    def from_db(cls, db, field_names, values, *args, **kwargs):
        instance = loading.from_db(cls, db, field_names, values, *args, **kwargs)
        instance._stored_name = instance._name_state()
        instance._stored_byline = instance._byline_state()
        return instance

    def __getstate__(self):
        # Not the header counts read with the row for one request (community.readahead).
        state = super().__getstate__()
        state.pop(readahead.HEADER_COUNTS, None)
        return state

    def _name_state(self):
        return (self.__dict__.get("display_name"), self.__dict__.get("erased_at"))

    def _byline_state(self):
        return (*self._name_state(), str(self.__dict__.get("avatar") or ""))

    def byline_changed(self) -> bool:
        """Whether the name or picture shown beside what the member wrote differs from the row
        as it was loaded (or last saved); a member not loaded from the database counts as changed."""
        return getattr(self, "_stored_byline", None) != self._byline_state()

    def save(self, *args, **kwargs):
        adding = self._state.adding
        update_fields = kwargs.get("update_fields")
        self.email = (self.email or "").lower()
        if not self.display_name:
            self.display_name = self.email.split("@")[0]
        super().save(*args, **kwargs)
        if adding:
            Profile.objects.get_or_create(user=self)
        elif update_fields is None or "display_name" in update_fields:
            # The member search finds people by name: keep the profile's tokens in step.
            profile = Profile.objects.filter(pk=self.pk).first()
            if profile is not None:
                profile.refresh_search_text(user=self)
            if getattr(self, "_stored_name", None) != self._name_state():
                # Mentions are stored by id; the texts that show this name are rendered again.
                from ..services import refresh_mentions_of

                refresh_mentions_of(user_id=self.pk)
        self._stored_name = self._name_state()
        self._stored_byline = self._byline_state()

    def get_absolute_url(self):
        return reverse_remembered("community:profile", args=[self.pk])

    def get_short_name(self):
        return self.display_name

    def get_full_name(self):
        return self.display_name

    @cached_property
    def role_names(self) -> frozenset[str]:
        """Names of the roles held: from prefetched `groups`, else the cache, else one query.
        A change of the member's groups deletes the cached names (community.caching)."""
        if "groups" in getattr(self, "_prefetched_objects_cache", {}):
            return frozenset(group.name for group in self.groups.all())
        key = role_cache_key(self.pk)
        names = cache.get(key)
        if names is None:
            names = frozenset(self.groups.values_list("name", flat=True))
            cache.set(key, names, 3600)
        return names

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    @property
    def is_portal_staff(self) -> bool:
        return self.is_superuser or self.has_role(Role.STAFF)

    @property
    def roles(self) -> list[str]:
        return [label for value, label in Role.choices if value in self.role_names]


def role_cache_key(user_id) -> str:
    return f"community:roles:{user_id}"


class ProfileQuerySet(models.QuerySet):
    def shared(self):
        """Profiles whose members share them: listed in the member directory and found by search."""
        return self.filter(share_profile=True, user__is_active=True)

    def in_phase(self, phase: str, day: date):
        """Profiles in a phase of their stay on `day`; only those that show their stay."""
        stay = self.filter(show_stay=True, arrival_date__isnull=False)
        if phase == Phase.BEFORE:
            return stay.filter(arrival_date__gt=day)
        if phase == Phase.AFTER:
            return stay.filter(departure_date__lt=day)
        return stay.filter(arrival_date__lte=day).filter(
            models.Q(departure_date__isnull=True) | models.Q(departure_date__gte=day)
        )


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, blank=True)
    home_campus = models.ForeignKey(
        Campus, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("home campus")
    )
    year_of_study = models.PositiveSmallIntegerField(
        _("year of study"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    field_of_study = models.CharField(
        _("field of specialization"), max_length=30, choices=FieldOfStudy.choices, blank=True
    )
    specialization = models.CharField(_("specialization (your words)"), max_length=120, blank=True)
    interests = models.ManyToManyField(
        Interest, blank=True, related_name="profiles", verbose_name=_("activities and hobbies")
    )
    bio = models.TextField(_("short bio"), max_length=2000, blank=True)
    programme = models.CharField(
        _("exchange programme"),
        max_length=120,
        blank=True,
        help_text=_(
            "The exchange or study-abroad programme the member takes part in, as the home university names it."
        ),
    )
    arrival_date = models.DateField(_("planned arrival in Japan"), null=True, blank=True)
    departure_date = models.DateField(_("planned departure from Japan"), null=True, blank=True)
    host_campus = models.ForeignKey(
        Campus,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_profiles",
        verbose_name=_("host campus in Japan"),
    )
    other_script_name = models.CharField(
        _("name in the other script"),
        max_length=80,
        blank=True,
        help_text=_("Your name in Japanese or in Latin letters, e.g. 佐藤 花子 or Sato Hanako."),
    )
    name_reading = models.CharField(
        _("reading of your name"),
        max_length=80,
        blank=True,
        help_text=_(
            "How your name is read, in kana, e.g. やまもと はなこ. Members find you by it when they mention you."
        ),
    )
    # Privacy: nobody is listed until they choose to be; what a member hides is neither shown to
    # other members nor usable to filter them out of the directory.
    share_profile = models.BooleanField(
        _("share my profile with members"),
        default=False,
        help_text=_("List me in the member directory and let members find me by search."),
    )
    show_organization = models.BooleanField(_("show my university or organization"), default=True)
    show_campus = models.BooleanField(_("show my home and host campus"), default=True)
    show_field = models.BooleanField(_("show my field of specialization"), default=True)
    show_stay = models.BooleanField(_("show my stay in Japan"), default=True)
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")
        indexes = [models.Index(fields=["share_profile"], name="community_profile_shared")]

    def __str__(self):
        return str(self.user)

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def build_search_text(self, user=None) -> str:
        """The name in both scripts, and the field only when the member shows it."""
        user = user or self.user
        texts = [user.display_name, self.other_script_name, self.name_reading]
        if self.show_field:
            texts.append(self.specialization)
            if self.field_of_study:
                for language in ("en", "ja"):
                    with translation.override(language):
                        texts.append(self.get_field_of_study_display())
        return search_text(*texts)

    def refresh_search_text(self, *, user=None):
        tokens = self.build_search_text(user)
        if tokens != self.search_text:
            self.search_text = tokens
            Profile.objects.filter(pk=self.pk).update(search_text=tokens)

    def visible_facts_for(self, viewer) -> dict[str, bool]:
        """Which parts of the profile `viewer` may see: all for the member and staff; for other
        members, nothing but the name unless the profile is shared, then what it shows."""
        everything = viewer.is_authenticated and (viewer.pk == self.pk or viewer.is_portal_staff)
        shared = everything or self.share_profile
        return {
            "profile": shared,
            "organization": everything or (shared and self.show_organization),
            "campus": everything or (shared and self.show_campus),
            "field": everything or (shared and self.show_field),
            "stay": everything or (shared and self.show_stay),
        }

    def clean(self):
        if self.arrival_date and self.departure_date and self.departure_date < self.arrival_date:
            raise ValidationError({"departure_date": _("The departure date must not be before the arrival date.")})

    def phase_on(self, day: date) -> str:
        """The phase on a given day; empty when no stay in Japan is planned."""
        if not self.arrival_date:
            return ""
        if day < self.arrival_date:
            return Phase.BEFORE
        if self.departure_date and day > self.departure_date:
            return Phase.AFTER
        return Phase.DURING

    @property
    def phase(self) -> str:
        return self.phase_on(timezone.localdate())

    def get_phase_display(self) -> str:
        return Phase(self.phase).label if self.phase else ""


class OutgoingEmail(models.Model):
    """An e-mail rendered in its recipient's language and kept until a worker has sent it.

    Written in the same transaction as the event that caused it, so that a broker outage
    loses nothing: the sweep task sends whatever is still pending.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("an e-mail", "Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.JSONField(_("recipients"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    from_email = models.CharField(_("sender"), max_length=200)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default="en")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return self.subject
