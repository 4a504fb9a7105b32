"""A group's page of posts is shared between the viewers who may read it (pagecache.shared), with
the page cache off: a second member's first view does not query the posts, yet each viewer sees
their own reactions and whether they may react, and a new name or picture of an author shows at
once, while saves that change neither leave the shared page in place."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community import services
from community.tests.factories import CommunityGroupFactory, UserFactory
from community.tests.pages import page, signed_in, visit
from jige_portal.prepared import statement_sql
from tests.throwaway_redis import cache_settings, free_port

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off", "shared_fragments_on")]


@pytest.fixture
def club(student, other_student):
    group = CommunityGroupFactory(name_en="Sendai Cycling", slug="sendai-cycling", join_policy="open")
    services.add_member(group=group, user=other_student, role="owner")
    services.add_member(group=group, user=student)
    return group


@pytest.fixture
def rides(club, other_student):
    return [services.create_post(group=club, author=other_student, body=f"Ride number {n}") for n in range(3)]


def post_queries(client, url) -> tuple[list[str], str]:
    """The SQL of a view that reads the posts table, and the page."""
    with CaptureQueriesContext(connection) as queries:
        response = visit(client, url)
    assert response.status_code == 200
    sql = [statement_sql(q["sql"]) for q in queries]  # a prepared query's statement, not its EXECUTE
    return [text for text in sql if 'FROM "community_post"' in text], page(response)


def card(html: str, post) -> str:
    return re.search(rf'<article class="post" id="post-{post.pk}".*?</article>', html, re.S).group(0)


def test_a_second_member_reads_none_of_the_posts_the_first_one_opened(club, rides, student, other_student):
    url = club.get_absolute_url()
    first, _html = post_queries(signed_in(other_student), url)
    assert first, "the first view reads the posts"
    second, html = post_queries(signed_in(student), url)
    assert second == []
    for number, ride in enumerate(rides):
        assert f"Ride number {number}" in card(html, ride)


def test_each_member_sees_only_their_own_reactions_on_the_shared_posts(club, rides, student, other_student):
    services.toggle_reaction(post=rides[1], user=student, kind="like")
    url = club.get_absolute_url()
    theirs = page(signed_in(other_student).get(url))
    mine = page(signed_in(student).get(url))
    assert 'value="like" aria-pressed="true"' in card(mine, rides[1])
    assert 'value="like" aria-pressed="true"' not in card(theirs, rides[1])
    assert 'value="like" aria-pressed="true"' not in card(mine, rides[0])


def test_a_visitor_of_an_open_group_sees_the_counts_but_no_reaction_buttons(club, rides, student):
    services.toggle_reaction(post=rides[0], user=student, kind="like")
    url = club.get_absolute_url()
    signed_in(student).get(url)
    outsider = card(page(signed_in(UserFactory()).get(url)), rides[0])
    assert "Ride number 0" in outsider and "<span>Like 1</span>" in outsider
    assert 'name="kind"' not in outsider
    assert 'name="kind"' in card(page(signed_in(student).get(url)), rides[0])


def test_an_authors_new_name_and_picture_show_at_once_on_the_shared_posts(club, rides, student, other_student):
    url = club.get_absolute_url()
    signed_in(student).get(url)
    other_student.display_name = "Kenta on a new bike"
    other_student.save()
    assert "Kenta on a new bike" in card(page(signed_in(student).get(url)), rides[0])
    picture = SimpleUploadedFile("me.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif")
    other_student.avatar.save("me.gif", picture)
    html = card(page(signed_in(student).get(url)), rides[0])
    assert other_student.avatar.url in html


def test_saves_that_change_no_name_or_picture_keep_the_shared_posts(club, rides, student, other_student):
    url = club.get_absolute_url()
    signed_in(other_student).get(url)
    other_student.language = "ja"
    other_student.save()  # a whole-row save with the same name and picture
    student.save(update_fields=["last_login"])  # what every sign-in writes
    queries, _html = post_queries(signed_in(student), url)
    assert queries == []


def test_an_older_page_of_posts_is_shared_under_its_own_address(club, other_student, student):
    posts = [services.create_post(group=club, author=other_student, body=f"Note {n:02}") for n in range(23)]
    url = club.get_absolute_url()
    newest = page(signed_in(other_student).get(url))
    older_link = re.search(r'href="(\?after=[^"]+)" rel="next"', newest).group(1)
    older = page(signed_in(student).get(url + older_link))
    assert "Note 02" in older and "Note 22" not in older
    assert "Note 22" in newest and "Note 02" not in newest
    assert len(posts) == 23


def test_with_redis_down_the_group_page_renders_its_posts(club, rides, student, settings):
    settings.CACHES = cache_settings(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    response = signed_in(student).get(club.get_absolute_url())
    assert response.status_code == 200
    assert "Ride number 2" in page(response)
