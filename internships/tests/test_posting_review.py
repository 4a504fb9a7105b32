"""Staff review of postings: staff hear of postings waiting, and can send one back with a reason the company sees."""

import pytest
from django.urls import reverse

from community.models import Notification
from internships import services
from internships.models import Posting
from internships.tests.factories import PostingFactory


@pytest.fixture
def draft(company):
    return PostingFactory(company=company, status=Posting.Status.DRAFT, title_en="Kaizen assistant")


@pytest.mark.django_db
def test_staff_are_told_when_a_posting_waits_for_review(client, draft, company_contact, staff_member):
    services.submit_posting(posting=draft, by=company_contact)
    notification = Notification.objects.get(recipient=staff_member, event="internships.posting.submitted")
    assert notification.url == draft.get_absolute_url()

    client.force_login(staff_member)
    queue = client.get(reverse("internships:staff_queue")).content.decode()
    assert "審査待ちの募集：1件" in queue  # the staff persona reads Japanese
    assert draft.title_ja in queue


@pytest.mark.django_db
def test_staff_send_a_posting_back_and_the_company_reads_why(
    client, draft, company_contact, staff_member, django_capture_on_commit_callbacks
):
    services.submit_posting(posting=draft, by=company_contact)
    client.force_login(staff_member)
    detail = client.get(draft.get_absolute_url()).content.decode()
    assert reverse("internships:posting_return", args=[draft.pk]) in detail

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("internships:posting_return", args=[draft.pk]),
            {"reason": "Please state the monthly pay."},
            follow=True,
        )
    assert "理由を添えて募集を企業に差し戻しました" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Posting.Status.DRAFT
    assert draft.review_note == "Please state the monthly pay."
    told = Notification.objects.get(recipient=company_contact, event="internships.posting.returned")
    assert "Please state the monthly pay." in str(told.text)

    client.force_login(company_contact)
    assert "Please state the monthly pay." in client.get(draft.get_absolute_url()).content.decode()
    assert "Please state the monthly pay." in client.get(reverse("internships:company_home")).content.decode()

    # Submitting again clears the reason and puts the posting back in the queue.
    services.submit_posting(posting=draft, by=company_contact)
    draft.refresh_from_db()
    assert (draft.status, draft.review_note) == (Posting.Status.IN_REVIEW, "")


@pytest.mark.django_db
def test_sending_back_needs_a_reason_and_a_posting_under_review(client, draft, company_contact, staff_member):
    services.submit_posting(posting=draft, by=company_contact)
    client.force_login(staff_member)
    response = client.post(reverse("internships:posting_return", args=[draft.pk]), {"reason": "  "}, follow=True)
    assert "募集を差し戻す理由を企業にお伝えください" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Posting.Status.IN_REVIEW

    published = PostingFactory(company=draft.company)
    response = client.post(reverse("internships:posting_return", args=[published.pk]), {"reason": "No"}, follow=True)
    assert "差し戻せるのは審査待ちの募集だけです" in response.content.decode()
    published.refresh_from_db()
    assert published.status == Posting.Status.PUBLISHED


@pytest.mark.django_db
def test_only_staff_may_send_a_posting_back(client, draft, company_contact, student):
    services.submit_posting(posting=draft, by=company_contact)
    for person in (student, company_contact):
        client.force_login(person)
        response = client.post(reverse("internships:posting_return", args=[draft.pk]), {"reason": "x"})
        assert response.status_code in (302, 403, 404)
        draft.refresh_from_db()
        assert draft.status == Posting.Status.IN_REVIEW
