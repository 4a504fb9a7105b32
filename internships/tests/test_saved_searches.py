"""Saved searches: students keep the list's filters; new matching postings reach their daily digest once."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community import services as community_services
from community.models import Notification, NotificationSettings, OutgoingEmail
from community.tests.factories import UserFactory
from conftest import wait_for
from internships import services, tasks
from internships.models import Posting, SavedSearch

from .factories import PostingFactory

# 09:00 in Tokyo: past the digest hour for the personas.
MORNING = datetime(2030, 5, 1, 0, 0, tzinfo=UTC)


def save(client, student, query="mode=remote&prefecture=13", name="Remote in Tokyo"):
    client.force_login(student)
    response = client.post(reverse("internships:saved_search_create"), {"name": name, "query": query})
    assert response.status_code == 302, response.content.decode()
    return SavedSearch.objects.get(user=student, name=name)


@pytest.mark.django_db
def test_save_this_search_keeps_the_filters_of_the_list(client, student, company):
    client.force_login(student)
    page = client.get(reverse("internships:index"), {"mode": "remote", "prefecture": "13"}).content.decode()
    assert reverse("internships:saved_search_create") + "?mode=remote&amp;prefecture=13" in page

    form = client.get(reverse("internships:saved_search_create"), {"mode": "remote", "prefecture": "13"})
    assert "Tokyo" in form.content.decode()
    search = save(client, student)
    assert search.filters == {"mode": "remote", "prefecture": "13"}
    listing = client.get(reverse("internships:saved_searches")).content.decode()
    assert "Remote in Tokyo" in listing
    assert "Tokyo" in listing


@pytest.mark.django_db
def test_a_nameless_search_is_refused_with_a_reason(client, student):
    client.force_login(student)
    response = client.post(reverse("internships:saved_search_create"), {"name": "  ", "query": "mode=remote"})
    assert response.status_code == 200
    assert not SavedSearch.objects.exists()
    assert "This field is required." in response.content.decode()


@pytest.mark.django_db
def test_filters_that_are_not_valid_save_nothing(client, student):
    client.force_login(student)
    response = client.post(reverse("internships:saved_search_create"), {"name": "X", "query": "mode=flying"})
    assert response.status_code == 200
    assert "These filters are not valid any more" in response.content.decode()
    assert not SavedSearch.objects.exists()


@pytest.mark.django_db
def test_only_students_save_searches(client, company_contact, faculty):
    for user in (company_contact, faculty):
        client.force_login(user)
        assert client.get(reverse("internships:saved_searches")).status_code == 403
        assert client.post(reverse("internships:saved_search_create"), {"name": "X"}).status_code == 403
    client.logout()
    assert client.get(reverse("internships:saved_searches")).status_code == 302


@pytest.mark.django_db
def test_the_limit_of_saved_searches_is_explained(client, student):
    SavedSearch.objects.bulk_create(
        [SavedSearch(user=student, name=f"S{i}") for i in range(SavedSearch.MAX_PER_MEMBER)]
    )
    client.force_login(student)
    response = client.post(reverse("internships:saved_search_create"), {"name": "One more", "query": ""})
    assert "You can keep at most 30 saved searches" in response.content.decode()
    assert SavedSearch.objects.filter(user=student).count() == SavedSearch.MAX_PER_MEMBER


@pytest.mark.django_db
def test_delete_asks_first_and_only_the_owner_may(client, student, other_student):
    search = save(client, student)
    client.force_login(other_student)
    other_student.groups.add(*student.groups.all())
    assert client.get(reverse("internships:saved_search_delete", args=[search.pk])).status_code == 404
    assert client.post(reverse("internships:saved_search_delete", args=[search.pk])).status_code == 404
    client.force_login(student)
    confirm = client.get(reverse("internships:saved_search_delete", args=[search.pk]))
    assert "Delete the saved search “Remote in Tokyo”?" in confirm.content.decode()
    assert SavedSearch.objects.filter(pk=search.pk).exists()
    client.post(reverse("internships:saved_search_delete", args=[search.pk]))
    assert not SavedSearch.objects.filter(pk=search.pk).exists()


@pytest.mark.django_db
def test_new_matching_posting_is_in_the_next_digest_once_and_others_are_not(client, student, company):
    old = PostingFactory(company=company, mode=Posting.Mode.REMOTE, prefecture="13", title_en="Old remote")
    old.published_at = timezone.now() - timedelta(days=1)
    old.save()
    search = save(client, student)
    new = PostingFactory(company=company, mode=Posting.Mode.REMOTE, prefecture="13", title_en="Data analyst")
    PostingFactory(company=company, mode=Posting.Mode.ON_SITE, prefecture="13", title_en="On-site barista")
    PostingFactory(company=company, mode=Posting.Mode.REMOTE, prefecture="13", title_en="Draft", status="draft")

    assert tasks.alert_saved_searches() == 1
    assert tasks.alert_saved_searches() == 0  # run twice: nothing new

    alerts = Notification.objects.filter(recipient=student, event="internships.saved_search.matched")
    assert [n.url for n in alerts] == [new.get_absolute_url()]
    assert community_services.send_notification_digests(now=MORNING) == 1
    body = OutgoingEmail.objects.get(to=[student.email]).body_text
    assert "Remote in Tokyo" in body and "Data analyst" in body
    assert "Old remote" not in body and "barista" not in body and "Draft" not in body

    # The next day: the same posting is not sent again.
    assert tasks.alert_saved_searches() == 0
    assert community_services.send_notification_digests(now=MORNING + timedelta(days=1)) == 0
    assert search.matches.count() == 1


@pytest.mark.django_db
def test_a_posting_published_by_staff_later_counts_as_new(client, student, company, staff_member):
    draft = PostingFactory(company=company, mode=Posting.Mode.REMOTE, prefecture="13", status="in_review")
    save(client, student)
    services.publish_posting(posting=draft, by=staff_member)
    assert tasks.alert_saved_searches() == 1


@pytest.mark.django_db
def test_the_alert_is_in_the_members_language(client, student, company):
    student.language = "ja"
    student.save()
    save(client, student, query="q=データ", name="データ分析")
    PostingFactory(company=company, title_en="Data analyst", title_ja="データ分析インターン")
    assert tasks.alert_saved_searches() == 1
    assert community_services.send_notification_digests(now=MORNING) == 1
    body = OutgoingEmail.objects.get(to=[student.email]).body_text
    assert "保存した検索「データ分析」に新しいインターンシップがあります：データ分析インターン" in body


@pytest.mark.django_db
def test_a_muted_member_gets_no_alert(client, student, company):
    save(client, student, query="")
    NotificationSettings.objects.update_or_create(user=student, defaults={"level": "mute"})
    PostingFactory(company=company)
    tasks.alert_saved_searches()
    assert not Notification.objects.filter(recipient=student).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_saved_search_list_query_budget(client, student, rows, django_assert_max_num_queries):
    SavedSearch.objects.bulk_create(
        [SavedSearch(user=student, name=f"Search {i}", filters={"mode": "remote", "q": "data"}) for i in range(rows)]
    )
    client.force_login(student)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("internships:saved_searches"))
    assert len(response.context["rows"]) == min(rows, 20)


@pytest.mark.worker
def test_alerts_are_made_by_a_real_worker(celery_worker_process):
    student = UserFactory(roles=["student"])
    search = SavedSearch.objects.create(user=student, name="Anything")
    posting = PostingFactory()
    tasks.alert_saved_searches.delay()
    wait_for(lambda: search.matches.filter(posting=posting).exists())
    assert Notification.objects.filter(recipient=student, email=Notification.Email.DIGEST).count() == 1
