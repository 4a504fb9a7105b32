"""The catalogue and module pages from the page cache: seats, titles, enrolment and language are
always those of now, for each viewer."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from community.tests.factories import UserFactory
from community.tests.pages import csrf_token, form_fields, from_cache, page, signed_in, visit, without_csrf
from courses import services
from courses.models import Enrolment
from courses.tests.factories import EnrolmentFactory, SessionFactory, published_module
from credentials.tests.factories import AchievementFactory, PathwayFactory

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("courses:index")


@pytest.fixture
def module(faculty):
    return published_module(
        title_en="Sustainable Cities Osaka",
        title_ja="持続可能な都市・大阪",
        slug="cities-osaka",
        seats=2,
        owners=[faculty],
    )


def seats_left(html: str) -> str:
    return re.search(r'data-testid="seats-left">([^<]*)<', html).group(1)


def catalogue_card(html: str, title: str) -> str:
    return re.search(rf'<li class="card course-card">(?:(?!</li>\s*<li).)*{title}.*?</p>\s*</li>', html, re.S).group(0)


def test_catalogue_and_module_page_are_served_from_the_cache_on_the_second_visit(client, student, module):
    for url in (CATALOGUE, module.get_absolute_url()):
        first, second = visit(client, url), visit(client, url)
        assert "Sustainable Cities Osaka" in page(first)
        assert first.context is not None and from_cache(second)
        assert without_csrf(page(second)) == without_csrf(page(first))
    client.force_login(student)
    first, second = visit(client, module.get_absolute_url()), visit(client, module.get_absolute_url())
    assert from_cache(second) and without_csrf(page(second)) == without_csrf(page(first))


def test_an_enrolment_changes_the_seats_left_for_everyone(client, student, other_student, module):
    mai = signed_in(student)
    for viewer in (client, mai):
        visit(viewer, CATALOGUE)
        assert "Seats left: 2" in catalogue_card(page(visit(viewer, CATALOGUE)), "Sustainable Cities Osaka")
        visit(viewer, module.get_absolute_url())
        assert seats_left(page(visit(viewer, module.get_absolute_url()))) == "2 / 2"

    lucas = signed_in(other_student)
    assert lucas.post(reverse("courses:enrol", args=[module.slug])).status_code == 302

    for viewer in (client, mai):
        assert "Seats left: 1" in catalogue_card(page(visit(viewer, CATALOGUE)), "Sustainable Cities Osaka")
        assert seats_left(page(visit(viewer, module.get_absolute_url()))) == "1 / 2"

    assert mai.post(reverse("courses:enrol", args=[module.slug])).status_code == 302
    card = catalogue_card(page(visit(client, CATALOGUE)), "Sustainable Cities Osaka")
    assert "Full – waiting list open" in card and "Seats left" not in card
    assert seats_left(page(visit(client, module.get_absolute_url()))) == "0 / 2"


def test_only_the_enrolled_member_sees_that_they_are_enrolled(student, other_student, module):
    mai, lucas = signed_in(student), signed_in(other_student)
    for viewer in (mai, lucas):
        visit(viewer, module.get_absolute_url())
        assert from_cache(visit(viewer, module.get_absolute_url()))
    assert mai.post(reverse("courses:enrol", args=[module.slug])).status_code == 302
    visit(mai, module.get_absolute_url())  # the welcome message
    mine = page(visit(mai, module.get_absolute_url()))
    assert "You are enrolled." in mine and "Mai Student" in mine
    theirs = page(visit(lucas, module.get_absolute_url()))
    assert "You are enrolled." not in theirs and ">Enrol</button>" in theirs
    assert "Lucas Other" in theirs and "Mai Student" not in theirs


def test_enrolling_shows_the_welcome_once_and_withdrawing_shows_its_message_once(student, module):
    mai = signed_in(student)
    visit(mai, module.get_absolute_url())
    assert from_cache(visit(mai, module.get_absolute_url()))
    assert mai.post(reverse("courses:enrol", args=[module.slug])).status_code == 302
    shown = page(visit(mai, module.get_absolute_url()))
    assert "Welcome to the module’s community group!" in shown and "You are enrolled." in shown
    after = page(visit(mai, module.get_absolute_url()))
    assert "Welcome to the module’s community group!" not in after and "You are enrolled." in after
    assert from_cache(visit(mai, module.get_absolute_url()))

    assert mai.post(reverse("courses:withdraw", args=[module.slug])).status_code == 302
    shown = page(visit(mai, module.get_absolute_url()))
    assert "You have withdrawn from the module." in shown and ">Enrol</button>" in shown
    after = page(visit(mai, module.get_absolute_url()))
    assert "You have withdrawn from the module." not in after and ">Enrol</button>" in after


def test_a_learner_waiting_sees_their_seat_once_another_withdraws(student, other_student, module):
    EnrolmentFactory(module=module, learner=UserFactory())
    services.enrol_learner(module=module, learner=student)
    mai, lucas = signed_in(student), signed_in(other_student)
    assert lucas.post(reverse("courses:enrol", args=[module.slug]), {"waitlist": "1"}).status_code == 302
    visit(lucas, module.get_absolute_url())  # the message
    waiting = page(visit(lucas, module.get_absolute_url()))
    assert "You are on the waiting list." in waiting
    assert from_cache(visit(lucas, module.get_absolute_url()))
    assert mai.post(reverse("courses:withdraw", args=[module.slug])).status_code == 302
    html = page(visit(lucas, module.get_absolute_url()))
    assert "You are enrolled." in html and "You are on the waiting list." not in html
    assert Enrolment.objects.get(module=module, learner=other_student).status == Enrolment.Status.ENROLLED


def change_in_the_admin(user, module, **changes):
    """`user` opens the module's change form in the admin, changes some fields and saves it."""
    admin = signed_in(user)
    url = reverse("admin:courses_module_change", args=[module.pk])
    fields = form_fields(page(admin.get(url)), id="module_form")
    fields.update({name: [value] for name, value in changes.items()})
    response = admin.post(url, fields)
    assert response.status_code == 302, page(response)[:3000]


