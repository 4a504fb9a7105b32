"""J-CC groups, memberships, join requests and invitations."""

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jige_portal.prepared import prepared
from jige_portal.urltag import reverse_remembered

from ..search import search_text
from .people import Campus, Interest, Organization, Phase


class NotificationLevel(models.TextChoices):
    ALL = "all", _("All activity")
    MENTIONS = "mentions", _("Only what is addressed to me")
    MUTE = "mute", _("Mute")


class EmailMode(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DIGEST = "digest", _("Daily digest")
    NEVER = "never", _("Never")


class GroupCategory(models.Model):
    """A further category staff add (in the admin) beside the built-in ones."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("group category")
        verbose_name_plural = _("group categories")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommunityGroupQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=CommunityGroup.Visibility.PUBLIC)

    def visible_to(self, user):
        """Public groups, and secret groups the user belongs to (staff see all)."""
        if user.is_authenticated and user.is_portal_staff:
            return self
        if not user.is_authenticated:
            return self.public()
        # A subquery rather than a join: the member counts annotated later stay whole.
        return self.filter(
            Q(visibility=CommunityGroup.Visibility.PUBLIC)
            | Q(pk__in=Membership.objects.filter(user=user).values("group_id"))
        )

    def of_member(self, user):
        return self.filter(pk__in=Membership.objects.filter(user=user).values("group_id"))

    def for_cards(self):
        """With what a group card shows of its relations (the viewer's part: `card_states`)."""
        return self.select_related("organization", "campus", "extra_category")


class CommunityGroup(models.Model):
    class Category(models.TextChoices):
        CAMPUS = "campus", _("Campus")
        YEAR = "year", _("Year or cohort")
        SPECIALIZATION = "specialization", _("Specialization")
        ACTIVITY = "activity", _("Activity")
        HOBBY = "hobby", _("Hobby")
        PROGRAMME = "programme", _("Programme or module")
        ALUMNI = "alumni", _("Alumni")
        OTHER = "other", _("Other")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Open: anyone can join")
        REQUEST = "request", _("By request: admins approve")
        INVITE = "invite", _("Invitation only")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public to portal members")
        SECRET = "secret", _("Secret: only members know it exists")

    class Language(models.TextChoices):
        BOTH = "", _("English and Japanese")
        EN = "en", _("English")
        JA = "ja", _("Japanese")

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    extra_category = models.ForeignKey(
        GroupCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name=_("further category"),
        help_text=_("A category added by staff; the group is also listed under it."),
    )
    cover = models.ImageField(_("cover image"), upload_to="group-covers/%Y/%m/", blank=True)
    join_policy = models.CharField(_("join policy"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, blank=True, default="")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="community_groups",
        verbose_name=_("organization"),
    )
    campus = models.ForeignKey(
        Campus, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("campus")
    )
    phase = models.CharField(
        _("for members"), max_length=10, choices=Phase.choices, blank=True, help_text=_("Leave empty for everyone.")
    )
    interest = models.ForeignKey(
        Interest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="community_groups",
        verbose_name=_("activity or hobby"),
    )
    field_of_study = models.CharField(_("field of specialization"), max_length=30, blank=True)
    year_of_study = models.PositiveSmallIntegerField(_("year of study"), null=True, blank=True)
    # Automatic groups: members whose profile matches every rule given are added, and removed
    # again when it stops matching. Empty rule fields match anything.
    is_automatic = models.BooleanField(_("automatic membership"), default=False)
    # Kept by database triggers on community_membership (migration 0005), so that every way of
    # adding or removing members, bulk ones included, keeps it exact.
    member_count = models.PositiveIntegerField(_("members"), default=0, editable=False)
    rule_home_organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rule: home organization"),
    )
    rule_host_campus = models.ForeignKey(
        Campus, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("rule: host campus")
    )
    rule_year_of_study = models.PositiveSmallIntegerField(_("rule: year of study"), null=True, blank=True)
    rule_phase = models.CharField(_("rule: phase"), max_length=10, choices=Phase.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # An archived group stays readable by its members; nobody posts or comments any more.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CommunityGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("community group")
        verbose_name_plural = _("community groups")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["category", "visibility"]),
            models.Index(fields=["is_automatic"]),
            models.Index(fields=["-member_count", "name", "id"], name="community_group_popular"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = search_text(
            getattr(self, "name_en", None),
            getattr(self, "name_ja", None),
            getattr(self, "description_en", None),
            getattr(self, "description_ja", None),
            self.slug,
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_remembered("community:group_detail", args=[self.slug])

    @property
    def is_secret(self) -> bool:
        return self.visibility == self.Visibility.SECRET

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def content_is_private(self) -> bool:
        """Posts, members and comments are for members only (by-request, invite-only or secret)."""
        return self.is_secret or self.join_policy != self.JoinPolicy.OPEN

    def has_rule(self) -> bool:
        return bool(
            self.rule_home_organization_id or self.rule_host_campus_id or self.rule_year_of_study or self.rule_phase
        )


class MembershipQuerySet(models.QuerySet):
    def managers(self):
        return self.filter(role__in=[Membership.Role.OWNER, Membership.Role.ADMIN])


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ADMIN = "admin", _("Admin")
        MEMBER = "member", _("Member")

    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    is_automatic = models.BooleanField(
        _("added by the group's rule"), default=False, help_text=_("Removed again when the profile stops matching.")
    )
    notification_level = models.CharField(
        _("notifications"), max_length=10, choices=NotificationLevel.choices, blank=True, default=""
    )
    email_mode = models.CharField(_("e-mail"), max_length=12, choices=EmailMode.choices, blank=True, default="")
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["group", "user"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="membership_group_user_unique")]
        indexes = [models.Index(fields=["user", "group"])]

    def __str__(self):
        return f"{self.user} – {self.group}"

    @property
    def is_manager(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.ADMIN)


class JoinRequest(models.Model):
    """A request to join (or an invitation to); rows are kept as the history."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("Request to join")
        INVITATION = "invitation", _("Invitation")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("a join request", "Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Withdrawn")

    group = models.ForeignKey(CommunityGroup, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.REQUEST)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.TextField(_("message"), max_length=1000, blank=True)
    response = models.TextField(_("answer"), max_length=1000, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("join request or invitation")
        verbose_name_plural = _("join requests and invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], condition=Q(status="pending"), name="joinrequest_one_pending_per_user"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.user} → {self.group}"


def _tagged(queryset, tag):
    return queryset.order_by().values_list("group_id", Value(tag, output_field=models.CharField()))


@prepared
def _group_states_of(user_id: int):
    """(group id, "member" | "pending" | "secret") of each of the member's groups, requests
    waiting and secret groups: all of them, so that the SQL does not depend on a page's groups."""
    member = _tagged(Membership.objects.filter(user_id=user_id), "member")
    pending = _tagged(JoinRequest.objects.filter(user_id=user_id, status=JoinRequest.Status.PENDING), "pending")
    secret = _tagged(
        Membership.objects.filter(user_id=user_id, group__visibility=CommunityGroup.Visibility.SECRET), "secret"
    )
    return member.union(pending, secret, all=True).order_by()


def card_states(user, group_ids) -> tuple[dict[int, str], bool]:
    """The viewer's part of the cards of these groups — "member", or "pending" for a request or
    an invitation waiting — and whether they belong to any secret group (which lists they may
    see beyond the public ones), in one query."""
    ids = set(group_ids)
    states, in_secret_group = {}, False
    for group_id, state in _group_states_of(user.pk):
        if state == "secret":
            in_secret_group = True
        elif group_id not in ids:
            continue
        elif state == "member" or group_id not in states:
            states[group_id] = state
    return states, in_secret_group


class AuditEvent(models.Model):
    """Who did what: group management and moderation, with dotted event names."""

    event = models.CharField(_("event"), max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(CommunityGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    target = models.CharField(_("target"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at"]

    def __str__(self):
        return self.sentence()

    def sentence(self) -> str:
        """What happened, in the current language (community.events); never the dotted name."""
        from ..events import sentence

        return sentence(self.event, group=self.group, target=self.target)
