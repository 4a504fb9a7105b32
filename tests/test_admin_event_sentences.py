"""The admin's audit lists read as sentences in the reader's language, never as dotted event names."""

import re

import pytest
from django.urls import reverse

from community import services as community_services
from community.models import AuditEvent
from community.tests.factories import CommunityGroupFactory
from internships import services
from internships.models import Application
from internships.tests.factories import ApplicationFactory, HostCompanyFactory, PostingFactory


def readable(page: str) -> str:
    """What a reader sees: the page without its links' addresses."""
    return re.sub(r'href="[^"]*"', "", page)


@pytest.mark.django_db
def test_the_community_audit_log_in_the_admin_shows_sentences(client, staff_member, student):
    group = CommunityGroupFactory(name_en="Hiking club", name_ja="ハイキング部")
    community_services.add_member(group=group, user=student)
    assert AuditEvent.objects.filter(event="community.membership.added").exists()
    client.force_login(staff_member)  # reads Japanese
    page = client.get(reverse("admin:community_auditevent_changelist")).content.decode()
    assert "「…」にメンバーを追加しました。" in page  # the filter names events by their sentence
    assert "community.membership.added" not in readable(page)  # only in the filter's links


@pytest.mark.django_db
def test_the_application_audit_in_the_admin_shows_sentences(client, staff_member, student):
    posting = PostingFactory(company=HostCompanyFactory())
    application = ApplicationFactory(posting=posting, student=student, status=Application.Status.SUBMITTED)
    services.change_application_status(
        application=application, status=Application.Status.STAFF_APPROVED, by=staff_member
    )
    client.force_login(staff_member)
    for url in (
        reverse("admin:internships_applicationevent_changelist"),
        reverse("admin:internships_application_change", args=[application.pk]),
    ):
        page = client.get(url).content.decode()
        assert "スタッフ審査で応募を承認しました。" in page, url
        assert "internships.application.approved" not in readable(page), url
