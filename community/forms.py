from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .attachments import AttachmentField, MultipleAttachmentField
from .images import ImageUploadField
from .models import (
    RSVP,
    Campus,
    CommunityGroup,
    EmailMode,
    Event,
    GroupCategory,
    Interest,
    MessageAttachment,
    NotificationLevel,
    NotificationSettings,
    Organization,
    Phase,
    Profile,
    User,
)
from .widgets import ListSelect, choices_from, portal_choices


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
            "other_script_name",
            "name_reading",
            "country",
            "home_campus",
            "year_of_study",
            "field_of_study",
            "specialization",
            "programme",
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


class MemberImportForm(forms.Form):
    name = forms.CharField(
        label=_("Cohort name"),
        max_length=120,
        help_text=_("For example “University of Melbourne, spring 2027”. Staff see it in the list of imports."),
    )
    file = forms.FileField(
        label=_("List of members"),
        help_text=_(
            "A CSV file (UTF-8 or Shift_JIS) or an Excel workbook (.xlsx) of at most 5 MB, with the columns "
            "name, email, home_university, programme, arrival, departure and language (en or ja)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


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


def _extra_categories():
    return [(f"extra-{category.slug}", category.name) for category in GroupCategory.objects.all()]


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
            *portal_choices("community.finder.categories", _extra_categories),
        ]
        organization = self.fields["organization"]
        organization.widget.choices = portal_choices(
            "community.finder.organizations",
            lambda: choices_from(organization.queryset, "name", organization.empty_label),
        )


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
    attachment = AttachmentField(
        label=_("File (optional)"),
        required=False,
        help_text=_(
            "A PDF, an image or a Word, Excel or PowerPoint document, up to %(limit)s MB. Only members can open it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = self.fields["attachment"].help_text % {
            "limit": settings.GROUP_FILE_MAX_MB
        }


class PostEditForm(TextInputMixin, forms.Form):
    body = forms.CharField(label=_("Text"), error_messages=EMPTY_TEXT, widget=forms.Textarea(attrs={"rows": 6}))


class CommentForm(TextInputMixin, forms.Form):
    body = forms.CharField(label=_("Your comment"), error_messages=EMPTY_TEXT, widget=forms.Textarea(attrs={"rows": 2}))


class MessageForm(TextInputMixin, forms.Form):
    body = forms.CharField(label=_("Message"), error_messages=EMPTY_TEXT, widget=forms.Textarea(attrs={"rows": 2}))


class ConversationMessageForm(forms.Form):
    """The composer of a conversation: text, files, or both."""

    body = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleAttachmentField(
        label=_("Files (optional)"),
        max_files=MessageAttachment.MAX_PER_MESSAGE,
        help_text=_(
            "Up to %(count)s files: PDFs, images or Word, Excel or PowerPoint documents, up to %(limit)s MB "
            "each. Only the conversation's members can open them."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = self.fields["files"].help_text % {
            "count": MessageAttachment.MAX_PER_MESSAGE,
            "limit": settings.GROUP_FILE_MAX_MB,
        }

    def clean(self):
        from .services import check_text

        cleaned = super().clean()
        # A file alone is a message; without one (or a refused one), the text is required.
        if (cleaned.get("body") or "").strip() or not (cleaned.get("files") or "files" in self.errors):
            try:
                cleaned["body"] = check_text(cleaned.get("body", ""))
            except forms.ValidationError as error:
                self.add_error("body", error)
        return cleaned


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


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as on the organisers' clock: naive here, placed in the event's own time
    zone by EventForm (not in the time zone of whoever fills in the form)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
        super().__init__(**kwargs)

    def to_python(self, value):
        from datetime import UTC

        from django.utils import timezone

        with timezone.override(UTC):  # parsed as UTC, so no zone's clock change can refuse it here
            parsed = super().to_python(value)
        return parsed.replace(tzinfo=None) if parsed else parsed


class EventForm(forms.ModelForm):
    starts_at = WallClockDateTimeField(label=_("Starts"))
    ends_at = WallClockDateTimeField(label=_("Ends"))

    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "format",
            "starts_at",
            "ends_at",
            "time_zone",
            "online_url",
            "campus",
            "room",
            "capacity",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"time_zone": _("The start and end above are times in this zone.")}

    def __init__(self, *args, **kwargs):
        import zoneinfo

        super().__init__(*args, **kwargs)
        self.fields["campus"].queryset = Campus.objects.select_related("organization")
        self.fields["capacity"].widget.attrs["min"] = 1
        if self.instance.pk and not self.is_bound:
            zone = zoneinfo.ZoneInfo(self.instance.time_zone)
            for name in ("starts_at", "ends_at"):
                self.initial[name] = getattr(self.instance, name).astimezone(zone).replace(tzinfo=None)

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and capacity < 1:
            raise forms.ValidationError(_("Give at least one place, or leave it empty for no limit."))
        return capacity

    def clean(self):
        import zoneinfo
        from datetime import UTC

        cleaned = super().clean()
        zone_name = cleaned.get("time_zone")
        if not zone_name:
            return cleaned
        zone = zoneinfo.ZoneInfo(zone_name)
        for name in ("starts_at", "ends_at"):
            wall = cleaned.get(name)
            if wall is None or wall.tzinfo is not None:
                continue
            moment = wall.replace(tzinfo=zone)
            # A time skipped when the clocks go forward does not exist in that zone.
            if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
                self.add_error(name, _("This time does not exist in the chosen time zone (the clocks change then)."))
                cleaned.pop(name, None)
                continue
            cleaned[name] = moment
        return cleaned

    def _post_clean(self):
        # The model's own checks (end after start, a link or a campus) read the zoned times.
        for name in ("starts_at", "ends_at"):
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])
        super()._post_clean()


class RSVPForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[
            (RSVP.Answer.GOING, RSVP.Answer.GOING.label),
            (RSVP.Answer.MAYBE, RSVP.Answer.MAYBE.label),
            (RSVP.Answer.NO, RSVP.Answer.NO.label),
        ]
    )


