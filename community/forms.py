from django import forms
from django.utils.translation import gettext_lazy as _

from .images import ImageUploadField
from .models import Campus, Interest, Organization, Profile, User


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
        self.fields["organization"].queryset = Organization.objects.filter(is_active=True)


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
