"""The public catalogue: filters, bilingual search, pagination, query budgets and the detail page."""

from datetime import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.tests.factories import OrganizationFactory
from courses.models import Module
from courses.tests.factories import (
    EnrolmentFactory,
    LearningOutcomeFactory,
    ModuleFactory,
    SessionFactory,
    published_module,
)
from credentials.tests.factories import AchievementFactory, PathwayFactory
from jige_portal.prepared import statement_sql

pytestmark = pytest.mark.django_db


def titles(response):
    return {m.title_en for m in response.context["page"].object_list}


def test_catalogue_lists_published_modules_only(client):
    published_module(title_en="Open Module")
    ModuleFactory(title_en="Draft Module")
    ModuleFactory(title_en="Archived Module", status=Module.Status.ARCHIVED)
    assert titles(client.get(reverse("courses:index"))) == {"Open Module"}


def test_two_character_japanese_word_finds_a_module(client):
    published_module(title_en="Urban Futures", title_ja="東京と大阪の都市の未来")
    published_module(title_en="Marine Biology", title_ja="海洋生物学")
    assert titles(client.get(reverse("courses:index"), {"q": "東京"})) == {"Urban Futures"}
    assert titles(client.get(reverse("courses:index"), {"q": "生物"})) == {"Marine Biology"}
    assert titles(client.get(reverse("courses:index"), {"q": "urban fut"})) == {"Urban Futures"}
    assert titles(client.get(reverse("courses:index"), {"q": "京都"})) == set()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "graduate"}, {"B"}),
        ({"discipline": "ict"}, {"B"}),
        ({"language": "ja"}, {"B", "C"}),  # a bilingual module matches either language
        ({"language": "en"}, {"A", "C"}),
        ({"modality": "blended"}, {"C"}),
        ({"term": "spring"}, {"A"}),
        ({"credit": "yes"}, {"A", "C"}),
        ({"credit": "no"}, {"B"}),
        ({"seats": "on"}, {"A", "B"}),
    ],
)
def test_filters(client, params, expected):
    published_module(title_en="A", term="spring", seats=5)
    published_module(title_en="B", level="graduate", discipline="ict", language="ja", credit_value=Decimal("0"))
    full = published_module(title_en="C", language="en_ja", modality="blended", seats=1)
    EnrolmentFactory(module=full)
    assert titles(client.get(reverse("courses:index"), params)) == expected


def test_university_filter_matches_lead_and_partner_universities(client):
    chiba = OrganizationFactory(is_lead=True, country="JP", name_en="Chiba")
    lakeside = OrganizationFactory(name_en="Lakeside")
    published_module(title_en="Led by Chiba", lead_university=chiba)
    published_module(title_en="Partnered with Lakeside", partners=[lakeside])
    published_module(title_en="Both", lead_university=chiba, partners=[lakeside])
    assert titles(client.get(reverse("courses:index"), {"university": chiba.pk})) == {"Led by Chiba", "Both"}
    assert titles(client.get(reverse("courses:index"), {"university": lakeside.pk})) == {
        "Partnered with Lakeside",
        "Both",
    }


