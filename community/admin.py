"""The community admin. Two rules hold in every admin of this module:

- Privileges are granted only by superusers: superuser and staff status, direct permissions,
  powerful roles (staff, and any role that manages accounts, roles or credit recognition) and
  what a role may do are read-only for everybody else, as are the accounts of superusers and
  of powerful roles' holders. Staff give and take away the other roles, never their own.
- Secret stays secret: a group that is secret exists in the admin only for its members and
  staff, and its members, posts and comments only where the portal would show them; only
  staff see members' e-mail addresses (faculty find co-owners by name and university).
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from .models import (
    RSVP,
    AccountDeletion,
    AuditEvent,
    Campus,
    Comment,
    CommunityGroup,
    DataExport,
    Event,
    GroupCategory,
    GroupFile,
    IdentityProvider,
    ImportBatch,
    Interest,
    JoinRequest,
    Membership,
    Notification,
    Organization,
    OutgoingEmail,
    Post,
    Profile,
    Report,
    Role,
    User,
)

# Who holds one of these decides about accounts, roles or credit recognition: a role carrying
# one is given and taken away by superusers only, as is the staff role, which is_portal_staff
# trusts by its name.
POWERFUL_PERMISSIONS = (
    Q(content_type__app_label="auth")
    | Q(content_type__app_label="community", codename__in=["add_user", "change_user", "delete_user"])
    | Q(content_type__app_label="credentials", codename="change_recognitionrequest")
)


def powerful_roles():
    return Group.objects.filter(
        Q(name=Role.STAFF) | Q(pk__in=Permission.objects.filter(POWERFUL_PERMISSIONS).values("group"))
    )


def grantable_roles(user):
    """The roles `user` may give and take away in the user admin."""
    if user.is_superuser:
        return Group.objects.all()
    return Group.objects.exclude(pk__in=powerful_roles().values("pk"))


def sees_everything(user) -> bool:
    """Staff moderate every group and handle every account; superusers are staff too."""
    return user.is_superuser or user.is_portal_staff


def groups_with_visible_content(user):
    """Groups whose members, posts and comments `user` may see: what the portal's group pages
    show (community.views.groups.GroupAccess.can_see_content), i.e. open public groups and the
    user's own."""
    groups = CommunityGroup.objects.all()
    if sees_everything(user):
        return groups
    return groups.filter(
        Q(visibility=CommunityGroup.Visibility.PUBLIC, join_policy=CommunityGroup.JoinPolicy.OPEN)
        | Q(pk__in=Membership.objects.filter(user=user).values("group_id"))
    )


class AddressPrivacyMixin:
    """Searching by e-mail address is for staff only: anybody else could find out, one
    substring at a time, which addresses have an account."""

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if sees_everything(request.user):
            return fields
        return [field for field in fields if field.split("__")[-1] != "email"]


class GroupContentMixin:
    """Rows that belong to a group are listed for non-staff only where its content is visible."""

    group_lookup = "group"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_everything(request.user):
            return queryset
        return queryset.filter(**{f"{self.group_lookup}__in": groups_with_visible_content(request.user)})


class PortalAutocompleteJsonView(AutocompleteJsonView):
    """Lets a model admin word its own autocomplete results with `autocomplete_text(obj)`."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        autocomplete_text = getattr(self.model_admin, "autocomplete_text", None)
        if autocomplete_text is not None:
            result["text"] = autocomplete_text(obj)
        return result


def autocomplete_view(request):
    return PortalAutocompleteJsonView.as_view(admin_site=admin.site)(request)


# The site builds its URLs lazily (jige_portal/urls.py), after every admin module is imported.
admin.site.autocomplete_view = autocomplete_view


class CampusInline(admin.TabularInline):
    model = Campus
    extra = 0
    fields = ["name_en", "name_ja", "city_en", "city_ja", "prefecture"]


@admin.register(Organization)
class OrganizationAdmin(TabbedTranslationAdmin):
    list_display = ["name", "kind", "is_lead", "country", "prefecture", "is_active", "logo_preview"]
    list_filter = ["kind", "is_lead", "country", "prefecture", "is_active"]
    search_fields = ["name_en", "name_ja", "short_name_en", "short_name_ja", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ["logo_preview"]
    inlines = [CampusInline]

    @admin.display(description=_("logo"))
    def logo_preview(self, obj):
        if obj.logo:
            return format_html('<img src="{}" alt="" style="max-height:48px">', obj.logo.url)
        return "—"


@admin.register(Campus)
class CampusAdmin(TabbedTranslationAdmin):
    list_display = ["name", "organization", "city", "prefecture"]
    list_filter = ["prefecture", "organization__is_lead"]
    search_fields = ["name_en", "name_ja", "city_en", "city_ja", "organization__name_en", "organization__name_ja"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]


@admin.register(Interest)
class InterestAdmin(TabbedTranslationAdmin):
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name_en", "name_ja", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["home_campus", "host_campus"]
    filter_horizontal = ["interests"]


def role_label(group: Group) -> str:
    """A role's name as people read it ("Company contact" / 「企業担当者」), not its key."""
    return str(Role(group.name).label) if group.name in Role.values else group.name


class RoleListFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(group.pk, role_label(group)) for group in Group.objects.order_by("name")]

    def queryset(self, request, queryset):
        return queryset.filter(groups__pk=self.value()).distinct() if self.value() else queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "organization", "language", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", RoleListFilter, "language"]
    list_select_related = ["organization"]
    search_fields = ["email", "display_name"]
    autocomplete_fields = ["organization"]
    inlines = [ProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("display_name", "organization", "language", "time_zone", "avatar")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")}),)

    # Who may use the admin and with which rights: superusers only. Read-only fields are left
    # out of the form, so a value posted for them is ignored. Staff give and take away the
    # roles without power (grantable_roles), never their own.
    privilege_fields = ["is_staff", "is_superuser", "user_permissions"]
    # Without the addresses, people are told apart by name and home university.
    private_search_fields = ["display_name", "organization__name_en", "organization__name_ja"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")

    def _may_manage_account(self, request, obj):
        """Changing someone's address or password hands over their account: the accounts of
        superusers and of holders of powerful roles (staff of another university deciding its
        credit recognition) are managed by superusers only; one's own account stays one's own."""
        if obj is None or request.user.is_superuser or obj.pk == request.user.pk:
            return True
        if not hasattr(obj, "_holds_power"):
            obj._holds_power = obj.is_superuser or obj.groups.filter(pk__in=powerful_roles().values("pk")).exists()
        return not obj._holds_power

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_manage_account(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_manage_account(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [field for field in self.privilege_fields if field not in fields]
            fields += ["groups"] if obj is not None and obj.pk == request.user.pk else []
        return fields

    def _grants_some_roles(self, request, obj):
        return (
            obj is not None
            and not request.user.is_superuser
            and obj.pk != request.user.pk
            and self.has_change_permission(request, obj)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = grantable_roles(request.user)
            field = super().formfield_for_manytomany(db_field, request, **kwargs)
            field.label_from_instance = role_label
            return field
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not self._grants_some_roles(request, obj) or "groups" not in form.base_fields:
            return form
        grantable = grantable_roles(request.user)

        class RolesForm(form):
            def clean_groups(self):
                # Roles the editor may not give or take away (a guest role made powerful by a
                # superuser since the page was opened) stay as they are.
                kept = self.instance.groups.exclude(pk__in=grantable.values("pk"))
                return Group.objects.filter(Q(pk__in=self.cleaned_data["groups"]) | Q(pk__in=kept.values("pk")))

        return RolesForm

    def save_related(self, request, form, formsets, change):
        from .services import assign_role

        before = set(form.instance.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        added = set(form.instance.groups.values_list("name", flat=True)) - before
        for role in added & {Role.STAFF, Role.FACULTY}:
            assign_role(user=form.instance, role=role)  # and into the admin, as everywhere else

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or sees_everything(request.user) or obj.pk == request.user.pk:
            return fieldsets
        hidden = {"email", "password"}
        fieldsets = [
            (name, {**options, "fields": [field for field in options["fields"] if field not in hidden]})
            for name, options in fieldsets
        ]
        return [(name, options) for name, options in fieldsets if options["fields"]]

    def get_list_display(self, request):
        if sees_everything(request.user):
            return self.list_display
        return [field for field in self.list_display if field != "email"]

    def get_search_fields(self, request):
        if sees_everything(request.user):
            return [*self.search_fields, "organization__name_en", "organization__name_ja"]
        return self.private_search_fields

    def get_ordering(self, request):
        # Rows in address order would give away where an address falls among the others.
        return super().get_ordering(request) if sees_everything(request.user) else ["display_name", "pk"]

    def lookup_allowed(self, lookup, value, request):
        # A changelist filter in the URL (?email__startswith=…) would be a search by address.
        if not sees_everything(request.user) and lookup.split("__")[0] == "email":
            return False
        return super().lookup_allowed(lookup, value, request)

    def autocomplete_text(self, user):
        """What a co-owner or member picker shows: the name and the home university."""
        if user.organization_id:
            return f"{user.display_name} — {user.organization}"
        return user.display_name


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(DjangoGroupAdmin):
    """Roles carry permissions (the staff role also decides credit recognition), so only
    superusers create, change or delete them; who holds a role is decided in the user admin,
    also by superusers only."""

    list_display = ["role", "name"]

    @admin.display(description=_("role"), ordering="name")
    def role(self, group):
        return role_label(group)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "status", "language", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "language"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Imports are made on the staff page (preview, then confirm); the admin lists them and links there."""

    list_display = ["name", "status", "created_count", "updated_count", "unchanged_count", "created_at", "open_page"]
    list_filter = ["status"]
    search_fields = ["name", "filename"]
    list_select_related = ["created_by"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields if f.name != "rows"]
    exclude = ["rows"]

    @admin.display(description=_("Staff page"))
    def open_page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Open"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- J-CC community ---------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "is_automatic", "joined_at"]
    readonly_fields = ["joined_at"]

    def has_view_permission(self, request, obj=None):
        # `obj` is the group: its member list is shown where the portal would show it.
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or groups_with_visible_content(request.user).filter(pk=obj.pk).exists())


@admin.register(CommunityGroup)
class CommunityGroupAdmin(TabbedTranslationAdmin):
    list_display = ["name", "category", "join_policy", "visibility", "is_automatic", "organization", "created_at"]
    list_filter = ["category", "extra_category", "join_policy", "visibility", "is_automatic", "language", "phase"]
    search_fields = ["name_en", "name_ja", "description_en", "description_ja", "slug"]
    list_select_related = ["organization"]
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = [
        "organization",
        "campus",
        "interest",
        "extra_category",
        "rule_home_organization",
        "rule_host_campus",
        "created_by",
    ]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "description",
                    "category",
                    "extra_category",
                    "cover",
                    "join_policy",
                    "visibility",
                )
            },
        ),
        (
            _("Finder and suggestions"),
            {"fields": ("language", "organization", "campus", "interest", "field_of_study", "year_of_study", "phase")},
        ),
        (
            _("Automatic membership"),
            {
                "fields": (
                    "is_automatic",
                    "rule_home_organization",
                    "rule_host_campus",
                    "rule_year_of_study",
                    "rule_phase",
                ),
                "description": _(
                    "Members whose profile matches every rule given are added, and removed when it stops matching."
                ),
            },
        ),
        (None, {"fields": ("created_by",)}),
    )
    inlines = [MembershipInline]
    actions = ["sync_now"]

    def get_queryset(self, request):
        # A secret group the user is not in answers like a group that does not exist.
        return super().get_queryset(request).visible_to(request.user)

    @admin.action(description=_("Synchronize automatic membership now"))
    def sync_now(self, request, queryset):
        from .services import sync_automatic_group

        for group in queryset.filter(is_automatic=True):
            sync_automatic_group(group=group)
        self.message_user(request, _("Automatic membership has been synchronized."))


@admin.register(GroupCategory)
class GroupCategoryAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name_en", "name_ja", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Membership)
class MembershipAdmin(AddressPrivacyMixin, GroupContentMixin, admin.ModelAdmin):
    list_display = ["user", "group", "role", "is_automatic", "joined_at"]
    list_filter = ["role", "is_automatic", "group__category"]
    search_fields = ["user__email", "user__display_name", "group__name_en", "group__name_ja"]
    list_select_related = ["user", "group"]
    autocomplete_fields = ["user", "group"]


@admin.register(JoinRequest)
class JoinRequestAdmin(AddressPrivacyMixin, GroupContentMixin, admin.ModelAdmin):
    list_display = ["user", "group", "kind", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["kind", "status"]
    search_fields = ["user__email", "user__display_name", "group__name_en", "group__name_ja", "message", "response"]
    list_select_related = ["user", "group", "decided_by"]
    autocomplete_fields = ["user", "group", "invited_by", "decided_by"]
    date_hierarchy = "created_at"


@admin.register(Post)
class PostAdmin(AddressPrivacyMixin, GroupContentMixin, admin.ModelAdmin):
    list_display = ["__str__", "group", "author", "is_hidden", "comment_count", "created_at"]
    list_filter = ["is_hidden", "group__category"]
    search_fields = ["body", "author__email", "author__display_name", "group__name_en", "group__name_ja"]
    list_select_related = ["group", "author"]
    autocomplete_fields = ["group", "author"]
    date_hierarchy = "created_at"


@admin.register(GroupFile)
class GroupFileAdmin(AddressPrivacyMixin, GroupContentMixin, admin.ModelAdmin):
    """Files are added only through a post, where their content is checked: here they can be
    looked up and deleted (with their post's moderation), not added or replaced."""

    list_display = ["original_name", "group", "uploaded_by", "content_type", "size", "created_at"]
    list_filter = ["content_type"]
    search_fields = [
        "original_name",
        "uploaded_by__email",
        "uploaded_by__display_name",
        "group__name_en",
        "group__name_ja",
    ]
    list_select_related = ["group", "uploaded_by"]
    readonly_fields = ["group", "post", "uploaded_by", "file", "original_name", "content_type", "size", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False


@admin.register(Comment)
class CommentAdmin(AddressPrivacyMixin, GroupContentMixin, admin.ModelAdmin):
    group_lookup = "post__group"

    list_display = ["__str__", "post", "author", "is_hidden", "created_at"]
    list_filter = ["is_hidden"]
    search_fields = ["body", "author__email", "author__display_name"]
    list_select_related = ["post", "author"]
    raw_id_fields = ["post"]
    autocomplete_fields = ["author"]


@admin.register(Report)
class ReportAdmin(AddressPrivacyMixin, admin.ModelAdmin):
    list_display = ["__str__", "reporter", "status", "created_at", "handled_by", "handled_at"]
    list_filter = ["status"]
    search_fields = ["reason", "reporter__email", "post__body", "comment__body", "message__body"]
    list_select_related = ["reporter", "handled_by"]
    raw_id_fields = ["post", "comment", "message"]
    readonly_fields = ["reporter", "post", "comment", "message", "reason", "handled_by", "handled_at"]
    actions = ["hide_content", "restore_content"]

    def get_queryset(self, request):
        # Reports quote posts of private groups and private messages: for the moderators only.
        queryset = super().get_queryset(request)
        return queryset if sees_everything(request.user) else queryset.none()

    def _moderate(self, request, queryset, *, hide):
        from .services import moderate_report

        for report in queryset:
            moderate_report(report=report, by=request.user, hide=hide)

    @admin.action(description=_("Hide the reported content"))
    def hide_content(self, request, queryset):
        self._moderate(request, queryset, hide=True)

    @admin.action(description=_("Restore the content and dismiss the report"))
    def restore_content(self, request, queryset):
        self._moderate(request, queryset, hide=False)


class EventFilter(admin.SimpleListFilter):
    """Filter audit entries by event, each named by its sentence rather than its dotted name."""

    title = _("what happened")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        from community import events

        names = model_admin.get_queryset(request).order_by().values_list("event", flat=True).distinct()
        return sorted(((name, events.sentence(name, group="…")) for name in names), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(event=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(AddressPrivacyMixin, GroupContentMixin, admin.ModelAdmin):
    list_display = ["created_at", "what_happened", "actor", "group"]
    list_filter = [EventFilter]
    search_fields = ["event", "target", "actor__email", "group__name_en"]
    list_select_related = ["actor", "group"]
    date_hierarchy = "created_at"
    readonly_fields = ["what_happened"]

    @admin.display(description=_("what happened"))
    def what_happened(self, event):
        return event.sentence()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(AddressPrivacyMixin, admin.ModelAdmin):
    list_display = ["recipient", "event", "text", "email", "created_at", "read_at"]
    list_filter = ["email", "event"]
    search_fields = ["recipient__email", "text", "event"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "actor", "group"]

    def get_queryset(self, request):
        # A notification quotes what happened in its recipient's groups, secret ones too.
        queryset = super().get_queryset(request)
        return queryset if sees_everything(request.user) else queryset.filter(recipient=request.user)


class RSVPInline(admin.TabularInline):
    """Answers are given on the portal, where the capacity and the waiting list are kept."""

    model = RSVP
    extra = 0
    fields = ["user", "answer", "waitlisted_at", "answered_at", "reminded_for"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(GroupContentMixin, admin.ModelAdmin):
    list_display = ["title", "group", "format", "starts_at", "ends_at", "capacity", "cancelled_at"]
    list_filter = ["format", ("cancelled_at", admin.EmptyFieldListFilter), "group__category"]
    search_fields = ["title", "description", "group__name_en", "group__name_ja", "room"]
    list_select_related = ["group"]
    autocomplete_fields = ["group", "campus", "created_by"]
    readonly_fields = ["sequence", "cancelled_at", "created_at", "updated_at"]
    date_hierarchy = "starts_at"
    inlines = [RSVPInline]
    actions = ["cancel_events"]

    @admin.action(description=_("Cancel the selected events and tell who answered"))
    def cancel_events(self, request, queryset):
        from . import services

        for event in queryset:
            services.cancel_event(event=event, by=request.user)
        self.message_user(request, _("The selected events have been cancelled."))


@admin.register(RSVP)
class RSVPAdmin(AddressPrivacyMixin, GroupContentMixin, admin.ModelAdmin):
    """A record to read: answers change on the portal, which keeps the waiting list in order."""

    group_lookup = "event__group"
    list_display = ["user", "event", "answer", "waitlisted_at", "answered_at"]
    list_filter = ["answer"]
    search_fields = ["user__email", "user__display_name", "event__title"]
    list_select_related = ["user", "event"]


# --- privacy: data archives and account deletions -------------------------------------------


class PrivacyRequestAdmin(AddressPrivacyMixin, admin.ModelAdmin):
    """Read-only: members make these requests themselves; staff see where they stand. The
    archive's contents are the member's alone and are not offered here."""

    search_fields = ["user__email", "user__display_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if sees_everything(request.user) else queryset.none()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    """Staff connect a university's sign-in (GakuNin / eduGAIN / its own IdP, or OpenID Connect)."""

    list_display = ["organization", "protocol", "slug", "entity_id_or_issuer", "is_active"]
    list_filter = ["protocol", "is_active"]
    search_fields = ["slug", "entity_id", "server_url", "organization__name_en", "organization__name_ja"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]
    readonly_fields = ["service_provider_addresses"]
    fieldsets = [
        (None, {"fields": ["organization", "protocol", "slug", "is_active", "serves_other_organizations"]}),
        (_("SAML 2.0"), {"fields": ["entity_id", "metadata_url", "metadata_xml"]}),
        (_("OpenID Connect"), {"fields": ["server_url", "client_id", "client_secret", "scopes"]}),
        (
            _("Attribute mapping"),
            {
                "fields": [
                    "uid_attribute",
                    "email_attribute",
                    "name_attribute",
                    "affiliation_attribute",
                    "home_organization_attribute",
                ],
                "description": _("Names separated by spaces; the first one the IdP sends is used."),
            },
        ),
        (_("For the IdP's administrators"), {"fields": ["service_provider_addresses"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "client_secret":
            kwargs["widget"] = forms.PasswordInput(render_value=True, attrs={"autocomplete": "off"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("entity ID or issuer"))
    def entity_id_or_issuer(self, obj):
        return obj.entity_id or obj.server_url

    @admin.display(description=_("service provider addresses"))
    def service_provider_addresses(self, obj):
        if obj is None or not obj.slug:
            return _("Shown once the identity provider is saved.")
        if obj.protocol == IdentityProvider.Protocol.SAML:
            rows = [
                (_("SP metadata (entity ID)"), reverse("saml_metadata", args=[obj.slug])),
                (_("Assertion consumer service"), reverse("saml_acs", args=[obj.slug])),
            ]
        else:
            rows = [(_("Redirect URI"), reverse("openid_connect_callback", kwargs={"provider_id": obj.slug}))]
        return format_html_join(
            "", "<p>{}: <code>{}{}</code></p>", ((label, settings.SITE_URL, path) for label, path in rows)
        )


@admin.register(DataExport)
class DataExportAdmin(PrivacyRequestAdmin):
    list_display = ["user", "status", "progress", "size", "created_at", "finished_at", "expires_at"]
    list_filter = ["status"]
    exclude = ["file"]


@admin.register(AccountDeletion)
class AccountDeletionAdmin(PrivacyRequestAdmin):
    list_display = ["user", "status", "keep_credentials", "requested_at", "erase_after", "erased_at"]
    list_filter = ["status", "keep_credentials"]
