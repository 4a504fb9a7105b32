from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin

from community.admin import EventFilter

from . import services
from .models import (
    Application,
    ApplicationEvent,
    CompanyInvitation,
    Evaluation,
    EvaluationReminder,
    HostCompany,
    OutcomeSurvey,
    Posting,
    Programme,
    SavedSearch,
    Testimonial,
    WorkEligibility,
)


@admin.register(HostCompany)
class HostCompanyAdmin(admin.ModelAdmin):
    list_display = ["organization", "status", "industry", "size", "registered_by", "approved_by", "approved_at"]
    list_filter = ["status", "industry", "size", "organization__prefecture"]
    search_fields = ["organization__name_en", "organization__name_ja"]
    list_select_related = ["organization", "approved_by", "registered_by"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["approved_by", "approved_at", "registered_by", "decided_at"]
    actions = ["approve"]

    @admin.action(description=_("Approve the selected companies"), permissions=["change"])
    def approve(self, request, queryset):
        approved = 0
        for company in queryset.select_related("organization"):
            try:
                services.approve_host_company(company=company, by=request.user)
            except ValidationError as error:  # reported to the staff member, the others go on
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                approved += 1
        self.message_user(request, _("Approved: %(count)s.") % {"count": approved}, messages.SUCCESS)


@admin.register(Programme)
class ProgrammeAdmin(TabbedTranslationAdmin):
    list_display = ["name", "prefecture", "organizer"]
    list_filter = ["prefecture"]
    search_fields = ["name_en", "name_ja"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["organizer"]


@admin.register(Testimonial)
class TestimonialAdmin(admin.ModelAdmin):
    """Read-only: only the intern writes the text and gives or withdraws consent."""

    list_display = ["application", "consent", "consented_at", "updated_at"]
    list_filter = ["consent"]
    list_select_related = ["application__student", "application__posting"]
    fields = ["application", "text", "language", "consent", "consented_at", "created_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CompanyInvitation)
class CompanyInvitationAdmin(admin.ModelAdmin):
    """Read-only, and without the token: the link is for the invited person alone."""

    list_display = ["email", "company", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_select_related = ["company__organization", "invited_by"]
    search_fields = ["email", "company__organization__name_en", "company__organization__name_ja"]
    fields = ["company", "email", "language", "invited_by", "created_at", "expires_at", "accepted_at", "accepted_by"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Posting)
class PostingAdmin(TabbedTranslationAdmin):
    list_display = [
        "title",
        "company",
        "mode",
        "prefecture",
        "duration_months",
        "is_paid",
        "status",
        "application_deadline",
    ]
    list_filter = ["status", "mode", "prefecture", "is_paid", "field", "jlpt_level", "programme"]
    search_fields = ["title_en", "title_ja", "company__organization__name_en", "company__organization__name_ja"]
    list_select_related = ["company__organization"]
    autocomplete_fields = ["company", "programme"]
    readonly_fields = ["reviewed_by"]
    actions = ["publish"]

    @admin.action(description=_("Publish the selected postings"), permissions=["change"])
    def publish(self, request, queryset):
        for posting in queryset:
            try:
                services.publish_posting(posting=posting, by=request.user)
            except Exception as error:  # noqa: BLE001 - reported to the staff member, the others go on
                self.message_user(request, f"{posting}: {error}", messages.ERROR)


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "what_happened", "from_status", "to_status", "comment"]
    readonly_fields = fields

    @admin.display(description=_("what happened"))
    def what_happened(self, event):
        return event.sentence()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["student", "posting", "status", "submitted_at", "staff_approved_at"]
    list_filter = ["status", "posting__mode", "posting__prefecture", "posting__is_paid"]
    search_fields = ["student__display_name", "student__email", "posting__title_en", "posting__title_ja"]
    list_select_related = ["student", "posting"]
    date_hierarchy = "submitted_at"
    # The workflow changes status only through the state machine (the actions below, the portal pages).
    readonly_fields = [
        "posting",
        "student",
        "status",
        "cv_link",
        "submitted_at",
        "staff_approved_at",
        "starts_on",
        "midterm_due",
        "ends_on",
        "completed_at",
    ]
    fields = [*readonly_fields, "motivation"]
    inlines = [ApplicationEventInline]
    actions = ["approve"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("CV (PDF)"))
    def cv_link(self, obj):
        # CVs have no public URL: link to the portal's permission-checked download.
        if not obj.cv:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("internships:application_cv", args=[obj.pk]), _("Download"))

    @admin.action(description=_("Approve the selected applications"), permissions=["change"])
    def approve(self, request, queryset):
        approved, refused = services.bulk_approve_applications(applications=list(queryset), by=request.user)
        if approved:
            self.message_user(
                request,
                ngettext("%(count)s application approved.", "%(count)s applications approved.", len(approved))
                % {"count": len(approved)},
                messages.SUCCESS,
            )
        for application, error in refused:
            self.message_user(request, f"{application}: {error}", messages.ERROR)


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(admin.ModelAdmin):
    """The audit trail: readable by staff, changeable and deletable by nobody (not even superusers)."""

    list_display = ["created_at", "what_happened", "application", "actor", "from_status", "to_status"]
    list_filter = [EventFilter, "to_status"]
    search_fields = ["event", "comment", "application__student__display_name"]
    list_select_related = ["application__student", "application__posting", "actor"]
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


@admin.register(WorkEligibility)
class WorkEligibilityAdmin(admin.ModelAdmin):
    list_display = ["student", "residence_status", "permission", "permission_valid_until", "recorded_by"]
    list_filter = ["residence_status", "permission"]
    search_fields = ["student__display_name", "student__email", "permission_reference"]
    list_select_related = ["student", "recorded_by"]
    autocomplete_fields = ["student"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["application", "stage", "author_role", "rating", "submitted_at"]
    list_filter = ["stage", "author_role", "rating"]
    search_fields = ["application__student__display_name", "comments"]
    list_select_related = ["application__student", "application__posting"]
    readonly_fields = ["application", "stage", "author_role", "author", "submitted_at"]


@admin.register(EvaluationReminder)
class EvaluationReminderAdmin(admin.ModelAdmin):
    list_display = ["application", "stage", "recipient", "sent_at"]
    list_filter = ["stage"]
    list_select_related = ["application__student", "application__posting", "recipient"]
    search_fields = ["recipient__display_name"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutcomeSurvey)
class OutcomeSurveyAdmin(admin.ModelAdmin):
    list_display = ["application", "wave", "sent_at", "responded_at", "has_job_offer", "works_in_host_prefecture"]
    list_filter = ["wave", "has_job_offer", "works_in_host_prefecture"]
    list_select_related = ["application__student", "application__posting"]
    search_fields = ["application__student__display_name", "employer"]
    readonly_fields = ["application", "wave", "sent_at"]


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "created_at", "last_checked_at"]
    search_fields = ["name", "user__display_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "last_checked_at"]