# --- search and the member directory ------------------------------------------------------


def clean_search_query(value: str) -> str:
    """Strip a query; one with fewer than two letters or characters gets a clear error."""
    from .search import query_length
    from .sitesearch import MIN_QUERY_LENGTH

    value = " ".join(value.split())
    if value and query_length(value) < MIN_QUERY_LENGTH:
        raise forms.ValidationError(
            _("Type at least %(count)d letters or characters, e.g. “AI” or “東京”."),
            params={"count": MIN_QUERY_LENGTH},
            code="too_short",
        )
    return value


class SiteSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the portal"), required=False, max_length=100)
    # One kind of results only (sitesearch.Provider.kind); an unknown kind shows them all.
    kind = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)

    def clean_q(self):
        return clean_search_query(self.cleaned_data["q"])


class PrivacyForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["share_profile", "show_organization", "show_campus", "show_field", "show_stay"]


class DirectoryForm(forms.Form):
    """Filters of the member directory; each applies only to members who show that part."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    organization = forms.ModelChoiceField(
        label=_("University or organization"),
        required=False,
        queryset=Organization.objects.filter(is_active=True),
        empty_label=_("All"),
        widget=ListSelect,
    )
    campus = forms.ModelChoiceField(
        label=_("Campus"),
        required=False,
        queryset=Campus.objects.filter(organization__is_active=True),
        empty_label=_("All"),
        widget=ListSelect,
    )
    field = forms.ChoiceField(label=_("Field of specialization"), required=False, widget=ListSelect)
    phase = forms.ChoiceField(
        label=_("Stay in Japan"), required=False, choices=[("", _("Any time")), *Phase.choices], widget=ListSelect
    )

    def __init__(self, *args, **kwargs):
        from .choices import FieldOfStudy

        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("All fields")), *FieldOfStudy.choices]
        organization = self.fields["organization"]
        organization.widget.choices = portal_choices(
            "community.directory.organizations",
            lambda: choices_from(organization.queryset, "name", organization.empty_label),
        )
        campus = self.fields["campus"]
        campus.widget.choices = portal_choices("community.directory.campuses", lambda: campus_choices(campus))

    def clean_q(self):
        return clean_search_query(self.cleaned_data["q"])


def campus_choices(field) -> list[tuple]:
    """Each campus with its organization ("Kansai University – Senriyama"), in one query."""
    language = (get_language() or "en")[:2]
    rows = field.queryset.order_by(f"organization__name_{language}", f"name_{language}", "pk").values(
        "pk", "name_en", "organization__name_en", f"name_{language}", f"organization__name_{language}"
    )
    return [
        ("", field.empty_label),
        *(
            (
                row["pk"],
                "{} – {}".format(
                    row[f"organization__name_{language}"] or row["organization__name_en"],
                    row[f"name_{language}"] or row["name_en"],
                ),
            )
            for row in rows
        ),
    ]


class AccountDeletionForm(forms.Form):
    """Deleting an account: typed confirmation, and what becomes of the member's credentials."""

    KEEP, REVOKE = "keep", "revoke"

    confirmation = forms.CharField(
        label=_("Your e-mail address or password"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Type it to confirm that you want to delete your account."),
    )
    credentials = forms.ChoiceField(
        label=_("Your issued credentials"),
        choices=[
            (KEEP, _("Keep them valid: anyone you gave a credential file to can still verify it")),
            (REVOKE, _("Revoke them: verifiers will see them as revoked")),
        ],
        initial=KEEP,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirmation(self):
        from .services.privacy import check_deletion_confirmation

        confirmation = self.cleaned_data["confirmation"]
        check_deletion_confirmation(user=self.user, confirmation=confirmation)
        return confirmation

    @property
    def keep_credentials(self) -> bool:
        return self.cleaned_data["credentials"] == self.KEEP
