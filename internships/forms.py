from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community.choices import FieldOfStudy, Prefecture
from community.widgets import ListSelect

from .models import Application, Evaluation, OutcomeSurvey, Posting, WorkEligibility
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
