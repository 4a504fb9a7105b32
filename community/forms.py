from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .images import ImageUploadField
from .models import (
    Campus,
    CommunityGroup,
    EmailMode,
    GroupCategory,
    Interest,
    NotificationLevel,
    NotificationSettings,
    Organization,
    Phase,
    Profile,
    User,
)
from .widgets import ListSelect, choices_from


class SignupForm(forms.Form):
    """Extra fields for django-allauth's sign-up form."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("How other members see you, for example “Aiko T.”"),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "organization", "language", "time_zone", "avatar"]
        field_classes = {"avatar": ImageUploadField}
        help_texts = {"avatar": _("PNG, JPEG, WebP or GIF, at most 5 MB. Location data in photos is removed.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A company waiting for staff review is inactive, yet its contact's own: keep it choosable.
        current = Q(pk=self.instance.organization_id) if self.instance.organization_id else Q(pk__in=[])
        self.fields["organization"].queryset = Organization.objects.filter(Q(is_active=True) | current)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = [
            "country",
            "home_campus",
            "year_of_study",
            "field_of_study",
            "specialization",
            "interests",
            "bio",
            "arrival_date",
            "departure_date",
            "host_campus",
        ]
        widgets = {
            "arrival_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "departure_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "interests": forms.CheckboxSelectMultiple,
            "bio": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        campuses = Campus.objects.select_related("organization")
        self.fields["home_campus"].queryset = campuses
        self.fields["host_campus"].queryset = campuses.filter(organization__is_lead=True)
        self.fields["interests"].queryset = Interest.objects.all()


# --- J-CC community ---------------------------------------------------------------------


EMPTY_TEXT = {"required": _("Write something first.")}


class TextInputMixin:
    """Empty, oversize and whitespace-only text gets one clear, translated error."""

    def clean_body(self):
        from .services import check_text

        return check_text(self.cleaned_data.get("body", ""))


class GroupForm(forms.ModelForm):
    class Meta:
        model = CommunityGroup
        fields = [
            "name_en",
            "name_ja",
            "description_en",
            "description_ja",
            "category",
            "extra_category",
            "join_policy",
            "visibility",
            "language",
            "organization",
            "campus",
            "interest",
            "phase",
            "cover",
        ]
        field_classes = {"cover": ImageUploadField}
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "description_ja": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "name_en": _("Name (English)"),
            "name_ja": _("Name (Japanese)"),
            "description_en": _("Description (English)"),
            "description_ja": _("Description (Japanese)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_en"].required = True
        # A company waiting for staff review is inactive, yet its contact's own: keep it choosable.
        current = Q(pk=self.instance.organization_id) if self.instance.organization_id else Q(pk__in=[])
        self.fields["organization"].queryset = Organization.objects.filter(Q(is_active=True) | current)
        self.fields["campus"].queryset = Campus.objects.select_related("organization")


class FinderForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False, widget=ListSelect)
    organization = forms.ModelChoiceField(
        label=_("University or organization"),
        required=False,
        queryset=Organization.objects.filter(is_active=True),
        empty_label=_("All"),
        widget=ListSelect,
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any")), ("en", _("English")), ("ja", _("Japanese"))],
        widget=ListSelect,
    )
    phase = forms.ChoiceField(
        label=_("Stay in Japan"),
        required=False,
        choices=[("", _("Any time")), ("mine", _("My phase")), *Phase.choices],
        widget=ListSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built-in categories, then those staff added ("extra-<slug>").
        self.fields["category"].choices = [
            ("", _("All categories")),
            *CommunityGroup.Category.choices,
            *[(f"extra-{category.slug}", category.name) for category in GroupCategory.objects.all()],
        ]
        organization = self.fields["organization"]
        organization.widget.choices = choices_from(organization.queryset, "name", organization.empty_label)


class PostForm(TextInputMixin, forms.Form):
    body = forms.CharField(
        label=_("Write a post"),
        error_messages=EMPTY_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Markdown formatting: **bold**, *italic*, [links](https://…), lists. "
            "Mention a member with @ and their display name."
        ),
    )
    image = ImageUploadField(label=_("Image (optional)"), required=False)


class PostEditForm(TextInputMixin, forms.Form):
    body = forms.CharField(label=_("Text"), error_messages=EMPTY_TEXT, widget=forms.Textarea(attrs={"rows": 6}))


class CommentForm(TextInputMixin, forms.Form):
    body = forms.CharField(label=_("Your comment"), error_messages=EMPTY_TEXT, widget=forms.Textarea(attrs={"rows": 2}))


class MessageForm(TextInputMixin, forms.Form):
    body = forms.CharField(label=_("Message"), error_messages=EMPTY_TEXT, widget=forms.Textarea(attrs={"rows": 2}))


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the group admins (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    response = forms.CharField(
        label=_("Message to the member (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the member to invite"))

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No member has this e-mail address."))
        self.cleaned_data["user"] = user
        return email


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["level", "email_mode"]
        widgets = {"level": forms.RadioSelect, "email_mode": forms.RadioSelect}


class GroupNotificationForm(forms.Form):
    notification_level = forms.ChoiceField(
        label=_("Notifications from this group"),
        required=False,
        choices=[("", _("As in my settings")), *NotificationLevel.choices],
    )
    email_mode = forms.ChoiceField(
        label=_("E-mail for this group"), required=False, choices=[("", _("As in my settings")), *EmailMode.choices]
    )
