"""Long newest-first lists page by the last row shown (community.keyset), not by OFFSET."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.models import Notification, Post

from .factories import CommunityGroupFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db


def older_link(html):
    match = re.search(r'href="\?([^"]*after=[^"]+)" rel="next"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def shown_posts(html):
    return re.findall(r"Post number \d+", html)


@pytest.fixture
def big_group(student):
    group = CommunityGroupFactory(slug="big-feed", name_en="Big feed")
    MembershipFactory(group=group, user=student)
    posts = PostFactory.create_batch(45, group=group)
    # Five posts share one timestamp: the pk breaks the tie, so none is skipped or repeated.
    same = timezone.now() - timedelta(days=1)
    Post.objects.filter(pk__in=[post.pk for post in posts[10:15]]).update(created_at=same)
    return group, posts


def test_following_older_links_shows_every_post_once_newest_first(client, student, big_group):
    group, posts = big_group
    client.force_login(student)
    expected = [post.body for post in Post.objects.filter(group=group).order_by("-created_at", "-pk")]
    seen, query, pages = [], "", 0
    while True:
        html = client.get(group.get_absolute_url() + (f"?{query}" if query else "")).content.decode()
        seen += shown_posts(html)
        pages += 1
        if pages > 1:
            assert ">Newest</a>" in html
        query = older_link(html)
        if query is None:
            break
    assert pages == 3
    assert seen == expected
    assert len(set(seen)) == 45


def test_an_older_page_is_read_without_offset(client, student, big_group, settings):
    settings.PAGE_CACHE_SECONDS = 0
    group, _posts = big_group
    client.force_login(student)
    first = client.get(group.get_absolute_url()).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(group.get_absolute_url() + "?" + older_link(first))
    assert second.status_code == 200
    assert not any("OFFSET" in query["sql"].upper() for query in queries.captured_queries)
    assert not set(shown_posts(first)) & set(shown_posts(second.content.decode()))


@pytest.mark.parametrize("cursor", ["x", "12-", "-3", "99999999999999999999-1", "1.5-2", "１２-3"])
def test_a_broken_cursor_shows_the_newest_page(client, student, big_group, cursor):
    group, _posts = big_group
    client.force_login(student)
    response = client.get(group.get_absolute_url(), {"after": cursor})
    assert response.status_code == 200
    newest = Post.objects.filter(group=group).order_by("-created_at", "-pk").first()
    assert newest.body in response.content.decode()


def test_notifications_page_by_position(client, student):
    Notification.objects.bulk_create(
        Notification(recipient=student, event="community.test", text=f"Note {n:02d}") for n in range(25)
    )
    client.force_login(student)
    url = reverse("community:notification_list")
    first = client.get(url).content.decode()
    second = client.get(url + "?" + older_link(first)).content.decode()
    notes = re.findall(r"Note \d\d", first) + re.findall(r"Note \d\d", second)
    assert sorted(notes) == [f"Note {n:02d}" for n in range(25)]
    assert older_link(second) is None


def test_my_feed_pages_through_the_posts_of_all_my_groups_once_each_newest_first(client, student):
    busy = CommunityGroupFactory(slug="busy-group")
    quiet = CommunityGroupFactory(slug="quiet-group")
    elsewhere = CommunityGroupFactory(slug="not-mine")
    MembershipFactory(group=busy, user=student)
    MembershipFactory(group=quiet, user=student)
    now = timezone.now()
    for n, group in enumerate([busy] * 40 + [quiet] * 6 + [elsewhere] * 5):
        post = PostFactory(group=group)
        # Interleaved in time: the quiet group's posts fall between the busy group's.
        Post.objects.filter(pk=post.pk).update(created_at=now - timedelta(minutes=(n * 7) % 51))
    hidden = Post.objects.filter(group=busy).order_by("pk").first()
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)
    expected = [
        post.body
        for post in Post.objects.filter(group__in=[busy, quiet], is_hidden=False).order_by("-created_at", "-pk")
    ]
    client.force_login(student)
    seen, query, pages = [], "", 0
    while True:
        html = client.get(reverse("community:feed") + (f"?{query}" if query else "")).content.decode()
        seen += shown_posts(html)
        pages += 1
        query = older_link(html)
        if query is None:
            break
    assert seen == expected
    assert len(seen) == 45 and pages == 3
