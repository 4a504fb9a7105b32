from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.choices import FieldOfStudy, Language, Prefecture
from community.images import ImageUploadField
from community.widgets import ListSelect

from .models import (
    Application,
    CompanySize,
    Evaluation,
    HostCompany,
    Industry,
    OutcomeSurvey,
    Posting,
    Programme,
    WorkEligibility,
    WorkLanguage,
)
from .pdf import MAX_CV_BYTES, validate_pdf

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PostingFilterForm(forms.Form):
    DURATIONS = {"1-3": (1, 3), "4-6": (4, 6), "7-12": (7, 12)}

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    mode = forms.ChoiceField(
        label=_("Mode"), required=False, widget=ListSelect, choices=[("", _("Any"))] + Posting.Mode.choices
    )
    prefecture = forms.ChoiceField(
        label=_("Prefecture"), required=False, widget=ListSelect, choices=[("", _("Any"))] + Prefecture.choices
    )
    duration = forms.ChoiceField(
        label=_("Duration"),
        required=False,
        widget=ListSelect,
        choices=[("", _("Any")), ("1-3", _("1–3 months")), ("4-6", _("4–6 months")), ("7-12", _("7–12 months"))],
    )
    paid = forms.ChoiceField(
        label=_("Pay"),
        required=False,
        widget=ListSelect,
        choices=[("", _("Any")), ("yes", _("Paid")), ("no", _("Unpaid"))],
    )
    jlpt = forms.ChoiceField(
        label=_("My Japanese level"),
        required=False,
        widget=ListSelect,
        choices=[("", _("Any"))] + Posting.JLPT.choices,
        help_text=_("Shows internships that ask for this level or less."),
    )
    field = forms.ChoiceField(
        label=_("Field"), required=False, widget=ListSelect, choices=[("", _("Any"))] + FieldOfStudy.choices
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.search(data["q"])
        for name in ("mode", "prefecture", "field"):
            if data[name]:
                queryset = queryset.filter(**{name: data[name]})
        if data["duration"]:
            low, high = self.DURATIONS[data["duration"]]
            queryset = queryset.filter(duration_months__gte=low, duration_months__lte=high)
        if data["paid"]:
            queryset = queryset.filter(is_paid=data["paid"] == "yes")
        if data["jlpt"]:
            # N1 is the hardest level: someone with N3 meets postings asking N3, N4, N5 or nothing.
            queryset = queryset.filter(Q(jlpt_level__gte=data["jlpt"]) | Q(jlpt_level=""))
        return queryset

    def saved_filters(self) -> dict:
        """The non-empty cleaned values, as a saved search keeps them."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}

    @classmethod
    def describe(cls, filters: dict) -> list[tuple[str, str]]:
        """(label, value) of each saved filter in the current language, in the form's order."""
        form = cls()
        described = []
        for name, field in form.fields.items():
            value = filters.get(name)
            if not value:
                continue
            if isinstance(field, forms.ChoiceField):
                value = dict(field.choices).get(value, value)
            described.append((str(field.label), str(value)))
        return described


class SavedSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the search"),
        max_length=100,
        help_text=_("For example “Remote internships in IT”. New postings that match are sent in your daily digest."),
    )
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the search a name."))
        return name


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["motivation", "cv"]
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 10, "maxlength": 5000}),
            "cv": forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        }
        help_texts = {
            "motivation": _("Why this internship, and what you bring to it (up to 5,000 characters)."),
            "cv": _("A PDF file of at most %(limit)s MB. Only staff and, after staff approval, the company see it.")
            % {"limit": MAX_CV_BYTES // (1024 * 1024)},
        }

    def clean_cv(self):
        cv = self.cleaned_data["cv"]
        validate_pdf(cv)
        return cv


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=Application.Status.choices)
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class BulkApproveForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        # Any application: one decided meanwhile is refused by the state machine, with its reason.
        label=_("Applications"),
        queryset=Application.objects.exclude(status=Application.Status.DRAFT),
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class WorkEligibilityForm(forms.ModelForm):
    class Meta:
        model = WorkEligibility
        fields = [
            "residence_status",
            "residence_card_valid_until",
            "permission",
            "permission_reference",
            "permission_valid_until",
        ]
        widgets = {"residence_card_valid_until": DATE, "permission_valid_until": DATE}


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ["rating", "comments"]
        widgets = {
            "rating": forms.RadioSelect(choices=[(n, str(n)) for n in range(1, 6)]),
            "comments": forms.Textarea(attrs={"rows": 5, "maxlength": 5000}),
        }
        help_texts = {"rating": _("1 = poor, 5 = excellent.")}


