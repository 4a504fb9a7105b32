from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from .models import Campus, Interest, Organization, OutgoingEmail, Profile, User


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