def test_a_module_renamed_in_the_admin_shows_its_new_title_in_the_catalogue_and_on_its_page(client, faculty, module):
    for url in (CATALOGUE, module.get_absolute_url()):
        visit(client, url)
        assert "Sustainable Cities Osaka" in page(visit(client, url))
    change_in_the_admin(faculty, module, title_en="Sustainable Cities Osaka and Lyon")
    for url in (CATALOGUE, module.get_absolute_url()):
        html = page(visit(client, url))
        assert "Sustainable Cities Osaka and Lyon" in html
        assert "Sustainable Cities Osaka<" not in html


def test_seats_raised_in_the_admin_show_and_promote_the_learner_waiting(client, staff_member, other_student, module):
    for _ in range(2):
        EnrolmentFactory(module=module, learner=UserFactory())
    lucas = signed_in(other_student)
    lucas.post(reverse("courses:enrol", args=[module.slug]), {"waitlist": "1"})
    visit(lucas, module.get_absolute_url())  # the message
    assert "You are on the waiting list." in page(visit(lucas, module.get_absolute_url()))
    visit(client, module.get_absolute_url())
    assert seats_left(page(visit(client, module.get_absolute_url()))) == "0 / 2"
    change_in_the_admin(staff_member, module, seats="4")
    assert seats_left(page(visit(client, module.get_absolute_url()))) == "1 / 4"
    assert "You are enrolled." in page(visit(lucas, module.get_absolute_url()))


