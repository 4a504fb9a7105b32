"""The page cache as members see it: a second visit is served from the cache, and every change
shows on the very next request — to the member who made it and to everyone else."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import services
from community.models import Post, Role
from community.tests.factories import CommunityGroupFactory, PostFactory, UserFactory
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

pytestmark = pytest.mark.django_db


def like_button(html: str, post: Post) -> tuple[bool, int]:
    """(pressed by this member, count) of the Like button of one post."""
    article = re.search(rf'<article class="post" id="post-{post.pk}".*?</article>', html, re.S).group(0)
    found = re.search(r'aria-pressed="(true|false)">Like(?: <span>(\d+)</span>)?</button>', article)
    return found.group(1) == "true", int(found.group(2) or 0)


@pytest.fixture
def club(student, other_student):
    """An open group: Lucas owns it, Mai is a member, and Lucas has posted once."""
    group = CommunityGroupFactory(
        name_en="Kansai Hiking Club", name_ja="関西ハイキング部", slug="kansai-hiking", join_policy="open"
    )
    services.add_member(group=group, user=other_student, role="owner")
    services.add_member(group=group, user=student)
    PostFactory(group=group, author=other_student, body="Hike to Mount Rokko on Saturday")
    return group


@pytest.fixture
def secret_circle(student, other_student):
    group = CommunityGroupFactory(
        name_en="Quiet Readers", slug="quiet-readers", join_policy="invite", visibility="secret"
    )
    services.add_member(group=group, user=other_student, role="owner")
    services.add_member(group=group, user=student)
    PostFactory(group=group, author=other_student, body="Next book: Kokoro")
    return group


@pytest.fixture
def english_staff(staff_member):
    staff_member.language = "en"
    staff_member.save(update_fields=["language"])
    return staff_member


# --- the home page ------------------------------------------------------------------------------


def test_home_is_served_from_the_cache_on_the_second_visit(client, student):
    first = visit(client, reverse("home"))
    second = visit(client, reverse("home"))
    assert first.context is not None
    assert from_cache(second)
    assert without_csrf(page(second)) == without_csrf(page(first))
    # Operators (and the mixed run of `make bench`) see which it was.
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")

    client.force_login(student)
    first = visit(client, reverse("home"))
    second = visit(client, reverse("home"))
    assert "Welcome back, Mai Student." in page(first)
    assert from_cache(second)
    assert without_csrf(page(second)) == without_csrf(page(first))


def test_home_greets_each_member_by_their_own_name(student, other_student):
    mai, lucas = signed_in(student), signed_in(other_student)
    visit(mai, reverse("home"))
    assert from_cache(visit(mai, reverse("home")))
    html = page(visit(lucas, reverse("home")))
    assert "Welcome back, Lucas Other." in html
    assert "Mai Student" not in html
    assert "Lucas Other" not in page(visit(mai, reverse("home")))


def test_home_shows_the_new_display_name_after_the_profile_is_edited(client, student):
    client.force_login(student)
    visit(client, reverse("home"))
    assert from_cache(visit(client, reverse("home")))
    fields = form_fields(page(client.get(reverse("community:profile_edit"))), class_="form")
    fields["account-display_name"] = ["Mai Yamada"]
    assert client.post(reverse("community:profile_edit"), fields).status_code == 302
    visit(client, reverse("home"))  # the message
    html = page(visit(client, reverse("home")))
    assert "Welcome back, Mai Yamada." in html
    assert "Mai Student" not in html


def test_member_home_follows_the_language_switch_and_back(client, student):
    client.force_login(student)
    visit(client, reverse("home"))
    assert from_cache(visit(client, reverse("home")))
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    html = page(visit(client, reverse("home")))
    assert '<html lang="ja">' in html and "おかえりなさい、Mai Studentさん。" in html
    assert "Welcome back" not in html
    assert from_cache(again := visit(client, reverse("home")))
    assert "おかえりなさい" in page(again)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = page(visit(client, reverse("home")))
    assert '<html lang="en">' in html and "Welcome back, Mai Student." in html
    assert "おかえりなさい" not in html


def test_member_language_changed_on_the_profile_form_is_applied_at_once(client, student):
    client.force_login(student)
    visit(client, reverse("home"))
    assert from_cache(visit(client, reverse("home")))
    fields = form_fields(page(client.get(reverse("community:profile_edit"))), class_="form")
    fields["account-language"] = ["ja"]
    assert client.post(reverse("community:profile_edit"), fields).status_code == 302
    visit(client, reverse("home"))  # the message
    html = page(visit(client, reverse("home")))
    assert "おかえりなさい" in html and "Welcome back" not in html


def test_visitors_get_the_home_page_in_their_own_browsers_language():
    english, japanese = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="ja")
    visit(english, reverse("home"))
    assert from_cache(visit(english, reverse("home")))
    html = page(visit(japanese, reverse("home")))
    assert '<html lang="ja">' in html and "学び、働き、つながる" in html
    html = page(visit(english, reverse("home")))
    assert '<html lang="en">' in html and "学び、働き、つながる" not in html


# --- the group finder ---------------------------------------------------------------------------


def test_group_finder_is_served_from_the_cache_on_the_second_visit(client, student, club):
    client.force_login(student)
    first = visit(client, reverse("community:group_list"))
    second = visit(client, reverse("community:group_list"))
    assert "Kansai Hiking Club" in page(first)
    assert from_cache(second)
    assert without_csrf(page(second)) == without_csrf(page(first))


def card(html: str, name: str) -> str:
    return re.search(rf'<li class="card group-card">(?:(?!</li>).)*{name}.*?</li>', html, re.S).group(0)


def test_joining_a_group_shows_on_the_finder_and_only_for_the_member_who_joined(club):
    newcomer, onlooker = UserFactory(display_name="Aiko Newcomer"), UserFactory(display_name="Ken Onlooker")
    aiko, ken = signed_in(newcomer), signed_in(onlooker)
    for client in (aiko, ken):
        visit(client, reverse("community:group_list"))
        html = page(visit(client, reverse("community:group_list")))
        assert "2 members" in card(html, "Kansai Hiking Club")
        assert "You are a member" not in card(html, "Kansai Hiking Club")

    assert aiko.post(reverse("community:group_join", args=[club.slug])).status_code == 302
    visit(aiko, club.get_absolute_url())  # the welcome message
    mine = card(page(visit(aiko, reverse("community:group_list"))), "Kansai Hiking Club")
    assert "3 members" in mine and "You are a member" in mine
    theirs = card(page(visit(ken, reverse("community:group_list"))), "Kansai Hiking Club")
    assert "3 members" in theirs and "You are a member" not in theirs


def test_a_new_group_appears_in_the_finder(client, student, other_student, club):
    client.force_login(student)
    visit(client, reverse("community:group_list"))
    assert "Osaka Board Games" not in page(visit(client, reverse("community:group_list")))
    services.create_group(name_en="Osaka Board Games", category="hobby", owner=other_student)
    assert "Osaka Board Games" in page(visit(client, reverse("community:group_list")))


def test_finder_follows_the_language_switch_and_back(client, student, club):
    client.force_login(student)
    visit(client, reverse("community:group_list"))
    assert from_cache(visit(client, reverse("community:group_list")))
    client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    html = page(visit(client, reverse("community:group_list")))
    assert "関西ハイキング部" in html and "参加中" in html
    assert "Kansai Hiking Club" not in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = page(visit(client, reverse("community:group_list")))
    assert "Kansai Hiking Club" in html and "関西ハイキング部" not in html


# --- a group's page (its feed) --------------------------------------------------------------------


def test_group_page_from_the_cache_costs_at_most_two_queries(client, student, club):
    client.force_login(student)
    first = visit(client, club.get_absolute_url())
    visit(client, club.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        hit = visit(client, club.get_absolute_url())
    assert from_cache(hit)
    assert len(queries) <= 2, [query["sql"] for query in queries.captured_queries]
    assert "Hike to Mount Rokko on Saturday" in page(hit)
    assert without_csrf(page(hit)) == without_csrf(page(first))


def test_a_new_post_by_another_member_appears_on_the_next_visit(student, other_student, club):
    mai, lucas = signed_in(student), signed_in(other_student)
    visit(mai, club.get_absolute_url())
    assert from_cache(visit(mai, club.get_absolute_url()))
    response = lucas.post(reverse("community:post_create", args=[club.slug]), {"body": "Bring rain gear, please"})
    assert response.status_code == 302
    html = page(visit(mai, club.get_absolute_url()))
    assert "Bring rain gear, please" in html


def test_a_page_rendered_again_after_a_change_reads_its_versions_once_and_is_stale_after_the_next(
    student, other_student, club, redis_commands
):
    mai, lucas = signed_in(student), signed_in(other_student)
    visit(mai, club.get_absolute_url())
    assert from_cache(visit(mai, club.get_absolute_url()))
    lucas.post(reverse("community:post_create", args=[club.slug]), {"body": "Bring rain gear, please"})
    redis_commands.clear()
    again = visit(mai, club.get_absolute_url())
    assert not from_cache(again) and "Bring rain gear, please" in page(again)
    version_reads = [
        tuple(key.split(":", 2)[-1] for key in keys if ":pagecache:v:" in key)
        for name, keys in redis_commands
        if name == "MGET" and any(":pagecache:v:" in key for key in keys)
    ]
    # The page's versions, then the shared feed's with its entry: each read once, before rendering.
    assert len(version_reads) == 2 and len(set(version_reads)) == 2, version_reads
    assert from_cache(visit(mai, club.get_absolute_url()))
    lucas.post(reverse("community:post_create", args=[club.slug]), {"body": "Meet at the station at eight"})
    html = page(visit(mai, club.get_absolute_url()))
    assert "Meet at the station at eight" in html and "Bring rain gear, please" in html


def test_an_edited_and_a_deleted_post_show_as_they_are_now(student, other_student, club):
    mai, lucas = signed_in(student), signed_in(other_student)
    post = Post.objects.get(group=club)
    visit(mai, club.get_absolute_url())
    assert from_cache(visit(mai, club.get_absolute_url()))
    edit = reverse("community:post_edit", args=[club.slug, post.pk])
    assert lucas.post(edit, {"body": "Hike to Mount Rokko on Sunday instead"}).status_code == 302
    html = page(visit(mai, club.get_absolute_url()))
    assert "Hike to Mount Rokko on Sunday instead" in html and "on Saturday" not in html
    assert lucas.post(reverse("community:post_delete", args=[club.slug, post.pk])).status_code == 302
    html = page(visit(mai, club.get_absolute_url()))
    assert "Mount Rokko" not in html and "No posts yet." in html


def test_reaction_counts_change_and_each_member_sees_their_own_reactions(student, other_student, club):
    mai, lucas = signed_in(student), signed_in(other_student)
    post = Post.objects.get(group=club)
    for client in (mai, lucas):
        visit(client, club.get_absolute_url())
        html = page(visit(client, club.get_absolute_url()))
        assert like_button(html, post) == (False, 0)

    react = reverse("community:post_react", args=[club.slug, post.pk])
    assert lucas.post(react, {"kind": "like"}).status_code == 302
    assert like_button(page(visit(lucas, club.get_absolute_url())), post) == (True, 1)
    assert like_button(page(visit(mai, club.get_absolute_url())), post) == (False, 1)

    assert mai.post(react, {"kind": "like"}).status_code == 302
    assert like_button(page(visit(mai, club.get_absolute_url())), post) == (True, 2)
    assert like_button(page(visit(lucas, club.get_absolute_url())), post) == (True, 2)

    assert lucas.post(react, {"kind": "like"}).status_code == 302  # taken back
    assert like_button(page(visit(lucas, club.get_absolute_url())), post) == (False, 1)
    assert like_button(page(visit(mai, club.get_absolute_url())), post) == (True, 1)


def test_a_new_comment_changes_the_comment_count_on_the_group_page(student, other_student, club):
    mai, lucas = signed_in(student), signed_in(other_student)
    post = Post.objects.get(group=club)
    visit(mai, club.get_absolute_url())
    assert "0 comments" in page(visit(mai, club.get_absolute_url()))
    comment = reverse("community:comment_create", args=[club.slug, post.pk])
    assert lucas.post(comment, {"body": "Meet at 8 at Hankyu Ashiya"}).status_code == 302
    html = page(visit(mai, club.get_absolute_url()))
    assert "1 comment" in html and "0 comments" not in html


def test_a_member_and_a_visitor_of_the_group_never_see_each_others_page(student, club):
    onlooker = UserFactory(display_name="Ken Onlooker")
    mai, ken = signed_in(student), signed_in(onlooker)
    visit(mai, club.get_absolute_url())
    assert from_cache(member_page := visit(mai, club.get_absolute_url()))
    html = page(visit(ken, club.get_absolute_url()))
    assert "Join the group" in html and "Leave the group" not in html
    assert "Ken Onlooker" in html and "Mai Student" not in html
    assert from_cache(visit(ken, club.get_absolute_url()))
    html = page(member_page)
    assert "Leave the group" in html and "Join the group" not in html and "Ken Onlooker" not in html


def test_member_removed_from_a_secret_group_gets_404_on_the_next_request(student, other_student, secret_circle):
    mai, lucas = signed_in(student), signed_in(other_student)
    visit(mai, secret_circle.get_absolute_url())
    assert from_cache(cached := visit(mai, secret_circle.get_absolute_url()))
    assert "Next book: Kokoro" in page(cached)
    manage = reverse("community:member_manage", args=[secret_circle.slug, student.pk])
    assert lucas.post(manage, {"action": "remove"}).status_code == 302
    assert visit(mai, secret_circle.get_absolute_url()).status_code == 404
    assert visit(mai, secret_circle.get_absolute_url()).status_code == 404


def test_member_removed_from_a_private_group_no_longer_sees_its_posts(student, other_student):
    group = CommunityGroupFactory(name_en="Tea ceremony circle", join_policy="request")
    services.add_member(group=group, user=other_student, role="owner")
    services.add_member(group=group, user=student)
    PostFactory(group=group, author=other_student, body="Matcha tasting on Friday")
    mai, lucas = signed_in(student), signed_in(other_student)
    visit(mai, group.get_absolute_url())
    assert "Matcha tasting on Friday" in page(visit(mai, group.get_absolute_url()))
    manage = reverse("community:member_manage", args=[group.slug, student.pk])
    assert lucas.post(manage, {"action": "remove"}).status_code == 302
    html = page(visit(mai, group.get_absolute_url()))
    assert "Matcha tasting on Friday" not in html
    assert "Posts and members of this group are visible to its members only." in html


def test_a_member_made_admin_can_manage_the_group_at_once(student, other_student, club):
    mai, lucas = signed_in(student), signed_in(other_student)
    visit(mai, club.get_absolute_url())
    cached = visit(mai, club.get_absolute_url())
    assert from_cache(cached) and "Edit the group" not in page(cached)
    manage = reverse("community:member_manage", args=[club.slug, student.pk])
    assert lucas.post(manage, {"role": "admin"}).status_code == 302
    assert "Edit the group" in page(visit(mai, club.get_absolute_url()))


def test_a_request_to_join_shows_on_the_group_page_of_its_owner(student, other_student):
    group = CommunityGroupFactory(name_en="Tea ceremony circle", join_policy="request")
    services.add_member(group=group, user=other_student, role="owner")
    mai, lucas = signed_in(student), signed_in(other_student)
    visit(lucas, group.get_absolute_url())
    cached = visit(lucas, group.get_absolute_url())
    assert from_cache(cached) and "Join requests (1)" not in page(cached)
    join = reverse("community:group_join", args=[group.slug])
    assert mai.post(join, {"message": "I love matcha"}).status_code == 302
    assert "Join requests (1)" in page(visit(lucas, group.get_absolute_url()))
    visit(mai, group.get_absolute_url())  # the message
    assert "Your request to join is waiting for a group admin." in page(visit(mai, group.get_absolute_url()))


def test_an_invitation_shows_on_the_group_page_at_once(student, other_student, secret_circle):
    newcomer = UserFactory(display_name="Aiko Newcomer")
    aiko = signed_in(newcomer)
    assert visit(aiko, secret_circle.get_absolute_url()).status_code == 404
    services.invite_member(group=secret_circle, user=newcomer, by=other_student)
    visit(aiko, secret_circle.get_absolute_url())
    cached = visit(aiko, secret_circle.get_absolute_url())
    assert from_cache(cached) and "You have been invited to this group." in page(cached)
    aiko.post(reverse("community:invitation_answer", args=[secret_circle.slug]), {"answer": "decline"})
    assert "You have declined the invitation." in page(visit(aiko, reverse("home")))
    assert visit(aiko, secret_circle.get_absolute_url()).status_code == 404


def test_staff_who_lose_the_staff_role_in_the_admin_get_404_for_a_secret_group(english_staff, secret_circle):
    tanaka = signed_in(english_staff)
    visit(tanaka, secret_circle.get_absolute_url())
    assert from_cache(visit(tanaka, secret_circle.get_absolute_url()))
    remove_role_in_the_admin(english_staff, Role.STAFF)
    assert visit(tanaka, secret_circle.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("how", ["remove", "clear"])
def test_staff_taken_out_of_the_staff_role_from_the_roles_side_get_404_for_a_secret_group(
    english_staff, secret_circle, how
):
    tanaka = signed_in(english_staff)
    visit(tanaka, secret_circle.get_absolute_url())
    assert from_cache(visit(tanaka, secret_circle.get_absolute_url()))
    holders = Group.objects.get(name=Role.STAFF).user_set
    if how == "remove":
        holders.remove(english_staff)
    else:
        holders.clear()
    assert visit(tanaka, secret_circle.get_absolute_url()).status_code == 404


def test_a_post_hidden_by_a_moderator_disappears_from_the_group_page(student, other_student, english_staff, club):
    mai = signed_in(student)
    post = Post.objects.get(group=club)
    visit(mai, club.get_absolute_url())
    assert "Mount Rokko" in page(visit(mai, club.get_absolute_url()))
    report = services.report_content(reporter=student, reason="Off topic", post=post)
    tanaka = signed_in(english_staff)
    assert tanaka.post(reverse("community:moderation_decide", args=[report.pk]), {"action": "hide"}).status_code == 302
    assert "Mount Rokko" not in page(visit(mai, club.get_absolute_url()))


def test_a_renamed_group_shows_its_new_name_on_its_page_and_in_the_finder(student, other_student, club):
    mai = signed_in(student)
    for url in (club.get_absolute_url(), reverse("community:group_list")):
        visit(mai, url)
        assert "Kansai Hiking Club" in page(visit(mai, url))
    services.update_group(group=club, by=other_student, name_en="Kansai Mountain Club")
    for url in (club.get_absolute_url(), reverse("community:group_list")):
        html = page(visit(mai, url))
        assert "Kansai Mountain Club" in html and "Kansai Hiking Club" not in html


def test_the_welcome_message_shows_once_and_the_page_is_cached_again_after_it(club):
    newcomer = UserFactory(display_name="Aiko Newcomer")
    aiko = signed_in(newcomer)
    visit(aiko, club.get_absolute_url())
    assert "Join the group" in page(visit(aiko, club.get_absolute_url()))
    response = aiko.post(reverse("community:group_join", args=[club.slug]))
    assert response.url == club.get_absolute_url()
    shown = page(visit(aiko, club.get_absolute_url()))
    assert "Welcome to the group!" in shown and "Leave the group" in shown
    after = visit(aiko, club.get_absolute_url())
    assert "Welcome to the group!" not in page(after) and "Leave the group" in page(after)
    assert from_cache(visit(aiko, club.get_absolute_url()))


def test_leaving_shows_its_message_once_on_the_group_page(student, club):
    mai = signed_in(student)
    visit(mai, club.get_absolute_url())
    assert from_cache(visit(mai, club.get_absolute_url()))
    assert mai.post(reverse("community:group_leave", args=[club.slug])).status_code == 302
    shown = page(visit(mai, club.get_absolute_url()))
    assert "You have left the group." in shown and "Join the group" in shown
    after = page(visit(mai, club.get_absolute_url()))
    assert "You have left the group." not in after and "Join the group" in after


def test_a_cached_group_page_carries_a_csrf_token_that_works_for_this_browser(student, club):
    mai = signed_in(student, enforce_csrf_checks=True)
    visit(mai, club.get_absolute_url())
    cached = visit(mai, club.get_absolute_url())
    assert from_cache(cached)
    response = mai.post(
        reverse("community:post_create", args=[club.slug]),
        {"body": "Posted from a cached page", "csrfmiddlewaretoken": csrf_token(cached)},
    )
    assert response.status_code == 302
    assert "Posted from a cached page" in page(visit(mai, club.get_absolute_url()))


def test_two_browsers_of_one_member_each_get_their_own_csrf_token_from_the_cached_page(student, club):
    laptop = signed_in(student, enforce_csrf_checks=True)
    phone = signed_in(student, enforce_csrf_checks=True)
    rendered = visit(laptop, club.get_absolute_url())
    cached = visit(phone, club.get_absolute_url())
    assert rendered.context is not None and from_cache(cached)
    post = reverse("community:post_create", args=[club.slug])
    refused = phone.post(post, {"body": "With the laptop's token", "csrfmiddlewaretoken": csrf_token(rendered)})
    assert refused.status_code == 403
    accepted = phone.post(post, {"body": "With the phone's token", "csrfmiddlewaretoken": csrf_token(cached)})
    assert accepted.status_code == 302
    assert laptop.post(post, {"body": "Laptop", "csrfmiddlewaretoken": csrf_token(rendered)}).status_code == 302


def test_group_page_follows_the_language_switch_and_back(client, student, club):
    client.force_login(student)
    visit(client, club.get_absolute_url())
    assert from_cache(visit(client, club.get_absolute_url()))
    client.post(reverse("set_language"), {"language": "ja", "next": club.get_absolute_url()})
    html = page(visit(client, club.get_absolute_url()))
    assert '<html lang="ja">' in html and "関西ハイキング部" in html and "グループから退出する" in html
    assert "Leave the group" not in html
    assert from_cache(visit(client, club.get_absolute_url()))
    client.post(reverse("set_language"), {"language": "en", "next": club.get_absolute_url()})
    html = page(visit(client, club.get_absolute_url()))
    assert "Kansai Hiking Club" in html and "Leave the group" in html and "グループから退出する" not in html


def test_a_new_message_shows_in_the_header_of_a_cached_page(
    student, other_student, club, django_capture_on_commit_callbacks
):
    lucas = signed_in(other_student)
    visit(lucas, club.get_absolute_url())
    cached = visit(lucas, club.get_absolute_url())
    assert from_cache(cached) and "unread conversation" not in page(cached)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_conversation(sender=student, recipients=[other_student], body="Are you hiking too?")
    html = page(visit(lucas, club.get_absolute_url()))
    assert '<span class="header-badge__count">1<span class="visually-hidden"> unread conversation</span>' in html


# --- conversations --------------------------------------------------------------------------------


@pytest.fixture
def conversation(student, other_student):
    return services.start_conversation(sender=student, recipients=[other_student], body="Hello Lucas!")


def test_conversation_page_is_served_from_the_cache_on_the_second_visit(student, conversation):
    mai = signed_in(student)
    first = visit(mai, conversation.get_absolute_url())
    second = visit(mai, conversation.get_absolute_url())
    assert "Hello Lucas!" in page(first)
    assert from_cache(second)
    assert without_csrf(page(second)) == without_csrf(page(first))


def test_a_new_message_shows_in_the_conversation_and_in_the_other_participants_list(
    student, other_student, conversation
):
    mai, lucas = signed_in(student), signed_in(other_student)
    for url in (conversation.get_absolute_url(), reverse("community:conversation_list")):
        visit(lucas, url)
        assert from_cache(visit(lucas, url))
    html = page(visit(lucas, reverse("community:conversation_list")))
    assert "Hello Lucas!" in html and "unread</span>" not in html.lower()

    send = reverse("community:message_send", args=[conversation.pk])
    assert mai.post(send, {"body": "See you at the station"}).status_code == 302

    listing = page(visit(lucas, reverse("community:conversation_list")))
    assert "See you at the station" in listing and '<span class="tag">1 unread</span>' in listing
    assert "See you at the station" in page(visit(lucas, conversation.get_absolute_url()))
    assert "unread</span>" not in page(visit(lucas, reverse("community:conversation_list"))).lower()


def test_a_conversation_read_on_opening_is_served_from_the_cache_on_the_visit_after(
    student, other_student, conversation
):
    mai, lucas = signed_in(student), signed_in(other_student)
    visit(lucas, conversation.get_absolute_url())
    assert from_cache(visit(lucas, conversation.get_absolute_url()))
    send = reverse("community:message_send", args=[conversation.pk])
    assert mai.post(send, {"body": "See you at the station"}).status_code == 302
    opened = visit(lucas, conversation.get_absolute_url())  # marks the new message read while it renders
    assert not from_cache(opened) and "See you at the station" in page(opened)
    again = visit(lucas, conversation.get_absolute_url())
    assert from_cache(again) and "See you at the station" in page(again)


def test_the_sender_sees_the_read_receipt_once_the_other_has_read(student, other_student, conversation):
    mai, lucas = signed_in(student), signed_in(other_student)
    visit(mai, conversation.get_absolute_url())
    cached = visit(mai, conversation.get_absolute_url())
    assert from_cache(cached) and "Seen by" not in page(cached)
    visit(lucas, conversation.get_absolute_url())
    assert "Seen by Lucas Other" in page(visit(mai, conversation.get_absolute_url()))

    send = reverse("community:message_send", args=[conversation.pk])
    assert mai.post(send, {"body": "Still there?"}).status_code == 302
    assert "Seen by" not in page(visit(mai, conversation.get_absolute_url()))


def test_each_participant_sees_their_own_conversation_page(student, other_student, conversation):
    mai, lucas = signed_in(student), signed_in(other_student)
    visit(mai, conversation.get_absolute_url())
    assert from_cache(mine := visit(mai, conversation.get_absolute_url()))
    theirs = page(visit(lucas, conversation.get_absolute_url()))
    assert "chat__message--own" not in theirs and "<summary>Report</summary>" in theirs
    assert "<summary>Lucas Other</summary>" not in page(mine)
    assert "chat__message--own" in page(mine) and "<summary>Report</summary>" not in page(mine)


def test_a_participant_who_left_gets_404_and_sees_the_message_once_on_the_list(other_student, conversation):
    lucas = signed_in(other_student)
    for url in (conversation.get_absolute_url(), reverse("community:conversation_list")):
        visit(lucas, url)
        assert from_cache(visit(lucas, url))
    assert lucas.post(reverse("community:conversation_leave", args=[conversation.pk])).status_code == 302
    listing = page(visit(lucas, reverse("community:conversation_list")))
    assert "You have left the conversation." in listing and "Hello Lucas!" not in listing
    assert "You have left the conversation." not in page(visit(lucas, reverse("community:conversation_list")))
    assert visit(lucas, conversation.get_absolute_url()).status_code == 404


def test_a_conversation_started_by_someone_else_appears_in_the_list(other_student, conversation):
    lucas = signed_in(other_student)
    visit(lucas, reverse("community:conversation_list"))
    assert from_cache(visit(lucas, reverse("community:conversation_list")))
    writer = signed_in(UserFactory(display_name="Aiko Writer"))
    start = reverse("community:conversation_start", args=[other_student.pk])
    assert writer.post(start, {"body": "Do you have the lecture notes?"}).status_code == 302
    listing = page(visit(lucas, reverse("community:conversation_list")))
    assert "Aiko Writer" in listing and "Do you have the lecture notes?" in listing


def test_a_cached_conversation_page_carries_a_csrf_token_that_works(other_student, conversation):
    lucas = signed_in(other_student, enforce_csrf_checks=True)
    visit(lucas, conversation.get_absolute_url())
    cached = visit(lucas, conversation.get_absolute_url())
    assert from_cache(cached)
    response = lucas.post(
        reverse("community:message_send", args=[conversation.pk]),
        {"body": "Hi Mai, sent from a cached page", "csrfmiddlewaretoken": csrf_token(cached)},
    )
    assert response.status_code == 302
    assert "Hi Mai, sent from a cached page" in page(visit(lucas, conversation.get_absolute_url()))


def test_conversation_pages_follow_the_language_switch(other_student, conversation):
    lucas = signed_in(other_student)
    for url in (conversation.get_absolute_url(), reverse("community:conversation_list")):
        visit(lucas, url)
        assert from_cache(visit(lucas, url))
    lucas.post(reverse("set_language"), {"language": "ja", "next": "/"})
    assert "すべてのメッセージ" in page(visit(lucas, conversation.get_absolute_url()))
    listing = page(visit(lucas, reverse("community:conversation_list")))
    assert "<h1>メッセージ</h1>" in listing and "<h1>Messages</h1>" not in listing
    lucas.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "<h1>Messages</h1>" in page(visit(lucas, reverse("community:conversation_list")))
