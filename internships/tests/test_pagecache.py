"""The internship list and the application page from the page cache: postings, statuses, eligibility
and who may see an application are always those of now."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from community.models import Role
from community.tests.factories import UserFactory
from community.tests.pages import (
    csrf_token,
    form_fields,
    from_cache,
    page,
    remove_role_in_the_admin,
    signed_in,
    visit,
    without_csrf,
)
from internships.models import Application, Posting

from .factories import ApplicationFactory, PostingFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("internships:index")


@pytest.fixture
def english_staff(staff_member):
    staff_member.language = "en"
    staff_member.save(update_fields=["language"])
    return staff_member


@pytest.fixture
def posting(company):
    return PostingFactory(company=company, title_en="Data tools internship", title_ja="データツール開発インターン")


@pytest.fixture
def application(posting, student):
    return ApplicationFactory(posting=posting, student=student)


def status_of(html: str) -> str:
    return re.search(r'<span class="status status--[a-z_]+">([^<]+)</span>', html).group(1)


def test_internship_list_is_served_from_the_cache_on_the_second_visit(client, student, posting):
    for viewer in (client, signed_in(student)):
        first, second = visit(viewer, INDEX), visit(viewer, INDEX)
        assert "Data tools internship" in page(first)
        assert first.context is not None and from_cache(second)
        assert without_csrf(page(second)) == without_csrf(page(first))


def test_a_posting_published_by_staff_appears_in_the_list(client, english_staff, company):
    waiting = PostingFactory(company=company, title_en="Marketing internship", status=Posting.Status.IN_REVIEW)
    visit(client, INDEX)
    cached = visit(client, INDEX)
    assert from_cache(cached) and "Marketing internship" not in page(cached) and "0 internships" in page(cached)
    tanaka = signed_in(english_staff)
    assert tanaka.post(reverse("internships:posting_publish", args=[waiting.pk])).status_code == 302
    html = page(visit(client, INDEX))
    assert "Marketing internship" in html and "1 internship" in html


def test_a_published_posting_edited_by_its_company_leaves_the_list_until_staff_review_it(
    client, company_contact, english_staff, posting
):
    visit(client, INDEX)
    assert "Data tools internship" in page(visit(client, INDEX))
    contact = signed_in(company_contact)
    url = reverse("internships:posting_edit", args=[posting.pk])
    fields = form_fields(page(contact.get(url)), method="post")
    fields["title_en"] = ["Data platform internship"]
    assert contact.post(url, fields).status_code == 302
    html = page(visit(client, INDEX))
    assert "Data tools internship" not in html and "0 internships" in html
    signed_in(english_staff).post(reverse("internships:posting_publish", args=[posting.pk]))
    html = page(visit(client, INDEX))
    assert "Data platform internship" in html and "Data tools internship" not in html


def test_a_status_change_shows_on_the_application_page_of_every_staff_member_and_the_student(
    english_staff, student, application
):
    colleague = signed_in(UserFactory(roles=[Role.STAFF], display_name="Sato Colleague", language="en"))
    tanaka, mai = signed_in(english_staff), signed_in(student)
    url = application.get_absolute_url()
    for viewer in (tanaka, colleague, mai):
        visit(viewer, url)
        cached = visit(viewer, url)
        assert from_cache(cached) and status_of(page(cached)) == "Submitted"
    response = tanaka.post(
        reverse("internships:application_transition", args=[application.pk]), {"status": "staff_approved"}
    )
    assert response.status_code == 302
    visit(tanaka, url)  # the message
    for viewer in (tanaka, colleague, mai):
        assert status_of(page(visit(viewer, url))) == "Approved by staff"


def test_the_company_sees_the_application_only_once_staff_approved_it(company_contact, english_staff, application):
    contact = signed_in(company_contact)
    url = application.get_absolute_url()
    assert visit(contact, url).status_code == 404
    signed_in(english_staff).post(
        reverse("internships:application_transition", args=[application.pk]), {"status": "staff_approved"}
    )
    html = page(visit(contact, url))
    assert status_of(html) == "Approved by staff" and "Mai Student" in html


def test_the_status_message_shows_once_on_the_application_page(english_staff, application):
    tanaka = signed_in(english_staff)
    url = application.get_absolute_url()
    visit(tanaka, url)
    assert from_cache(visit(tanaka, url))
    tanaka.post(reverse("internships:application_transition", args=[application.pk]), {"status": "staff_approved"})
    shown = page(visit(tanaka, url))
    assert "The application is now “Approved by staff”." in shown
    after = visit(tanaka, url)
    assert "The application is now" not in page(after) and status_of(page(after)) == "Approved by staff"
    assert from_cache(visit(tanaka, url))


def test_work_eligibility_recorded_by_staff_shows_on_the_application_page(english_staff, student, application):
    tanaka = signed_in(english_staff)
    url = application.get_absolute_url()
    visit(tanaka, url)
    cached = visit(tanaka, url)
    assert from_cache(cached) and "Nothing recorded yet." in page(cached)
    edit = reverse("internships:eligibility_edit", args=[student.pk])
    fields = form_fields(page(tanaka.get(edit)), method="post")
    fields.update(
        residence_status=["student"],
        permission=["comprehensive"],
        permission_reference=["P-778899"],
        permission_valid_until=["2030-03-31"],
        next=[url],
    )
    assert tanaka.post(edit, fields).status_code == 302
    visit(tanaka, url)  # the message
    html = page(visit(tanaka, url))
    assert "P-778899" in html and "Nothing recorded yet." not in html


def test_the_student_and_staff_each_see_their_own_application_page(english_staff, student, application):
    tanaka, mai = signed_in(english_staff), signed_in(student)
    url = application.get_absolute_url()
    visit(tanaka, url)
    assert from_cache(staff_page := visit(tanaka, url))
    own = page(visit(mai, url))
    assert "Work eligibility" not in own and "Mark as “Approved by staff”" not in own and "Tanaka Staff" not in own
    assert "Work eligibility" in page(staff_page) and "Mark as “Approved by staff”" in page(staff_page)


def test_a_posting_retitled_in_the_admin_shows_on_its_applications_pages(english_staff, posting, application):
    tanaka = signed_in(english_staff)
    url = application.get_absolute_url()
    visit(tanaka, url)
    assert "Data tools internship" in page(visit(tanaka, url))
    change = reverse("admin:internships_posting_change", args=[posting.pk])
    fields = form_fields(page(tanaka.get(change)), id="posting_form")
    fields["title_en"] = ["Data platform internship"]
    response = tanaka.post(change, fields)
    assert response.status_code == 302, page(response)[:3000]
    visit(tanaka, url)  # the admin's message
    html = page(visit(tanaka, url))
    assert "Data platform internship" in html and "Data tools internship" not in html


def test_staff_who_lose_the_staff_role_get_404_for_an_application(english_staff, application):
    tanaka = signed_in(english_staff)
    url = application.get_absolute_url()
    visit(tanaka, url)
    assert from_cache(visit(tanaka, url))
    remove_role_in_the_admin(english_staff, Role.STAFF)
    assert visit(tanaka, url).status_code == 404


def test_a_cached_application_page_carries_a_csrf_token_that_works_for_this_browser(english_staff, application):
    tanaka = signed_in(english_staff, enforce_csrf_checks=True)
    url = application.get_absolute_url()
    visit(tanaka, url)
    cached = visit(tanaka, url)
    assert from_cache(cached)
    response = tanaka.post(
        reverse("internships:application_transition", args=[application.pk]),
        {"status": "staff_approved", "csrfmiddlewaretoken": csrf_token(cached)},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.STAFF_APPROVED


def test_internship_list_follows_the_language_switch_and_back(posting):
    client = Client()
    visit(client, INDEX)
    assert from_cache(visit(client, INDEX))
    client.post(reverse("set_language"), {"language": "ja", "next": INDEX})
    html = page(visit(client, INDEX))
    assert "データツール開発インターン" in html and "インターンシップを探す" in html
    assert "Data tools internship" not in html
    assert from_cache(visit(client, INDEX))
    client.post(reverse("set_language"), {"language": "en", "next": INDEX})
    html = page(visit(client, INDEX))
    assert "Data tools internship" in html and "データツール開発インターン" not in html


def test_application_page_in_the_staff_members_language_and_back(staff_member, application):
    tanaka = signed_in(staff_member)  # prefers Japanese
    url = application.get_absolute_url()
    visit(tanaka, url)
    cached = visit(tanaka, url)
    assert from_cache(cached) and status_of(page(cached)) == "応募済み" and "就労資格" in page(cached)
    tanaka.post(reverse("set_language"), {"language": "en", "next": url})
    html = page(visit(tanaka, url))
    assert status_of(html) == "Submitted" and "Work eligibility" in html and "就労資格" not in html
    tanaka.post(reverse("set_language"), {"language": "ja", "next": url})
    assert status_of(page(visit(tanaka, url))) == "応募済み"
