"""Faculty build their modules here; they see and change only modules they co-own."""

from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from community.admin import PortalAutocompleteJsonView
from community.images import ImageUploadField
from community.models import Organization

from . import services
from .forms import (
    BilingualRowForm,
    BilingualRowFormSet,
    ModuleAdminForm,
    UniversityChoiceField,
    UniversityMultipleChoiceField,
    content_refusals,
)
from .models import (
    FOREIGN_CREDENTIAL,
    AuditEntry,
    CohortEnrolment,
    Enrolment,
    InvalidTransition,
    LearningOutcome,
    Module,
    ModuleApproval,
    ModuleOwner,
    Programme,
    ProgrammeApplication,
    Session,
)


class NarrowingAutocompleteJsonView(PortalAutocompleteJsonView):
    """The admin of the model whose field is filled may narrow the choices further with
    `autocomplete_choices(request, field, queryset)`: the organization admin cannot know that a
    module's partners are universities, and `limit_choices_to` would need a migration."""

    def get_queryset(self):
        queryset = super().get_queryset()
        try:
            source_admin = self.admin_site.get_model_admin(self.source_field.model)
        except NotRegistered:
            return queryset
        narrow = getattr(source_admin, "autocomplete_choices", None)
        return queryset if narrow is None else narrow(self.request, self.source_field, queryset)


def autocomplete_view(request):
    return NarrowingAutocompleteJsonView.as_view(admin_site=admin.site)(request)


# community.admin (imported above, so already run) installs the view this one extends.
admin.site.autocomplete_view = autocomplete_view


# Both languages of a row side by side: behind tabs, the language not shown was saved blank.
class SessionInline(admin.TabularInline):
    model = Session
    form = BilingualRowForm
    formset = BilingualRowFormSet
    extra = 0
    fields = ["weekday", "starts_at", "duration_minutes", "label_en", "label_ja"]


class LearningOutcomeInline(admin.TabularInline):
    model = LearningOutcome
    form = BilingualRowForm
    formset = BilingualRowFormSet
    extra = 0
    fields = ["position", "text_en", "text_ja"]


class ModuleOwnerFormSet(BaseInlineFormSet):
    """The co-owners as submitted must include one from the university that issues the module's
    credential (the module form's choice, already on `self.instance`)."""

    editor = None  # set by ModuleOwnerInline.get_formset

    def clean(self):
        super().clean()
        achievement = self.instance.achievement
        if achievement is None or any(self.errors):
            return
        users = [
            form.cleaned_data["user"]
            for form in self.forms
            if form.cleaned_data.get("user") and not form.cleaned_data.get("DELETE")
        ]
        if self.instance.pk is None and self.editor is not None and self.editor.has_role("faculty"):
            users.append(self.editor)  # who creates a module co-owns it (ModuleAdmin.save_related)
        universities = {
            user.organization_id
            for user in users
            if user.organization_id and user.organization.kind == Organization.Kind.UNIVERSITY
        }
        if achievement.issuer_id not in universities:
            raise ValidationError(FOREIGN_CREDENTIAL % {"issuer": achievement.issuer}, code="foreign_credential")