class PostingForm(forms.ModelForm):
    class Meta:
        model = Posting
        fields = [
            "title_en",
            "title_ja",
            "description_en",
            "description_ja",
            "mode",
            "location_en",
            "location_ja",
            "prefecture",
            "field",
            "duration_months",
            "start_earliest",
            "start_latest",
            "hours_per_week",
            "is_paid",
            "monthly_pay_yen",
            "jlpt_level",
            "cefr_level",
            "skills",
            "positions",
            "application_deadline",
            "programme",
        ]
        widgets = {"start_earliest": DATE, "start_latest": DATE, "application_deadline": DATE}


class OutcomeSurveyForm(forms.ModelForm):
    YES_NO = [(True, _("Yes")), (False, _("No"))]

    has_job_offer = forms.TypedChoiceField(
        label=_("Do you have a job offer, or a job?"),
        choices=YES_NO,
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
    )
    works_in_host_prefecture = forms.TypedChoiceField(
        label=_("Do you work, or will you work, in the prefecture of your internship?"),
        choices=YES_NO,
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = OutcomeSurvey
        fields = ["has_job_offer", "works_in_host_prefecture", "employer"]


class CompanyRegistrationForm(forms.Form):
    """What a company tells about itself when it registers (the contact's account is allauth's form)."""

    name_en = forms.CharField(label=_("Company name (English)"), max_length=200)
    name_ja = forms.CharField(label=_("Company name (Japanese)"), max_length=200, required=False)
    prefecture = forms.ChoiceField(label=_("Prefecture"), choices=[("", "—")] + Prefecture.choices)
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—")] + Industry.choices)
    size = forms.ChoiceField(label=_("Size"), choices=[("", "—")] + CompanySize.choices)
    work_languages = forms.MultipleChoiceField(
        label=_("Languages spoken at work"), choices=WorkLanguage.choices, widget=forms.CheckboxSelectMultiple
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description_en = forms.CharField(
        label=_("About the company (English)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 3000}),
    )
    description_ja = forms.CharField(
        label=_("About the company (Japanese)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 3000}),
    )
    logo = ImageUploadField(
        label=_("Logo"),
        required=False,
        max_bytes=2 * 1024 * 1024,
        max_side=512,
        help_text=_("PNG, JPEG, WebP or GIF, at most 2 MB."),
    )

    @classmethod
    def initial_for(cls, company: HostCompany) -> dict:
        organization = company.organization
        names = ["name_en", "name_ja", "prefecture", "website", "description_en", "description_ja"]
        initial = {name: getattr(organization, name) for name in names}
        initial.update(industry=company.industry, size=company.size, work_languages=company.work_language_list)
        return initial


class DeclineCompanyForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the company reads it)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Your colleague's e-mail address"))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=Language.choices)


class InvitationSignupForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80)
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password (again)"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str = "", **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        from community.models import User

        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                validate_password(first, User(email=self.email, display_name=data.get("display_name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class TestimonialForm(forms.Form):
    text = forms.CharField(
        label=_("Your words about the internship"),
        max_length=1500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1500}),
    )
    consent = forms.BooleanField(
        label=_("Show my words and my display name on the company's public page"),
        required=False,
        help_text=_("You can withdraw this at any time; the text is then no longer shown."),
    )


class OutcomeFilterForm(forms.Form):
    """Filters of the outcomes dashboard; a consortium member's prefecture is fixed by the view."""

    WAVES = [("", _("Latest answer")), ("6", _("6 months after")), ("12", _("12 months after"))]

    prefecture = forms.ChoiceField(
        label=_("Prefecture"), required=False, widget=ListSelect, choices=[("", _("Any"))] + Prefecture.choices
    )
    company = forms.TypedChoiceField(label=_("Host company"), required=False, coerce=int, empty_value=None)
    cohort = forms.TypedChoiceField(label=_("Cohort (start year)"), required=False, coerce=int, empty_value=None)
    programme = forms.TypedChoiceField(label=_("Programme"), required=False, coerce=int, empty_value=None)
    wave = forms.TypedChoiceField(label=_("Survey wave"), required=False, choices=WAVES, coerce=int, empty_value=None)

    def __init__(self, *args, prefecture: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        companies = HostCompany.objects.filter(postings__applications__isnull=False)
        if prefecture:
            companies = companies.filter(postings__prefecture=prefecture)
            del self.fields["prefecture"]
        rows = companies.values_list("pk", "organization__name").distinct().order_by("organization__name")
        self.fields["company"].choices = [("", _("Any"))] + list(rows)
        self.fields["company"].widget = ListSelect(choices=self.fields["company"].choices)
        years = range(timezone.localdate().year - 8, timezone.localdate().year + 2)
        self.fields["cohort"].choices = [("", _("Any"))] + [(year, str(year)) for year in reversed(years)]
        self.fields["programme"].choices = [("", _("Any"))] + list(
            Programme.objects.values_list("pk", "name").order_by("name")
        )
