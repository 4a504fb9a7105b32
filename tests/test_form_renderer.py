"""The portal's form renderer (jige_portal/form_renderer.py) writes the common widgets in Python:
every widget renders to exactly the HTML Django's own templates give, in English and Japanese,
bound and unbound, and the widgets it does not know still go through the templates."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from jige_portal.form_renderer import FormRenderer

CHOICES = [("", "—"), ("a&b", "Tom & Jerry <b>"), ("東京", "東京の会"), (3, 3)]
GROUPED = [("Kansai", [("kobe", "Kobe"), ("osaka", "大阪")]), ("other", "Elsewhere")]


class EveryWidget(forms.Form):
    name = forms.CharField(
        label=_("Search"), widget=forms.TextInput(attrs={"placeholder": _("Search"), "autofocus": True})
    )
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False)
    number = forms.DecimalField(required=False)
    count = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"min": 1, "disabled": False}))
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(required=False)
    at = forms.TimeField(required=False)
    search = forms.CharField(
        required=False, widget=forms.SearchInput if hasattr(forms, "SearchInput") else forms.TextInput
    )
    phone = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    colour = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "color"}))
    agree = forms.BooleanField(required=False)
    upload = forms.FileField(required=False)
    body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": "x y"}))
    kind = forms.ChoiceField(choices=CHOICES, required=False)
    place = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    level = forms.ChoiceField(choices=CHOICES[1:], required=False, widget=forms.RadioSelect)
    where = forms.ChoiceField(choices=GROUPED, required=False, widget=forms.RadioSelect(attrs={"class": "choices"}))
    topics = forms.MultipleChoiceField(choices=CHOICES[1:], required=False, widget=forms.CheckboxSelectMultiple)
    photo = forms.ImageField(required=False, widget=forms.ClearableFileInput)  # no file yet: written out


BOUND = {
    "name": 'Kobe "hikes" & <walks>',
    "email": "mai@example.org",
    "url": "https://example.org/?a=1&b=2",
    "number": "1.50",
    "count": "12",
    "secret": "s3cret<",
    "hidden": "東京",
    "day": "2026-12-04",
    "moment": "2026-12-04 10:30",
    "at": "10:30",
    "search": "大阪",
    "phone": "+81 3",
    "colour": "#ff0000",
    "agree": "on",
    "body": "Line one\n<script>alert(1)</script>\n東京",
    "kind": "a&b",
    "place": "osaka",
    "many": ["東京", "3"],
    "level": "3",
    "where": "kobe",
    "topics": ["a&b", "東京"],
}


def rendered(form_class, renderer, radios="level", **kwargs):
    """Each field's HTML, and each radio button's alone (a template of its own)."""
    form = form_class(renderer=renderer, **kwargs)
    return {name: str(form[name]) for name in form.fields}, [str(radio) for radio in form[radios]]


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("bound", [False, True], ids=["unbound", "bound"])
def test_every_widget_renders_as_djangos_templates_do(language, bound):
    kwargs = (
        {"data": BOUND}
        if bound
        else {"initial": {"number": Decimal("2.5"), "day": datetime.date(2026, 4, 1), "kind": 3}}
    )
    with translation.override(language):
        fast = rendered(EveryWidget, FormRenderer(), auto_id="id_%s", **kwargs)
        django = rendered(EveryWidget, DjangoTemplates(), auto_id="id_%s", **kwargs)
    assert fast == django
    assert 'value="Kobe &quot;hikes&quot; &amp; &lt;walks&gt;"' in fast[0]["name"] or not bound


def test_without_ids_and_with_safe_values_the_html_is_the_same():
    class Plain(forms.Form):
        label = forms.ChoiceField(
            choices=[("x", mark_safe("<em>safe</em>")), ("y", "<em>escaped</em>")], widget=forms.RadioSelect
        )
        note = forms.CharField(widget=forms.TextInput(attrs={"title": mark_safe("a &amp; b")}))

    fast = rendered(Plain, FormRenderer(), "label", auto_id=False, initial={"label": "y"})
    django = rendered(Plain, DjangoTemplates(), "label", auto_id=False, initial={"label": "y"})
    assert fast == django
    assert "<em>safe</em>" in fast[0]["label"] and "&lt;em&gt;escaped" in fast[0]["label"]


def test_the_portal_uses_it_and_other_templates_still_render(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "jige_portal.form_renderer.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)
    form = EveryWidget(data={"name": ""})
    assert form.errors
    assert 'class="errorlist' in str(form["name"].errors)  # an error list: Django's template
    # A clearable file input that shows its file: the template.
    from community.models import User

    picture = User(avatar="avatars/mei.png").avatar  # a stored file, as a model form's initial holds it
    with_file = str(EveryWidget(initial={"photo": picture})["photo"])
    assert f'href="{picture.url}"' in with_file and 'type="file" name="photo"' in with_file


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_portals_filter_and_post_forms_render_as_with_djangos_templates(language):
    from community.forms import FinderForm, PostForm
    from courses.forms import CatalogueFilterForm
    from internships.forms import PostingFilterForm

    with translation.override(language):
        for form_class in (FinderForm, PostForm, CatalogueFilterForm, PostingFilterForm):
            fast = form_class(renderer=FormRenderer())
            django = form_class(renderer=DjangoTemplates())
            assert [str(field) for field in fast] == [str(field) for field in django], form_class.__name__


@pytest.mark.parametrize("language", ["en", "ja"])
def test_a_long_filter_list_renders_as_djangos_select_whatever_is_selected(language):
    from community.widgets import ListSelect

    choices = [("", _("Any")), *((pk, f"University {pk} & <Co>") for pk in range(1, 40)), ("x", mark_safe("<b>B</b>"))]
    with translation.override(language):
        for value in ("", 7, "7", None, "x", "nothing"):
            fast = ListSelect(choices=choices).render("organization", value, {"id": "id_organization"})
            django = forms.Select(choices=choices).render(
                "organization", value, {"id": "id_organization"}, renderer=DjangoTemplates()
            )
            normalised = django.replace("\n  ", "").replace("\n", "")
            assert fast == normalised, value
            assert fast.count(" selected") == (value != "nothing")  # None selects the empty choice
