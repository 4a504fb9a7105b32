from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community.choices import FieldOfStudy
from community.models import Organization
from community.search import apply_search
from community.widgets import ListSelect, choices_from

from .models import Enrolment, InstructionLanguage, Level, Modality, Module, Programme, Term


def _any(label):
    return [("", label)]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or topic, e.g. 東京 or energy")}),
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, widget=ListSelect, choices=_any(_("Any level")) + Level.choices
    )
    discipline = forms.ChoiceField(
        label=_("Discipline"),
        required=False,
        widget=ListSelect,
        choices=_any(_("Any discipline")) + FieldOfStudy.choices,
    )
    language = forms.ChoiceField(
        label=_("Language of instruction"),
        required=False,
        widget=ListSelect,
        choices=_any(_("Any language")) + [c for c in InstructionLanguage.choices if c[0] != "en_ja"],
    )
    modality = forms.ChoiceField(
        label=_("Modality"), required=False, widget=ListSelect, choices=_any(_("Any modality")) + Modality.choices
    )
    term = forms.ChoiceField(
        label=_("Term"), required=False, widget=ListSelect, choices=_any(_("Any term")) + Term.choices
    )
    credit = forms.ChoiceField(
        label=_("Credit"),
        required=False,
        widget=ListSelect,
        choices=[("", _("With or without credit")), ("yes", _("Credit-bearing")), ("no", _("Without credit"))],
    )
    university = forms.ModelChoiceField(
        label=_("University"),
        required=False,
        queryset=Organization.objects.none(),
        empty_label=_("Any university"),
        widget=ListSelect,
    )
    seats = forms.BooleanField(label=_("Only modules with seats left"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        university = self.fields["university"]
        university.queryset = Organization.objects.universities().filter(is_active=True)
        university.widget.choices = choices_from(university.queryset, "name", university.empty_label)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        for name in ("level", "discipline", "modality", "term"):
            if data[name]:
                queryset = queryset.filter(**{name: data[name]})
        if data["language"]:
            # A bilingual module is taught in both languages, so it matches either.
            queryset = queryset.filter(language__in=[data["language"], InstructionLanguage.BILINGUAL])
        if data["credit"] == "yes":
            queryset = queryset.filter(credit_value__gt=0)
        elif data["credit"] == "no":
            queryset = queryset.filter(credit_value=0)
        if data["university"]:
            university = data["university"]
            partners = Module.partner_universities.through.objects.filter(organization=university)
            queryset = queryset.filter(Q(lead_university=university) | Q(pk__in=partners.values("module")))
        if data["seats"]:
            queryset = queryset.filter(seats_left__gt=0)
        if data["q"]:
            queryset = apply_search(queryset, data["q"])
        return queryset


class ResultForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["attendance_percent", "grade"]
        widgets = {
            "attendance_percent": forms.NumberInput(
                attrs={"min": 0, "max": 100, "step": "0.1", "inputmode": "decimal"}
            ),
            "grade": forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.1", "inputmode": "decimal"}),
        }


ResultFormSet = forms.modelformset_factory(Enrolment, form=ResultForm, extra=0)


class ResultsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV with the header email,attendance,grade and one line per learner (numbers 0–100)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError(_("The file is too large: the limit is 1 MB."))
        return upload


class ProgrammeApplicationForm(forms.Form):
    motivation = forms.CharField(
        label=_("Why do you want to join?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 3000}),
    )
    needs_housing = forms.BooleanField(label=_("I need housing"), required=False)
    needs_visa_letter = forms.BooleanField(label=_("I need a visa support letter"), required=False)

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        if not programme.housing_support:
            del self.fields["needs_housing"]
        if not programme.visa_letter:
            del self.fields["needs_visa_letter"]
