"""The catalogue's kinds in the portal's search: published modules and programmes only."""

import pytest
from django.urls import reverse

from community.sitesearch import provider_for
from courses.models import Module, Programme
from courses.tests.factories import ModuleFactory, ProgrammeFactory, published_module


def titles(rows):
    return sorted(row.title for row in rows)


@pytest.mark.django_db
def test_modules_are_found_in_both_languages_when_published(student):
    published_module(title_en="Disaster resilience", title_ja="防災と京都のまちづくり")
    ModuleFactory(title_en="Disaster drafts", title_ja="防災の下書き", status=Module.Status.DRAFT)
    ModuleFactory(title_en="Disaster archive", status=Module.Status.ARCHIVED)
    provider = provider_for("modules")
    assert titles(provider.results(student, "disaster")) == ["Disaster resilience"]
    assert titles(provider.results(student, "京都")) == ["Disaster resilience"]
    assert titles(provider.results(student, "防災")) == ["Disaster resilience"]


@pytest.mark.django_db
def test_programmes_are_found_when_published_and_listed_by_their_page(client, student):
    ProgrammeFactory(title_en="Autumn in Sendai", title_ja="仙台の秋", city_en="Sendai", city_ja="仙台市")
    ProgrammeFactory(title_en="Sendai draft", status=Programme.Status.DRAFT)
    provider = provider_for("programmes")
    assert titles(provider.results(student, "sendai")) == ["Autumn in Sendai"]
    assert titles(provider.results(student, "仙台")) == ["Autumn in Sendai"]
    # "See all" opens the programme list filtered the same way.
    page = client.get(provider.see_all_url("仙台"))
    assert [p.title for p in page.context["page"].object_list] == ["Autumn in Sendai"]
    assert page.context["search"] == "仙台"


@pytest.mark.django_db
def test_programme_list_search_and_its_empty_state(client):
    ProgrammeFactory(title_en="Summer in Chiba")
    assert client.get(reverse("courses:programme_list"), {"q": "chiba"}).context["page"].paginator.count == 1
    empty = client.get(reverse("courses:programme_list"), {"q": "osaka"})
    assert "No programme matches these words." in empty.content.decode()


@pytest.mark.django_db
def test_module_see_all_opens_the_catalogue_with_the_same_count(client, student):
    for n in range(3):
        published_module(title_en=f"Robotics {n}")
    provider = provider_for("modules")
    catalogue = client.get(provider.see_all_url("robotics"))
    assert catalogue.context["page"].paginator.count == provider.results(student, "robotics").count() == 3
