"""Post cards in the group page and the feed are rendered once and shared by every viewer
(community/fragments.py), yet each viewer sees their own reactions and token, and every change
shows at once."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from community import services
from community.tests.factories import CommunityGroupFactory

pytestmark = pytest.mark.django_db


def cards_rendered(response) -> int:
    return sum(template.name == "community/_post.html" for template in response.templates)


def card(html: str, post) -> str:
    return re.search(rf'<article class="post" id="post-{post.pk}".*?</article>', html, re.S).group(0)


def pressed(html: str, post, label: str) -> bool:
    found = re.search(rf'aria-pressed="(true|false)">{label}(?: <span>\d+</span>)?</button>', card(html, post))
    return found.group(1) == "true"


@pytest.fixture
def club(student, other_student):
    group = CommunityGroupFactory(name_en="Kobe Photo Walk", slug="kobe-photo", join_policy="open")
    services.add_member(group=group, user=other_student, role="owner")
    services.add_member(group=group, user=student)
    return group


@pytest.fixture
def posts(club, other_student):
    return [services.create_post(group=club, author=other_student, body=f"Walk number {n}") for n in range(3)]


def test_a_second_member_gets_the_cards_the_first_one_rendered(settings, club, posts, student, other_student):
    settings.PAGE_CACHE_SECONDS = 0  # each page renders: only the cards may come from the cache
    mai, lucas = Client(), Client()
    mai.force_login(student)
    lucas.force_login(other_student)
    first = mai.get(club.get_absolute_url())
    assert cards_rendered(first) == 3
    second = lucas.get(club.get_absolute_url())
    assert cards_rendered(second) == 0
    for post in posts:
        assert f"Walk number {posts.index(post)}" in card(second.content.decode(), post)


def test_each_viewer_sees_their_own_reactions_pressed(settings, club, posts, student, other_student):
    settings.PAGE_CACHE_SECONDS = 0
    services.toggle_reaction(post=posts[0], user=student, kind="like")
    mai, lucas = Client(), Client()
    mai.force_login(student)
    lucas.force_login(other_student)
    mine = mai.get(club.get_absolute_url()).content.decode()
    theirs = lucas.get(club.get_absolute_url()).content.decode()
    assert pressed(mine, posts[0], "Like") and not pressed(theirs, posts[0], "Like")
    assert not pressed(mine, posts[1], "Like")
    assert "Like <span>1</span>" in card(theirs, posts[0])


def test_a_shared_card_carries_each_viewers_own_csrf_token(settings, club, posts, student, other_student):
    settings.PAGE_CACHE_SECONDS = 0
    lucas = Client()
    lucas.force_login(other_student)
    lucas.get(club.get_absolute_url())
    mai = Client(enforce_csrf_checks=True)
    mai.force_login(student)
    html = mai.get(club.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card(html, posts[1])).group(1)
    assert "pagecache" not in token
    react = reverse("community:post_react", args=[club.slug, posts[1].pk])
    assert mai.post(react, {"kind": "thanks", "csrfmiddlewaretoken": token}).status_code == 302
    assert pressed(mai.get(club.get_absolute_url()).content.decode(), posts[1], "Thanks")


def test_every_change_to_a_card_shows_on_the_next_view(club, posts, student, other_student):
    mai = Client()
    mai.force_login(student)
    url = club.get_absolute_url()
    mai.get(url)
    services.edit_post(post=posts[2], by=other_student, body="Walk moved to Sunday")
    other_student.display_name = "Lucas Renamed"
    other_student.save()
    services.toggle_reaction(post=posts[1], user=other_student, kind="celebrate")
    html = mai.get(url).content.decode()
    assert "Walk moved to Sunday" in card(html, posts[2]) and "edited" in card(html, posts[2])
    assert all("Lucas Renamed" in card(html, post) for post in posts)
    assert "Celebrate <span>1</span>" in card(html, posts[1])
    services.add_comment(post=posts[0], author=student, body="Count me in")
    html = mai.get(url).content.decode()
    assert "1 comment" in card(html, posts[0])


def test_the_feed_and_the_group_page_each_show_their_own_card_in_the_viewers_language(settings, club, posts, student):
    settings.PAGE_CACHE_SECONDS = 0
    mai = Client()
    mai.force_login(student)
    feed = mai.get(reverse("community:feed")).content.decode()
    assert "Kobe Photo Walk" in card(feed, posts[0])  # the feed names the group; the group page does not need to
    group_page = mai.get(club.get_absolute_url()).content.decode()
    assert 'name="next" value="/community/groups/kobe-photo/"' in card(group_page, posts[0])
    student.language = "ja"
    student.save(update_fields=["language"])
    japanese = mai.get(club.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "いいね" in card(japanese, posts[0]) or "コメント" in card(japanese, posts[0])
