"""A group's settings and new post forms are rendered once per group, settings and language and
shared by its members (fragments.rendered_once); each member still sees their own settings and
posts with their own CSRF token."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from community import pagecache, services
from community.models import Membership, NotificationLevel, Post
from community.tests.factories import CommunityGroupFactory
from community.tests.pages import csrf_token, page, visit

pytestmark = pytest.mark.django_db

SELECTED = re.compile(r'<option value="([^"]*)" selected>')


@pytest.fixture
def club(student, other_student):
    group = CommunityGroupFactory(name_en="Sendai Hiking Club", name_ja="仙台ハイキング部", slug="sendai-hiking")
    services.add_member(group=group, user=student)
    services.add_member(group=group, user=other_student)
    return group


def browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def settings_form(html: str) -> str:
    start = html.index(reverse("community:group_notifications", args=["sendai-hiking"]))
    return html[start : html.index("</form>", start)]


def test_each_member_sees_their_own_settings_and_posts_with_their_own_token(
    student, other_student, club, page_cache_off
):
    Membership.objects.filter(group=club, user=other_student).update(notification_level=NotificationLevel.MUTE)
    mine, theirs = browser(student), browser(other_student)
    my_page, their_page = visit(mine, club.get_absolute_url()), visit(theirs, club.get_absolute_url())
    assert SELECTED.findall(settings_form(page(my_page))) == ["", ""]
    assert SELECTED.findall(settings_form(page(their_page))) == [NotificationLevel.MUTE, ""]
    assert csrf_token(my_page) != csrf_token(their_page)
    assert pagecache.CSRF_PLACEHOLDER not in page(my_page)
    posted = mine.post(
        reverse("community:post_create", args=[club.slug]),
        {"body": "Zao on Saturday?", "csrfmiddlewaretoken": csrf_token(visit(mine, club.get_absolute_url()))},
    )
    assert posted.status_code == 302 and Post.objects.filter(group=club, body="Zao on Saturday?").exists()
    refused = theirs.post(
        reverse("community:post_create", args=[club.slug]),
        {"body": "Not mine", "csrfmiddlewaretoken": csrf_token(my_page)},
    )
    assert refused.status_code == 403


def test_a_member_who_changes_their_settings_sees_the_change(student, club, page_cache_off):
    client = browser(student)
    visit(client, club.get_absolute_url())
    Membership.objects.filter(group=club, user=student).update(notification_level=NotificationLevel.ALL)
    assert SELECTED.findall(settings_form(page(visit(client, club.get_absolute_url())))) == [NotificationLevel.ALL, ""]


def test_the_forms_in_japanese_and_none_to_post_in_an_archived_group(student, other_student, club, page_cache_off):
    english = page(visit(browser(other_student), club.get_absolute_url()))
    assert "Notification settings for this group" in english and 'name="body"' in english
    student.language = "ja"
    student.save()
    client = browser(student)
    japanese = page(visit(client, club.get_absolute_url()))
    assert "このグループの通知設定" in japanese and "Notification settings for this group" not in japanese
    services.archive_group(group=club)
    archived = page(visit(client, club.get_absolute_url()))
    assert "このグループの通知設定" in archived and 'name="body"' not in archived


def test_a_page_served_from_the_page_cache_carries_each_members_own_token(student, club, settings):
    settings.PAGE_CACHE_SECONDS = 300
    client = browser(student)
    visit(client, club.get_absolute_url())
    cached = visit(client, club.get_absolute_url())
    assert cached.status_code == 200 and cached["X-Page-Cache"] == "hit"
    assert pagecache.CSRF_PLACEHOLDER not in page(cached)
    posted = client.post(
        reverse("community:post_create", args=[club.slug]),
        {"body": "From the cache", "csrfmiddlewaretoken": csrf_token(cached)},
    )
    assert posted.status_code == 302


@pytest.mark.parametrize("page_cache_seconds", [0, 300])
def test_a_post_that_writes_a_placeholder_carries_no_readers_token(
    student, other_student, club, settings, page_cache_seconds
):
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    guess = "pagecacheCsrfPlaceholder7f3a9c0d"  # the placeholder before it was derived from SECRET_KEY
    services.create_post(group=club, author=student, body=f"[Trail map](https://maps.example/?t={guess}) {guess}")
    reader = browser(other_student)
    for response in (visit(reader, club.get_absolute_url()), visit(reader, club.get_absolute_url())):
        html = page(response)
        assert html.count(guess) == 2 and f"t={guess}" in html  # the link and the text, as written
        assert csrf_token(response) not in html[html.index("Trail map") - 200 : html.index("Trail map")]
    assert guess != pagecache.CSRF_PLACEHOLDER and guess not in pagecache.CSRF_PLACEHOLDER
