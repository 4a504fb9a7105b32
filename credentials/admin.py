from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from community.admin import AddressPrivacyMixin

from . import services
from .images import clean_badge_upload
from .models import (
    Achievement,
    Award,
    AwardEvent,
    BatchAward,
    EquivalenceClass,
    IssuerKey,
    RecognitionRequest,
    StatusList,
    issuing_organizations,
)


class BadgeUploadField(forms.FileField):
    widget = forms.ClearableFileInput(attrs={"accept": "image/png"})

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            return clean_badge_upload(value)
        return value


class AchievementAdminForm(forms.ModelForm):
    """`editor` is set by AchievementAdmin.get_form: the issuer must be an organization they act for."""

    editor = None

    class Meta:
        model = Achievement
        fields = ["image"]  # the admin adds the fields of its fieldsets
        field_classes = {"image": BadgeUploadField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        issuer = self.fields.get("issuer")
        if issuer is not None and self.editor is not None:
            issuer.queryset = issuing_organizations(self.editor)
            issuer.error_messages["invalid_choice"] = services.FOREIGN_ISSUER

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the submitted values
        checks = []
        if self.editor is not None and "issuer" in self.cleaned_data:
            checks.append(lambda: services.check_issuer(achievement=self.instance, by=self.editor))
        if self.instance.pk is not None and set(Achievement.LOCKED_AFTER_AWARD) & set(self.changed_data):
            checks.append(lambda: services.check_locked_fields(achievement=self.instance))
        for check in checks:
            try:
                check()
            except ValidationError as error:
                self.add_error(None, error)


@admin.register(Achievement)
class AchievementAdmin(TabbedTranslationAdmin):
    form = AchievementAdminForm
    list_display = ["name", "type", "issuer", "credit_value", "level", "workload_hours", "is_active", "badge"]
    list_filter = ["type", "is_active", "level", "language", "delivery_mode", "issuer"]
    search_fields = ["name_en", "name_ja", "slug", "issuer__name_en", "issuer__name_ja"]
    list_select_related = ["issuer"]
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ["issuer", "components", "equivalence_class"]  # issuer: superusers only
    readonly_fields = ["badge", "generated_image", "created_by", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("type", "slug", "name", "issuer", "is_active")}),
        (
            _("What it certifies"),
            {
                "fields": (
                    "description",
                    "criteria",
                    "learning_outcomes",
                    "assessment_method",
                    "supervision",
                    "prerequisites",
                )
            },
        ),
        (
            _("Size, level and quality"),
            {
                "fields": (
                    "workload_hours",
                    "credit_value",
                    "level",
                    "language",
                    "delivery_mode",
                    "field_of_study",
                    "quality_assurance",
                    "validity_months",
                )
            },
        ),
        (_("Image"), {"fields": ("image", "badge", "generated_image")}),
        (_("Pathway"), {"fields": ("rule", "required_count", "required_credits", "components")}),
        (_("Credit bank"), {"fields": ("equivalence_class",)}),
        (_("Record"), {"fields": ("created_by", "created_at", "updated_at")}),
    )

    actions = ["award_to_qualified"]

    @admin.action(description=_("Award the selected pathways to learners who already meet their rule"))
    def award_to_qualified(self, request, queryset):
        count = 0
        for pathway in queryset.pathways():
            count += services.award_pathway_to_qualified(pathway=pathway, by=request.user)
        self.message_user(request, _("%(count)s learners are being awarded.") % {"count": count}, messages.SUCCESS)

    @admin.display(description=_("badge"))
    def badge(self, obj):
        image = obj.badge_image
        if image:
            return format_html('<img src="{}" alt="" style="max-height:64px">', image.url)
        return "—"

    def get_queryset(self, request):
        return super().get_queryset(request).manageable_by(request.user)

    def get_autocomplete_fields(self, request):
        # The autocomplete would offer every organization; others choose among the few they act for.
        if request.user.is_superuser:
            return self.autocomplete_fields
        return [name for name in self.autocomplete_fields if name != "issuer"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.editor = request.user  # a fresh class per request (modelform_factory)
        return form

    def has_change_permission(self, request, obj=None):
        # Staff see every achievement but change only those of the university they act for.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.can_be_issued_by(request.user))

    def save_model(self, request, obj, form, change):
        if change and {"name_en", "name_ja", "issuer", "type", "language"} & set(form.changed_data):
            obj.generated_image = ""  # the default badge shows the name: make a new one
        # The form has checked the issuer and the locked fields; the service checks them again
        # under the row lock, so an award created meanwhile still stops the change.
        try:
            services.save_achievement(achievement=obj, by=request.user)
        except ValidationError as error:  # only when an award was created since the form was checked
            raise PermissionDenied(" ".join(error.messages)) from error


@admin.register(EquivalenceClass)
class EquivalenceClassAdmin(TabbedTranslationAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name_en", "name_ja"]


class RevokeActionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class AwardEventInline(admin.TabularInline):
    model = AwardEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "event", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Award)
class AwardAdmin(AddressPrivacyMixin, admin.ModelAdmin):
    list_display = ["achievement", "recipient", "issuer", "status", "credits_earned", "is_public", "created_at"]
    list_filter = ["status", "is_public", "achievement__type", "issuer"]
    search_fields = ["recipient__email", "recipient__display_name", "achievement__name_en", "achievement__name_ja"]
    list_select_related = ["achievement", "recipient", "issuer"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "public_id",
        "recipient",
        "achievement",
        "issuer",
        "status",
        "evidence",
        "credits_earned",
        "awarded_by",
        "is_public",
        "created_at",
        "issued_at",
        "valid_until",
        "revoked_at",
        "revoked_by",
        "revocation_reason",
        "completion_attempts",
        "signed_at",
        "public_page",
    ]
    exclude = ["image", "snapshot", "signed_credential", "signing_key", "status_list", "status_index"]
    inlines = [AwardEventInline]
    actions = ["revoke_selected"]

    @admin.display(description=_("public page"))
    def public_page(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.public_id)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.filter(achievement__in=Achievement.objects.manageable_by(request.user))

    def has_add_permission(self, request):
        return False  # awards are made through the awarding page, which runs the checks

    change_list_template = "credentials/admin_award_change_list.html"

    @admin.action(description=_("Revoke the selected awards (asks for a reason)"), permissions=["change"])
    def revoke_selected(self, request, queryset):
        form = RevokeActionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            count = 0
            errors = []
            for award in queryset.select_related("achievement"):
                if award.is_revoked:
                    continue
                try:
                    services.revoke_award(award=award, revoked_by=request.user, reason=form.cleaned_data["reason"])
                except PermissionDenied:
                    continue
                except ValidationError as error:  # e.g. the issuer key cannot be unlocked: this one is untouched
                    errors.extend(message for message in error.messages if message not in errors)
                    continue
                count += 1
            if not errors:
                self.message_user(request, _("%(count)s awards revoked.") % {"count": count}, messages.SUCCESS)
                return None
            # Back to the revoke page, reason kept: it shows which awards were revoked and which were not.
            if count:
                self.message_user(request, _("%(count)s awards revoked.") % {"count": count}, messages.SUCCESS)
            for message in errors:
                self.message_user(request, message, messages.ERROR)
        return TemplateResponse(
            request,
            "credentials/admin_revoke.html",
            {**self.admin_site.each_context(request), "awards": queryset, "form": form, "opts": self.model._meta},
        )


@admin.register(BatchAward)
class BatchAwardAdmin(AddressPrivacyMixin, admin.ModelAdmin):
    list_display = ["achievement", "created_by", "status", "total", "processed", "succeeded", "created_at"]
    list_filter = ["status"]
    search_fields = ["achievement__name_en", "created_by__email"]
    list_select_related = ["achievement", "created_by"]
    readonly_fields = [f.name for f in BatchAward._meta.fields if f.name != "rows"]
    exclude = ["rows"]

    def has_add_permission(self, request):
        return False


@admin.register(RecognitionRequest)
class RecognitionRequestAdmin(AddressPrivacyMixin, admin.ModelAdmin):
    list_display = ["learner", "university", "credits_requested", "status", "decided_by", "created_at"]
    list_filter = ["status", "university"]
    search_fields = ["learner__email", "learner__display_name", "university__name_en"]
    list_select_related = ["learner", "university", "decided_by"]
    readonly_fields = ["learner", "university", "awards", "credits_requested", "message", "created_at"]


@admin.register(IssuerKey)
class IssuerKeyAdmin(admin.ModelAdmin):
    """Public parts only: the encrypted private key is neither listed, shown nor editable.
    Keys are created and rotated with `manage.py issuer_keys`, never here."""

    list_display = ["key_id", "organization", "did", "created_at", "retired_at"]
    list_filter = [("retired_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["key_id", "did", "organization__name_en", "organization__name_ja"]
    list_select_related = ["organization"]
    fields = ["key_id", "organization", "did", "public_key_multibase", "created_at", "retired_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # credentials it signed keep pointing at it (status lists)


@admin.register(StatusList)
class StatusListAdmin(admin.ModelAdmin):
    list_display = ["public_id", "issuer_key", "length", "created_at", "updated_at"]
    search_fields = ["public_id", "issuer_key__key_id", "issuer_key__did"]
    list_select_related = ["issuer_key"]
    fields = ["public_id", "issuer_key", "length", "created_at", "updated_at", "public_url"]
    readonly_fields = fields

    @admin.display(description=_("public URL"))
    def public_url(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_public_url())

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
