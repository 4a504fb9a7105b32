from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from .models import (
    AuditEvent,
    Campus,
    Comment,
    CommunityGroup,
    GroupCategory,
    Interest,
    JoinRequest,
    Membership,
    Notification,
    Organization,
    OutgoingEmail,
    Post,
    Profile,
    Report,
    User,
)


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


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "organization", "language", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "language"]
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


# --- J-CC community ---------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "is_automatic", "joined_at"]
    readonly_fields = ["joined_at"]


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
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "role", "is_automatic", "joined_at"]
    list_filter = ["role", "is_automatic", "group__category"]
    search_fields = ["user__email", "user__display_name", "group__name_en", "group__name_ja"]
    list_select_related = ["user", "group"]
    autocomplete_fields = ["user", "group"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "kind", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["kind", "status"]
    search_fields = ["user__email", "user__display_name", "group__name_en", "group__name_ja", "message", "response"]
    list_select_related = ["user", "group", "decided_by"]
    autocomplete_fields = ["user", "group", "invited_by", "decided_by"]
    date_hierarchy = "created_at"


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["__str__", "group", "author", "is_hidden", "comment_count", "created_at"]
    list_filter = ["is_hidden", "group__category"]
    search_fields = ["body", "author__email", "author__display_name", "group__name_en", "group__name_ja"]
    list_select_related = ["group", "author"]
    autocomplete_fields = ["group", "author"]
    date_hierarchy = "created_at"


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "post", "author", "is_hidden", "created_at"]
    list_filter = ["is_hidden"]
    search_fields = ["body", "author__email", "author__display_name"]
    list_select_related = ["post", "author"]
    raw_id_fields = ["post"]
    autocomplete_fields = ["author"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reporter", "status", "created_at", "handled_by", "handled_at"]
    list_filter = ["status"]
    search_fields = ["reason", "reporter__email", "post__body", "comment__body", "message__body"]
    list_select_related = ["reporter", "handled_by"]
    raw_id_fields = ["post", "comment", "message"]
    readonly_fields = ["reporter", "post", "comment", "message", "reason", "handled_by", "handled_at"]
    actions = ["hide_content", "restore_content"]

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


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "actor", "group", "target"]
    list_filter = ["event"]
    search_fields = ["event", "target", "actor__email", "group__name_en"]
    list_select_related = ["actor", "group"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "event", "text", "email", "created_at", "read_at"]
    list_filter = ["email", "event"]
    search_fields = ["recipient__email", "text", "event"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "actor", "group"]