def test_bad_filter_values_show_the_page_not_an_error(client):
    published_module(title_en="Open Module")
    response = client.get(reverse("courses:index"), {"level": "nonsense", "university": "x", "page": "999"})
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_catalogue_query_budget(client, django_assert_max_num_queries, student, count):
    partner = OrganizationFactory()
    for _ in range(count):
        module = published_module(partners=[partner, OrganizationFactory()])
        EnrolmentFactory(module=module)
    client.force_login(student)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("courses:index"), {"q": "sustainable", "seats": "on", "language": "en"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count


def test_catalogue_is_paginated(client):
    for _ in range(14):
        published_module()
    first = client.get(reverse("courses:index"), {"term": "autumn"})
    assert len(first.context["page"].object_list) == 12
    html = first.content.decode()
    assert "term=autumn&amp;page=2" in html
    assert len(client.get(reverse("courses:index"), {"term": "autumn", "page": 2}).context["page"].object_list) == 2


def test_detail_shows_outcomes_universities_seats_credential_and_pathway(client):
    lead = OrganizationFactory(is_lead=True, country="JP", name_en="Tohoku University")
    partner = OrganizationFactory(name_en="Lakeside State University")
    achievement = AchievementFactory(name_en="COIL Urban Studies Badge")
    PathwayFactory(name_en="Global Cities Pathway", components=[achievement])
    module = published_module(lead_university=lead, partners=[partner], seats=10, achievement=achievement)
    LearningOutcomeFactory(module=module, text_en="Compare two planning systems")
    EnrolmentFactory.create_batch(3, module=module)
    html = client.get(module.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for text in ("Compare two planning systems", "Tohoku University", "Lakeside State University"):
        assert text in html
    assert "7 / 10" in html
    assert "COIL Urban Studies Badge" in html
    assert "Global Cities Pathway" in html


def test_module_page_counts_its_seats_in_one_subquery(client):
    module = published_module(seats=2)
    EnrolmentFactory.create_batch(3, module=module)  # over-full: an admin lowered the seats
    with CaptureQueriesContext(connection) as queries:
        html = client.get(module.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "0 / 2" in html
    module_query = next(sql for q in queries if 'FROM "courses_module"' in (sql := statement_sql(q["sql"])))
    # The count of enrolments, once: PostgreSQL would run it again for a second annotation.
    assert module_query.count('FROM "courses_enrolment"') == 1


def test_schedule_is_shown_in_the_members_time_zone(client, student):
    # Wednesday 18:00 in Tokyo is Wednesday 10:00 in Paris in winter (UTC+1) and 11:00 in summer.
    module = published_module(time_zone="Asia/Tokyo")
    Module.objects.filter(pk=module.pk).update(starts_on="2027-01-04")
    SessionFactory(module=module, weekday=2, starts_at=time(18, 0), duration_minutes=90, label_en="Seminar")
    student.time_zone = "Europe/Paris"
    student.save()
    client.force_login(student)
    html = client.get(module.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "10:00" in html and "11:30" in html and "Europe/Paris" in html


def test_visitor_time_zone_comes_from_the_browser_cookie(client):
    module = published_module(time_zone="Asia/Tokyo")
    Module.objects.filter(pk=module.pk).update(starts_on="2027-01-04")
    SessionFactory(module=module, weekday=0, starts_at=time(9, 0))
    client.cookies["jige_tz"] = "America/New_York"
    response = client.get(module.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    row = response.context["schedule"][0]
    assert row["start"].hour == 19 and row["start"].weekday() == 6  # Sunday 19:00 in New York
    client.cookies["jige_tz"] = "Not/AZone"
    assert client.get(module.get_absolute_url()).context["viewer_time_zone"] == "Asia/Tokyo"


def test_draft_module_is_hidden_from_the_public_but_not_from_its_co_owner(client, student, faculty):
    module = ModuleFactory(owners=[faculty])
    assert client.get(module.get_absolute_url()).status_code == 404
    client.force_login(student)
    assert client.get(module.get_absolute_url()).status_code == 404
    client.force_login(faculty)
    assert client.get(module.get_absolute_url()).status_code == 200


def test_japanese_catalogue_shows_japanese_titles(client):
    published_module(title_en="Urban Futures", title_ja="都市の未来")
    html = client.get(reverse("courses:index"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "都市の未来" in html
    assert '<html lang="ja">' in html


def test_a_module_card_is_shared_by_searches_and_follows_the_module(client, page_cache_off, shared_fragments_on):
    module = published_module(title_en="Urban Futures", summary_en="Cities after 2050", seats=3)
    url = reverse("courses:index")
    assert "Urban Futures" in client.get(url, {"q": "urban"}).content.decode()  # the card is stored

    html = client.get(url, {"q": "cities"}).content.decode()  # another search, the same card
    assert "Urban Futures" in html and "Seats left: 3" in html

    Module.objects.filter(pk=module.pk).update(title_en="Urban Futures Lab")
    EnrolmentFactory(module=module)
    module.refresh_from_db()
    module.save()  # as the admin saves it: the catalogue's version changes
    for query in ("urban", "cities"):
        html = client.get(url, {"q": query}).content.decode()
        assert "Urban Futures Lab" in html and "Seats left: 2" in html, query