class ModuleOwnerInline(admin.TabularInline):
    model = ModuleOwner
    formset = ModuleOwnerFormSet
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "added_at"]
    readonly_fields = ["added_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            from community.models import User

            kwargs["queryset"] = (
                User.objects.filter(groups__name="faculty", is_active=True).select_related("organization").distinct()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.editor = request.user  # a fresh class per request (inlineformset_factory)
        return formset

    # Inline rows of a module follow the module's own permission (faculty edit what they co-own).
    def has_add_permission(self, request, obj=None):
        return obj is None or obj.can_be_edited_by(request.user)

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.can_be_edited_by(request.user)

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.can_be_edited_by(request.user)


class ApprovalInline(admin.TabularInline):
    """Who has approved publishing (read-only: approvals are given with the admin action)."""

    model = ModuleApproval
    extra = 0
    fields = ["owner", "requested_at", "approved_at", "achievement"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("publishing approvals")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    fields = ["learner", "status", "attendance_percent", "grade", "completed_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return obj is None or obj.can_be_edited_by(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("learner")


class OwnedModuleMixin:
    """Object-level rules: staff see everything, faculty only modules they co-own.

    `get_object` looks in every module on purpose: a module typed into the URL that the user
    does not co-own then fails the permission check (403) instead of pretending not to exist.
    """

    def get_object(self, request, object_id, from_field=None):
        model = self.model
        field = model._meta.pk if from_field is None else model._meta.get_field(from_field)
        try:
            return model._default_manager.get(**{field.name: field.to_python(object_id)})
        except (model.DoesNotExist, ValidationError, ValueError):
            return None

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or obj.can_be_edited_by(request.user))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.can_be_edited_by(request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None:
            return allowed
        return (
            allowed
            and obj.can_be_edited_by(request.user)
            and (request.user.is_portal_staff or obj.status == Module.Status.DRAFT)
        )


@admin.register(Module)
class ModuleAdmin(OwnedModuleMixin, TabbedTranslationAdmin):
    form = ModuleAdminForm
    list_display = ["title", "lead_university", "status", "term", "starts_on", "seats", "approval_summary"]
    list_filter = ["status", "level", "modality", "term", "discipline", "language"]
    list_select_related = ["lead_university"]
    search_fields = ["title_en", "title_ja", "slug", "summary_en", "summary_ja"]
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ["lead_university", "partner_universities"]
    readonly_fields = ["status", "cover_preview", "approval_list", "results_link", "group", "alumni_group"]
    inlines = [ModuleOwnerInline, SessionInline, LearningOutcomeInline, ApprovalInline, EnrolmentInline]
    actions = ["submit_for_review", "approve_for_publishing", "return_to_draft", "archive"]
    date_hierarchy = "starts_on"
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "description", "prerequisites", "cover", "cover_preview"]}),
        (_("Who teaches"), {"fields": ["lead_university", "partner_universities"]}),
        (
            _("Audience and format"),
            {"fields": ["level", "discipline", "language", "modality", "workload_hours", "credit_value"]},
        ),
        (
            _("Dates and seats"),
            {
                "fields": [
                    "term",
                    "starts_on",
                    "ends_on",
                    "time_zone",
                    "seats",
                    "enrolment_opens_at",
                    "enrolment_closes_at",
                ]
            },
        ),
        (_("Completion"), {"fields": ["min_attendance_percent", "min_grade", "achievement", "results_link"]}),
        (_("Publishing"), {"fields": ["status", "approval_list", "group", "alumni_group"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user).prefetch_related("approvals")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "cover":
            kwargs.pop("widget", None)
            return ImageUploadField(label=db_field.verbose_name, required=False, max_side=1600)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead_university":
            kwargs["queryset"] = Organization.objects.universities()
            kwargs["form_class"] = UniversityChoiceField
        if db_field.name == "achievement":
            from credentials.models import Achievement

            kwargs["queryset"] = Achievement.objects.filter(type=Achievement.Type.COURSE_MODULE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "partner_universities":
            kwargs["queryset"] = Organization.objects.universities()
            kwargs["form_class"] = UniversityMultipleChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def autocomplete_choices(self, request, field, queryset):
        """Only universities lead or co-teach a module (see NarrowingAutocompleteJsonView)."""
        if field.name in {"lead_university", "partner_universities"}:
            return queryset.filter(kind=Organization.Kind.UNIVERSITY)
        return queryset

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The faculty member who creates a module co-owns it, or they could not open it again.
        if not change and request.user.has_role("faculty"):
            services.add_co_owner(module=form.instance, user=request.user)
        if change and (form.has_changed() or any(formset.has_changed() for formset in formsets)):
            services.note_module_edited(module=form.instance, by=request.user)
        if change and "seats" in form.changed_data:
            services.fill_free_seats(module=form.instance)

    @admin.display(description=_("cover preview"))
    def cover_preview(self, obj):
        if obj and obj.cover:
            return format_html('<img src="{}" alt="" style="max-height:160px;border-radius:6px">', obj.cover.url)
        return "—"

    @admin.display(description=_("approvals"))
    def approval_summary(self, obj):
        approvals = list(obj.approvals.all())
        if obj.status != Module.Status.IN_REVIEW or not approvals:
            return "—"
        done = sum(1 for a in approvals if a.approved_at)
        return f"{done}/{len(approvals)}"

    @admin.display(description=_("who has approved"))
    def approval_list(self, obj):
        approvals = list(obj.approvals.select_related("owner")) if obj and obj.pk else []
        if not approvals:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} — {}</li>",
                ((a.owner, _("approved") if a.approved_at else _("waiting")) for a in approvals),
            ),
        )

    @admin.display(description=_("attendance and grades"))
    def results_link(self, obj):
        if obj and obj.pk:
            return format_html(
                '<a href="{}">{}</a>', reverse("courses:results", args=[obj.slug]), _("Record results for the class")
            )
        return "—"

    def _run(self, request, queryset, service, done_message, *, complete=False):
        done = 0
        for module in queryset:
            refusals = content_refusals(module) if complete else []
            for refusal in refusals:
                self.message_user(request, f"{module}: {refusal}", messages.ERROR)
            if refusals:
                continue
            try:
                service(module=module, by=request.user)
                done += 1
            except InvalidTransition as exc:
                self.message_user(request, f"{module}: {exc}", messages.ERROR)
            except PermissionDenied:
                self.message_user(request, f"{module}: {_('You may not do this.')}", messages.ERROR)
        if done:
            self.message_user(request, done_message, messages.SUCCESS)

    @admin.action(description=_("Submit for review by every co-owner"))
    def submit_for_review(self, request, queryset):
        self._run(request, queryset, services.submit_module_for_review, _("Submitted for review."), complete=True)

    @admin.action(description=_("Approve for publishing (as co-owner)"))
    def approve_for_publishing(self, request, queryset):
        self._run(request, queryset, services.approve_module, _("Your approval has been recorded."), complete=True)

    @admin.action(description=_("Return to draft"))
    def return_to_draft(self, request, queryset):
        self._run(request, queryset, services.return_module_to_draft, _("Returned to draft."))

    @admin.action(description=_("Archive"))
    def archive(self, request, queryset):
        self._run(request, queryset, services.archive_module, _("Archived."))


class ProgrammeApplicationInline(admin.TabularInline):
    model = ProgrammeApplication
    extra = 0
    fields = ["applicant", "status", "needs_housing", "needs_visa_letter", "created_at", "decided_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("applicant", "decided_by")


@admin.register(Programme)
class ProgrammeAdmin(TabbedTranslationAdmin):
    list_display = ["title", "host_campus", "stay_starts_on", "application_deadline", "seats", "status"]
    list_filter = ["status", "housing_support", "visa_letter"]
    list_select_related = ["host_campus__organization"]
    search_fields = ["title_en", "title_ja", "slug"]
    prepopulated_fields = {"slug": ("title_en",)}
    autocomplete_fields = ["host_campus", "modules"]
    inlines = [ProgrammeApplicationInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Uploaded covers are decoded and re-encoded like every other image (community/images.py).
        if db_field.name == "cover":
            kwargs.pop("widget", None)
            return ImageUploadField(label=db_field.verbose_name, required=False, max_side=1600)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(ProgrammeApplication)
class ProgrammeApplicationAdmin(admin.ModelAdmin):
    list_display = ["applicant", "programme", "status", "needs_housing", "needs_visa_letter", "created_at"]
    list_filter = ["status", "programme", "needs_housing", "needs_visa_letter"]
    list_select_related = ["applicant", "programme"]
    search_fields = ["applicant__email", "applicant__display_name", "programme__title_en", "programme__title_ja"]
    readonly_fields = ["programme", "applicant", "motivation", "status", "decided_by", "decided_at", "created_at"]
    actions = ["accept", "waitlist"]

    def has_add_permission(self, request):
        return False

    def _decide(self, request, queryset, status):
        for application in queryset:
            try:
                services.decide_application(application=application, status=status, by=request.user)
            except (InvalidTransition, PermissionDenied) as exc:
                self.message_user(request, f"{application}: {exc or _('You may not do this.')}", messages.ERROR)

    @admin.action(description=_("Accept"))
    def accept(self, request, queryset):
        self._decide(request, queryset, ProgrammeApplication.Status.ACCEPTED)

    @admin.action(description=_("Put on the waiting list"))
    def waitlist(self, request, queryset):
        self._decide(request, queryset, ProgrammeApplication.Status.WAITLISTED)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "actor", "module", "programme", "subject"]
    list_filter = ["event"]
    list_select_related = ["actor", "module", "programme", "subject"]
    search_fields = ["event", "module__title_en", "subject__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from . import lti_admin  # noqa: E402, F401 - registers the LTI models


@admin.register(CohortEnrolment)
class CohortEnrolmentAdmin(admin.ModelAdmin):
    """Started on the staff page (preview, then confirm); the admin lists them and links there."""

    list_display = ["cohort", "module", "programme", "status", "total", "created_at", "open_page"]
    list_filter = ["status"]
    list_select_related = ["cohort", "module", "programme"]

    @admin.display(description=_("Staff page"))
    def open_page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Open"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
