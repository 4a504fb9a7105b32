from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from community.choices import FieldOfStudy
from community.models import Organization
from community.search import apply_search
from community.widgets import ListSelect, choices_from, portal_choices

from .models import (
    Enrolment,
    InstructionLanguage,
    LearningOutcome,
    Level,
    Modality,
    Module,
    Programme,
    Session,
    Term,
)


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
        university.widget.choices = portal_choices(
            "courses.catalogue.universities",
            lambda: choices_from(university.queryset, "name", university.empty_label),
        )

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
            queryset = queryset.filter(seats_taken__lt=F("seats"))
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


# --- the module admin ------------------------------------------------------------------------

# Members and reviewing co-owners read a module in review or published in their own language.
SHOWN_STATUSES = {Module.Status.IN_REVIEW, Module.Status.PUBLISHED}

# Text a module shown to members needs in both languages; optional text, once written in one
# language, is needed in the other as well (the fallback would show it untranslated).
BILINGUAL_TEXT = {
    Module: {"required": ("title", "summary"), "optional": ("description", "prerequisites")},
    LearningOutcome: {"required": ("text",), "optional": ()},
    Session: {"required": (), "optional": ("label",)},
}

LANGUAGE_NAMES = dict(settings.LANGUAGES)
# Column headings name each language in itself, as the language switch does.
LANGUAGE_ENDONYMS = {"en": "English", "ja": "日本語"}

MISSING_TRANSLATION = _(
    "Enter the %(field)s in %(language)s: a module in review or published is shown to members in English and Japanese."
)
NOT_A_UNIVERSITY = _("%(organization)s is not a university (%(kind)s): only universities teach modules.")


def translation_gaps(model, values) -> dict[str, ValidationError]:
    """The blank translations among `values` (title_en, title_ja, …) that a module shown to
    members may not have, keyed by field name."""
    rules = BILINGUAL_TEXT[model]
    gaps = {}
    for name in (*rules["required"], *rules["optional"]):
        texts = {lang: str(values.get(f"{name}_{lang}") or "").strip() for lang in settings.MODELTRANSLATION_LANGUAGES}
        if name in rules["optional"] and not any(texts.values()):
            continue
        for lang, text in texts.items():
            if not text:
                gaps[f"{name}_{lang}"] = ValidationError(
                    MISSING_TRANSLATION,
                    code="missing_translation",
                    params={"field": model._meta.get_field(name).verbose_name, "language": LANGUAGE_NAMES[lang]},
                )
    return gaps


def _add_translation_gaps(form, model):
    for name, error in translation_gaps(model, form.cleaned_data).items():
        if name in form.fields and name not in form.errors:
            form.add_error(name, error)


def _refuse_non_universities(values):
    pks = [value for value in values if str(value).strip().isdigit()]
    others = Organization.objects.filter(pk__in=pks).exclude(kind=Organization.Kind.UNIVERSITY)
    if others:
        raise ValidationError(
            [
                ValidationError(
                    NOT_A_UNIVERSITY,
                    code="not_a_university",
                    params={"organization": other, "kind": other.get_kind_display()},
                )
                for other in others
            ]
        )


class UniversityChoiceField(forms.ModelChoiceField):
    """A university; a posted company is named in the error, not called "not one of the choices"."""

    def clean(self, value):
        if value not in self.empty_values:
            _refuse_non_universities([value])
        return super().clean(value)


class UniversityMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Universities; a posted company is named in the error, not called "not one of the choices"."""

    def clean(self, value):
        if isinstance(value, (list, tuple)):
            _refuse_non_universities(value)
        return super().clean(value)


def _texts(row) -> dict[str, str]:
    names = translator.get_options_for_model(type(row)).fields
    return {
        f"{name}_{lang}": getattr(row, f"{name}_{lang}")
        for name in names
        for lang in settings.MODELTRANSLATION_LANGUAGES
    }


def content_refusals(module: Module) -> list[str]:
    """Why the module as stored may not be shown to members yet: missing translations, in the
    module or its rows, and partners that are not universities (empty when it may)."""
    refusals = [str(error.message % error.params) for error in translation_gaps(Module, _texts(module)).values()]
    for rows in (module.sessions.all(), module.outcomes.all()):
        for row in rows:
            for error in translation_gaps(type(row), _texts(row)).values():
                refusals.append(f"{capfirst(row._meta.verbose_name)} “{row}”: {error.message % error.params}")
    for other in module.partner_universities.exclude(kind=Organization.Kind.UNIVERSITY):
        refusals.append(str(NOT_A_UNIVERSITY % {"organization": other, "kind": other.get_kind_display()}))
    return refusals


class ModuleAdminForm(forms.ModelForm):
    """A module in review or published keeps its text in English and Japanese."""

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.status in SHOWN_STATUSES:
            _add_translation_gaps(self, Module)
        return cleaned_data


class BilingualRowForm(forms.ModelForm):
    """An inline row with both languages of its text side by side, each column named by language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        for name in translator.get_options_for_model(model).fields:
            for lang, endonym in LANGUAGE_ENDONYMS.items():
                field = self.fields.get(f"{name}_{lang}")
                if field is not None:
                    field.label = format_lazy("{} ({})", model._meta.get_field(name).verbose_name, endonym)
                    field.widget.attrs["lang"] = lang


class BilingualRowFormSet(BaseInlineFormSet):
    """The rows of a module in review or published keep their text in English and Japanese."""

    def clean(self):
        super().clean()
        if self.instance.status not in SHOWN_STATUSES:
            return
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or (form.instance.pk is None and not form.has_changed()):
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            _add_translation_gaps(form, self.model)
