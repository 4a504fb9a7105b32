"""A posting's page: what the posting is is shared between everyone who may see it
(pagecache.shared), the way to apply and staff's actions stay each viewer's own, and the page comes
from the page cache on a member's second visit while nothing changed."""

import pytest
from django.test import Client
from django.urls import reverse

from community.models import Role
from community.tests.factories import UserFactory
from community.tests.pages import from_cache, page, signed_in, templates_rendered, visit
from internships.models import Posting

from .factories import ApplicationFactory, PostingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_fragments_on")]
BODY = "internships/_posting_body.html"


@pytest.fixture
def posting(company):
    return PostingFactory(company=company, title_en="Sensor data internship in Gunma")


def test_a_second_student_gets_the_posting_without_rendering_it(settings, posting, student):
    settings.PAGE_CACHE_SECONDS = 0
    url = posting.get_absolute_url()
    assert templates_rendered(signed_in(UserFactory(roles=[Role.STUDENT])).get(url), BODY) == 1
    second = signed_in(student).get(url)
    assert templates_rendered(second, BODY) == 0
    assert "Sensor data internship in Gunma" in page(second) and "Python" in page(second)
    assert reverse("internships:apply", args=[posting.pk]) in page(second)


def test_each_viewer_keeps_their_own_way_to_apply(settings, posting, student):
    settings.PAGE_CACHE_SECONDS = 0
    application = ApplicationFactory(posting=posting, student=student)
    url = posting.get_absolute_url()
    mine = page(signed_in(student).get(url))
    assert application.get_absolute_url() in mine
    other = page(signed_in(UserFactory(roles=[Role.STUDENT])).get(url))
    assert application.get_absolute_url() not in other
    assert reverse("internships:apply", args=[posting.pk]) in other
    assert "Sign in to apply" in page(Client().get(url))


def test_an_edit_shows_at_once_to_the_next_viewer(settings, posting, student):
    settings.PAGE_CACHE_SECONDS = 0
    url = posting.get_absolute_url()
    signed_in(student).get(url)
    posting.title_en = "Sensor data internship in Takasaki"
    posting.save()
    assert "Sensor data internship in Takasaki" in page(signed_in(UserFactory(roles=[Role.STUDENT])).get(url))


def test_a_draft_stays_with_its_company_and_staff(settings, company, company_contact, staff_member, student):
    settings.PAGE_CACHE_SECONDS = 0
    draft = PostingFactory(company=company, title_en="Unpublished robotics role", status=Posting.Status.DRAFT)
    url = draft.get_absolute_url()
    assert "Unpublished robotics role" in page(signed_in(company_contact).get(url))
    assert signed_in(student).get(url).status_code == 404
    assert Client().get(url).status_code == 404
    assert reverse("internships:posting_publish", args=[draft.pk]) in page(signed_in(staff_member).get(url))
    assert reverse("internships:posting_publish", args=[draft.pk]) not in page(signed_in(company_contact).get(url))


def test_a_members_second_visit_comes_from_the_page_cache_until_they_apply(posting, student):
    client = signed_in(student)
    url = posting.get_absolute_url()
    visit(client, url)
    assert from_cache(visit(client, url))
    application = ApplicationFactory(posting=posting, student=student)
    again = visit(client, url)
    assert not from_cache(again)
    assert application.get_absolute_url() in page(again)
