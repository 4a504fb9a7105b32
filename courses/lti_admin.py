"""Staff register the LMSs that launch the portal (LTI 1.3) and see what went back to them."""

from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import LtiAccount, LtiDeployment, LtiPlatform, LtiResourceLink, LtiScore, LtiToolKey


class PortalStaffOnly:
    """Only portal staff (and superusers) see the LTI registrations: they decide which LMSs may sign people in."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_portal_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


class ReadOnly(PortalStaffOnly):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LtiDeploymentInline(PortalStaffOnly, admin.TabularInline):
    model = LtiDeployment
    extra = 1


@admin.register(LtiPlatform)
class LtiPlatformAdmin(PortalStaffOnly, admin.ModelAdmin):
    list_display = ["name", "issuer", "client_id", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "issuer", "client_id"]
    inlines = [LtiDeploymentInline]
    readonly_fields = ["tool_urls"]
    fieldsets = [
        (None, {"fields": ["name", "is_active"]}),
        (
            _("What the platform shows the portal"),
            {"fields": ["issuer", "client_id", "auth_login_url", "auth_token_url", "jwks_url"]},
        ),
        (_("What the platform’s administrator enters"), {"fields": ["tool_urls"]}),
    ]

    @admin.display(description=_("the portal’s URLs"))
    def tool_urls(self, obj=None):
        rows = [
            (_("Login initiation URL"), reverse("courses:lti_login")),
            (_("Redirect URI and target link URI"), reverse("courses:lti_launch")),
            (_("Deep Linking URL"), reverse("courses:lti_launch")),
            (_("Public keyset URL"), reverse("courses:lti_jwks")),
        ]
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "", "<dt>{}</dt><dd><code>{}</code></dd>", ((label, settings.SITE_URL + url) for label, url in rows)
            ),
        )


@admin.register(LtiResourceLink)
class LtiResourceLinkAdmin(PortalStaffOnly, admin.ModelAdmin):
    list_display = ["__str__", "deployment", "module", "group", "created_at"]
    list_select_related = ["deployment__platform", "module", "group"]
    search_fields = ["title", "resource_link_id"]
    readonly_fields = ["deployment", "resource_link_id", "lineitem_url", "created_at"]
    autocomplete_fields = ["module"]
    raw_id_fields = ["group"]

    def has_add_permission(self, request):
        return False


@admin.register(LtiAccount)
class LtiAccountAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["user", "platform", "subject", "created_at"]
    list_select_related = ["user", "platform"]
    search_fields = ["subject", "user__display_name"]


@admin.register(LtiScore)
class LtiScoreAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["enrolment", "score_given", "score_maximum", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status"]
    list_select_related = ["enrolment__module", "enrolment__learner"]


@admin.register(LtiToolKey)
class LtiToolKeyAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["kid", "created_at", "retired_at"]
    fields = ["kid", "created_at", "retired_at"]
