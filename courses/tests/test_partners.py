"""Only universities lead or co-teach a module: the admin's pickers offer no company, and a company
posted anyway is refused by name."""

import pytest
from django.urls import reverse

from community.models import Organization
from community.tests.factories import OrganizationFactory
from courses.models import Module
from courses.tests.factories import ModuleFactory, published_module
from courses.tests.test_issuer_approval import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def takasaki_green_foods(db):
    return OrganizationFactory(
        slug="takasaki-green-foods",
        name_en="Takasaki Green Foods",
        name_ja="高崎グリーンフーズ",
        kind=Organization.Kind.COMPANY,
        country="JP",
    )


@pytest.fixture
def tohoku(db):
    return OrganizationFactory(
        slug="tohoku", name_en="Tohoku Green University", name_ja="東北グリーン大学", country="JP"
    )


@pytest.fixture
def english_faculty(faculty):
    faculty.language = "en"
    faculty.save(update_fields=["language"])
    return faculty


def autocomplete(client, field_name, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "courses", "model_name": "module", "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


@pytest.mark.parametrize("field_name", ["partner_universities", "lead_university"])
def test_the_partner_autocomplete_offers_universities_only(
    client, english_faculty, takasaki_green_foods, tohoku, field_name
):
    client.force_login(english_faculty)
    assert autocomplete(client, field_name, "Green") == ["Tohoku Green University"]
    assert "Takasaki Green Foods" not in autocomplete(client, field_name, "")


def test_the_organization_autocomplete_elsewhere_still_offers_companies(client, staff_member, takasaki_green_foods):
    client.force_login(staff_member)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "community", "model_name": "user", "field_name": "organization", "term": "Takasaki"},
    )
    assert [r["id"] for r in response.json()["results"]] == [str(takasaki_green_foods.pk)]


def test_the_partner_field_chooses_among_universities_only(rf, english_faculty, takasaki_green_foods, tohoku):
    from django.contrib import admin

    request = rf.get("/")
    request.user = english_faculty
    form_class = admin.site._registry[Module].get_form(request)
    for name in ("partner_universities", "lead_university"):
        choices = form_class.base_fields[name].queryset
        assert tohoku in choices and takasaki_green_foods not in choices


@pytest.mark.parametrize("status", [Module.Status.DRAFT, Module.Status.PUBLISHED])
def test_a_company_posted_as_partner_is_refused_by_name(client, english_faculty, takasaki_green_foods, status):
    module = ModuleFactory(owners=[english_faculty], status=status)
    partners_before = set(module.partner_universities.all())
    change = reverse("admin:courses_module_change", args=[module.pk])
    client.force_login(english_faculty)
    data = admin_form_data(client.get(change))
    data["partner_universities"] = [p.pk for p in partners_before] + [takasaki_green_foods.pk]
    response = client.post(change, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["partner_universities"]
    assert errors == ["Takasaki Green Foods is not a university (Company): only universities teach modules."]
    assert set(module.partner_universities.all()) == partners_before


def test_a_company_posted_as_lead_university_is_refused_by_name(client, faculty, takasaki_green_foods):
    module = ModuleFactory(owners=[faculty])
    change = reverse("admin:courses_module_change", args=[module.pk])
    client.force_login(faculty)  # the faculty persona prefers Japanese
    data = admin_form_data(client.get(change))
    data["lead_university"] = takasaki_green_foods.pk
    response = client.post(change, data)
    errors = response.context["adminform"].form.errors["lead_university"]
    assert errors == ["高崎グリーンフーズは大学ではありません（企業）。モジュールを担当できるのは大学だけです。"]
    module.refresh_from_db()
    assert module.lead_university != takasaki_green_foods


def test_a_published_module_with_a_company_partner_must_drop_it_to_be_saved(
    client, english_faculty, takasaki_green_foods
):
    # Rows saved before the rule: the company shows up in the form and blocks the save until removed.
    module = published_module(owners=[english_faculty], partners=[OrganizationFactory(), takasaki_green_foods])
    change = reverse("admin:courses_module_change", args=[module.pk])
    client.force_login(english_faculty)
    data = admin_form_data(client.get(change))
    response = client.post(change, data)
    assert "Takasaki Green Foods is not a university" in str(response.context["adminform"].form.errors)
    data["partner_universities"] = [pk for pk in data["partner_universities"] if pk != takasaki_green_foods.pk]
    assert client.post(change, data).status_code == 302
    assert takasaki_green_foods not in module.partner_universities.all()


def test_a_module_with_a_company_partner_is_not_submitted_for_review(client, english_faculty, takasaki_green_foods):
    module = ModuleFactory(owners=[english_faculty], partners=[OrganizationFactory(), takasaki_green_foods])
    client.force_login(english_faculty)
    response = client.post(
        reverse("admin:courses_module_changelist"),
        {"action": "submit_for_review", "_selected_action": [module.pk]},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert any("Takasaki Green Foods is not a university (Company)" in message for message in shown)
    module.refresh_from_db()
    assert module.status == Module.Status.DRAFT
