from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.models import Organization

from . import services
from .models import Achievement, Award

MAX_CSV_BYTES = 1024 * 1024


class RecognitionRequestForm(forms.Form):
    university = forms.ModelChoiceField(
        label=_("University"),
        queryset=Organization.objects.none(),
        help_text=_("The university you ask to recognise your credits."),
    )
    awards = forms.ModelMultipleChoiceField(
        label=_("Awards"), queryset=Award.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        help_text=_("For example the degree programme you study in."),
    )

    def __init__(self, *args, learner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["university"].queryset = Organization.objects.universities().filter(is_active=True)
        self.fields["awards"].queryset = (
            Award.objects.issued().for_recipient(learner).select_related("achievement").order_by("-issued_at")
        )
        self.fields["awards"].label_from_instance = lambda award: (
            _("%(name)s (%(credits)s credits)")
            % {
                "name": award.achievement,
                "credits": award.credits_earned.normalize(),
            }
        )


class StaffAwardForm(forms.Form):
    achievement = forms.ModelChoiceField(label=_("Achievement"), queryset=Achievement.objects.none())
    emails = forms.CharField(
        label=_("E-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("One learner, or several: one address a line (commas also work)."),
    )
    csv_file = forms.FileField(
        label=_("Or a CSV file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=_("Columns: e-mail address, then optional evidence. UTF-8 or Shift_JIS, at most 1 MB."),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the learners did, or a link to it; shown on their award page."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = (
            Achievement.objects.active().manageable_by(user).issuable_by(user).select_related("issuer").order_by("name")
        )
        self.fields["achievement"].label_from_instance = lambda a: f"{a} — {a.issuer}"

    def clean_csv_file(self):
        upload = self.cleaned_data.get("csv_file")
        if not upload:
            return ""
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The CSV file is too large: the limit is 1 MB."), code="too_large")
        data = upload.read()
        for encoding in ("utf-8-sig", "cp932"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text:
                return text
        raise forms.ValidationError(_("The CSV file must be text in UTF-8 or Shift_JIS."), code="encoding")

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            rows = services.parse_award_rows(emails=cleaned.get("emails", ""), csv_text=cleaned.get("csv_file", ""))
        except forms.ValidationError as error:
            self.add_error("csv_file", error)
            return cleaned
        if not rows:
            raise forms.ValidationError(_("Give at least one e-mail address, or a CSV file."), code="empty")
        if len(rows) > services.MAX_BATCH_ROWS:
            raise forms.ValidationError(
                _("A batch may have at most %(limit)s rows."),
                code="too_many",
                params={"limit": services.MAX_BATCH_ROWS},
            )
        cleaned["rows"] = rows
        return cleaned


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The learner sees this reason."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Recognise the credits")),
            ("decline", pgettext_lazy("a credit recognition request", "Decline")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the learner"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Tell the learner why the request is declined."))
        return cleaned


MAX_VERIFY_BYTES = 2 * 1024 * 1024


class VerifyForm(forms.Form):
    """Paste a credential's JSON or upload its JSON file or a baked badge PNG."""

    credential = forms.CharField(
        label=_("Credential JSON"),
        required=False,
        max_length=MAX_VERIFY_BYTES,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("Paste the JSON of an Open Badges 3.0 credential or a learner record."),
    )
    file = forms.FileField(
        label=_("Or upload a file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json,image/png"}),
        help_text=_("A credential (.json) or a badge image (.png), at most 2 MB."),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("credential") or ""
        if upload and upload.size > MAX_VERIFY_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."), code="too_large")
        if upload:
            cleaned["data"] = upload.read(MAX_VERIFY_BYTES + 1)
        elif text.strip():
            cleaned["data"] = text.encode("utf-8")
        else:
            raise forms.ValidationError(_("Paste a credential or choose a file."), code="empty")
        if len(cleaned["data"]) > MAX_VERIFY_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."), code="too_large")
        return cleaned