def test_a_module_archived_in_the_admin_leaves_the_catalogue_and_answers_404(client, faculty, module):
    for url in (CATALOGUE, module.get_absolute_url()):
        visit(client, url)
        assert from_cache(visit(client, url))
    admin = signed_in(faculty)
    admin.post(reverse("admin:courses_module_changelist"), {"action": "archive", "_selected_action": [module.pk]})
    assert "Sustainable Cities Osaka" not in page(visit(client, CATALOGUE))
    assert visit(client, module.get_absolute_url()).status_code == 404


def test_a_new_pathway_shows_on_the_page_of_a_module_it_stacks(client, module):
    achievement = AchievementFactory(name_en="Urban Planning Badge")
    module.achievement = achievement
    module.save(update_fields=["achievement"])
    visit(client, module.get_absolute_url())
    cached = visit(client, module.get_absolute_url())
    assert from_cache(cached) and "Urban Planning Badge" in page(cached) and "It stacks into" not in page(cached)
    PathwayFactory(name_en="Global Cities Pathway", components=[achievement])
    html = page(visit(client, module.get_absolute_url()))
    assert "It stacks into:" in html and "Global Cities Pathway" in html


def test_visitors_in_different_time_zones_each_get_their_own_schedule(module):
    SessionFactory(module=module, weekday=2, starts_at="18:00")
    tokyo, new_york = Client(), Client()
    new_york.cookies["jige_tz"] = "America/New_York"
    visit(tokyo, module.get_absolute_url())
    assert from_cache(cached := visit(tokyo, module.get_absolute_url()))
    assert "Times are shown in your time zone (Asia/Tokyo)." in page(cached)
    html = page(visit(new_york, module.get_absolute_url()))
    assert "Times are shown in your time zone (America/New_York)." in html
    assert "Times are shown in your time zone (Asia/Tokyo)." not in html


def test_a_cached_module_page_carries_a_csrf_token_that_works_for_this_browser(student, module):
    mai = signed_in(student, enforce_csrf_checks=True)
    visit(mai, module.get_absolute_url())
    cached = visit(mai, module.get_absolute_url())
    assert from_cache(cached)
    response = mai.post(reverse("courses:enrol", args=[module.slug]), {"csrfmiddlewaretoken": csrf_token(cached)})
    assert response.status_code == 302
    assert Enrolment.objects.filter(module=module, learner=student).exists()


def test_two_visitors_each_get_their_own_csrf_token_from_the_cached_catalogue(module):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    rendered, cached = visit(first, CATALOGUE), visit(second, CATALOGUE)
    assert rendered.context is not None and from_cache(cached)
    switch = {"language": "ja", "next": CATALOGUE}
    assert (
        second.post(reverse("set_language"), {**switch, "csrfmiddlewaretoken": csrf_token(rendered)}).status_code == 403
    )
    assert (
        second.post(reverse("set_language"), {**switch, "csrfmiddlewaretoken": csrf_token(cached)}).status_code == 302
    )
    assert "持続可能な都市・大阪" in page(visit(second, CATALOGUE))


def test_catalogue_and_module_page_follow_the_language_switch_and_back(client, module):
    for url in (CATALOGUE, module.get_absolute_url()):
        visit(client, url)
        assert from_cache(visit(client, url))
    client.post(reverse("set_language"), {"language": "ja", "next": CATALOGUE})
    catalogue = page(visit(client, CATALOGUE))
    assert "持続可能な都市・大阪" in catalogue and "残り2席" in catalogue
    assert "Sustainable Cities Osaka" not in catalogue
    detail = page(visit(client, module.get_absolute_url()))
    assert "持続可能な都市・大阪" in detail and "残り席数" in detail and "Seats left" not in detail
    assert from_cache(visit(client, module.get_absolute_url()))
    client.post(reverse("set_language"), {"language": "en", "next": CATALOGUE})
    for url in (CATALOGUE, module.get_absolute_url()):
        html = page(visit(client, url))
        assert "Sustainable Cities Osaka" in html and "持続可能な都市・大阪" not in html
