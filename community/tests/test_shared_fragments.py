"""Parts of pages that every viewer sees alike, shared between members with the page cache off:
a member's first view of the catalogue, the internship list or a module page does not render (or
query) what another member's view already rendered, shows every change on the next request, and
never shows one member's own state to another."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.tests.pages import page, signed_in, visit
from courses import services as course_services
from courses.tests.factories import published_module
from internships.tests.factories import PostingFactory
from tests.throwaway_redis import cache_settings, free_port

# As the bench's rendered pages: no page cache, only the fragments shared between viewers.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off", "shared_fragments_on")]


def queries_of(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = visit(client, url)
    assert response.status_code == 200
    return len(queries), page(response)


def test_a_second_member_gets_the_catalogue_results_without_their_queries(student, other_student):
    published_module(title_en="Robotics across the Pacific")
    published_module(title_en="Water and cities")
    url = reverse("courses:index")
    first, first_html = queries_of(signed_in(student), url)
    signed_in(other_student).get(url)  # sessions and header counts warm, like any second page
    cache_first_view = signed_in(other_student)
    cache_first_view.get(reverse("home"))
    second, second_html = queries_of(cache_first_view, url)
    assert "Robotics across the Pacific" in first_html and "Robotics across the Pacific" in second_html
    assert "Water and cities" in second_html
    # The modules' count, page and partner universities are not read again.
    assert second <= first - 2, (first, second)


def test_a_renamed_module_shows_its_new_title_in_the_shared_results_at_once(student, other_student):
    module = published_module(title_en="Old title of the module")
    url = reverse("courses:index")
    assert "Old title of the module" in page(signed_in(student).get(url))
    module.title_en = "New title of the module"
    module.save()
    html = page(signed_in(other_student).get(url))
    assert "New title of the module" in html
    assert "Old title of the module" not in html


def test_filters_give_their_own_shared_results(student):
    published_module(title_en="Robotics across the Pacific")
    published_module(title_en="Water and cities")
    client = signed_in(student)
    assert "Water and cities" in page(client.get(reverse("courses:index")))
    filtered = page(client.get(reverse("courses:index") + "?q=Robotics"))
    assert "Robotics across the Pacific" in filtered
    assert "Water and cities" not in filtered


def test_the_shared_filter_form_shows_each_viewer_the_filters_they_asked_for(student, other_student):
    published_module(title_en="Robotics across the Pacific", level="professional")
    url = reverse("courses:index") + "?level=professional&q=Robotics"
    visit(signed_in(student), url)
    _queries, html = queries_of(signed_in(other_student), url)
    assert '<option value="professional" selected>' in html
    assert 'value="Robotics"' in html
    assert "Robotics across the Pacific" in html
    other = page(signed_in(other_student).get(reverse("courses:index") + "?level=graduate"))
    assert '<option value="graduate" selected>' in other
    assert '<option value="professional" selected>' not in other
    # A filter that matches nothing opens the filters, for the second viewer too.
    empty = reverse("courses:index") + "?level=high_school&q=Robotics"
    visit(signed_in(student), empty)
    assert '<details class="filters-toggle" open>' in page(signed_in(other_student).get(empty))


def test_the_shared_internship_filters_keep_the_students_own_save_link(student, faculty):
    PostingFactory(title_en="Data analyst in Akita")
    url = reverse("internships:index") + "?q=Akita"
    assert "Save this search" not in page(signed_in(faculty).get(url))
    html = page(signed_in(student).get(url))
    assert "Save this search" in html and 'value="Akita"' in html


def test_shared_results_follow_the_language_of_each_viewer(student, other_student):
    published_module(title_en="Robotics across the Pacific", title_ja="環太平洋のロボット工学")
    other_student.language = "ja"
    other_student.save()
    url = reverse("courses:index")
    assert "Robotics across the Pacific" in page(signed_in(student).get(url))
    assert "環太平洋のロボット工学" in page(signed_in(other_student).get(url))


def test_module_page_shares_its_body_but_each_member_sees_their_own_enrolment(student, other_student):
    module = published_module(title_en="Robotics across the Pacific", seats=10)
    url = module.get_absolute_url()
    assert "Enrol</button>" in page(signed_in(other_student).get(url))
    course_services.enrol_learner(module=module, learner=student)
    mine = page(signed_in(student).get(url))
    theirs = page(signed_in(other_student).get(url))
    assert "You are enrolled." in mine
    assert "You are enrolled." not in theirs
    assert "Enrol</button>" in theirs
    # The seats left, in the shared facts, changed for everyone with the enrolment.
    assert ">9 / 10<" in mine and ">9 / 10<" in theirs


def test_module_page_body_is_not_queried_again_for_a_second_member(student, other_student):
    module = published_module(title_en="Robotics across the Pacific")
    url = module.get_absolute_url()
    first, _ = queries_of(signed_in(student), url)
    client = signed_in(other_student)
    client.get(reverse("home"))
    second, html = queries_of(client, url)
    assert "Robotics across the Pacific" in html and "Learning outcomes" in html
    assert second <= first - 3, (first, second)  # partners, outcomes, sessions (and pathways)


def test_editors_links_stay_with_the_editor_on_a_shared_module_page(student, faculty):
    module = published_module(title_en="Robotics across the Pacific", owners=[faculty])
    editor = faculty
    url = module.get_absolute_url()
    results_link = reverse("courses:results", args=[module.slug])
    assert results_link in page(signed_in(editor).get(url))
    assert results_link not in page(signed_in(student).get(url))


def test_a_new_posting_appears_in_the_shared_internship_list(student, other_student):
    PostingFactory(title_en="Data analyst in Akita")
    url = reverse("internships:index")
    assert "Data analyst in Akita" in page(signed_in(student).get(url))
    PostingFactory(title_en="Tourism planner in Sendai")
    html = page(signed_in(other_student).get(url))
    assert "Tourism planner in Sendai" in html and "Data analyst in Akita" in html


def test_a_visitor_and_a_member_get_the_same_shared_list_without_the_members_links(student):
    PostingFactory(title_en="Data analyst in Akita")
    url = reverse("internships:index")
    member_html = page(signed_in(student).get(url))
    assert "Save this search" in member_html
    visitor_html = page(Client().get(url))
    assert "Data analyst in Akita" in visitor_html
    assert "Save this search" not in visitor_html


def test_with_redis_down_the_shared_parts_are_rendered(student, settings):
    settings.CACHES = cache_settings(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    published_module(title_en="Robotics across the Pacific")
    response = signed_in(student).get(reverse("courses:index"))
    assert response.status_code == 200
    assert "Robotics across the Pacific" in page(response)
