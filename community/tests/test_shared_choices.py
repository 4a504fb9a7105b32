"""Filter lists that every viewer sees alike (organizations, campuses, group categories) are built
once per process while those rows are unchanged: a member's first view of the finder, the
directory or the catalogue does not query them again, and an added or renamed organization or
category shows on the next request, in each viewer's language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import GroupCategory
from community.tests.factories import CampusFactory, OrganizationFactory
from community.tests.pages import page, signed_in, visit
from tests.throwaway_redis import cache_settings, free_port

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off", "shared_fragments_on")]


def tables_read(client, url) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as queries:
        response = visit(client, url)
    assert response.status_code == 200
    return [query["sql"] for query in queries], page(response)


def reads(sqls, table) -> bool:
    return any(f'FROM "{table}"' in sql for sql in sqls)


def test_a_second_member_gets_the_finders_lists_without_their_queries(student, other_student):
    OrganizationFactory(name_en="Lakeside State University")
    GroupCategory.objects.create(slug="makers", name_en="Makers")
    url = reverse("community:group_list") + "?q=hiking"
    first, first_html = tables_read(signed_in(student), url)
    assert reads(first, "community_organization") and reads(first, "community_groupcategory")
    second, second_html = tables_read(signed_in(other_student), url)
    assert not reads(second, "community_organization")
    assert not reads(second, "community_groupcategory")
    for html in (first_html, second_html):
        assert ">Lakeside State University</option>" in html
        assert '<option value="extra-makers">Makers</option>' in html


def test_a_new_organization_and_a_renamed_category_show_in_the_next_finder(student, other_student):
    category = GroupCategory.objects.create(slug="makers", name_en="Robot club")
    url = reverse("community:group_list") + "?q=hiking"
    assert '<option value="extra-makers">Robot club</option>' in page(visit(signed_in(student), url))
    OrganizationFactory(name_en="Harbour Institute of Technology")
    category.name_en = "Makers"
    category.save()
    html = page(visit(signed_in(other_student), url))
    assert ">Harbour Institute of Technology</option>" in html
    assert '<option value="extra-makers">Makers</option>' in html
    assert "Robot club" not in html


def test_the_lists_follow_the_language_of_each_viewer(student, other_student):
    OrganizationFactory(name_en="Tohoku University", name_ja="東北大学", kind="university")
    other_student.language = "ja"
    other_student.save()
    url = reverse("courses:index")
    assert ">Tohoku University</option>" in page(signed_in(student).get(url))
    html = page(signed_in(other_student).get(url))
    assert ">東北大学</option>" in html
    assert ">Tohoku University</option>" not in html


def test_the_directory_shares_its_campus_list_and_shows_a_new_campus(student, other_student):
    organization = OrganizationFactory(name_en="Chiba University")
    CampusFactory(organization=organization, name_en="Nishi-Chiba")
    url = reverse("community:member_directory")
    assert "Chiba University – Nishi-Chiba" in page(visit(signed_in(student), url))
    CampusFactory(organization=organization, name_en="Matsudo")
    second, html = tables_read(signed_in(other_student), url)
    assert "Chiba University – Matsudo" in html
    third, _html = tables_read(signed_in(student), url)
    assert not reads(third, "community_campus")


def test_with_redis_down_the_lists_are_queried(student, settings):
    settings.CACHES = cache_settings(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    OrganizationFactory(name_en="Lakeside State University")
    response = signed_in(student).get(reverse("community:group_list") + "?q=hiking")
    assert response.status_code == 200
    assert ">Lakeside State University</option>" in page(response)
