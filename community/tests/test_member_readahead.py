"""What is read ahead with a signed-in member's session (community/readahead.py) never outlives
what it was read for; the one round trip itself: test_cached_member.py."""

import contextvars

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from community import readahead, services
from community.backends import user_cache_key
from community.sessions import SessionStore
from community.tests.pages import page, signed_in, visit

UNREAD_BADGE = '<span class="visually-hidden"> unread conversation</span>'


@pytest.mark.django_db(transaction=True)  # the counts are forgotten once the reading commits
def test_opening_an_unread_conversation_clears_the_badge_in_that_very_page(student, other_student, page_cache_off):
    conversation = services.start_conversation(sender=other_student, recipients=[student], body="こんにちは!")
    client = signed_in(student)
    assert UNREAD_BADGE in page(visit(client, reverse("home")))
    assert UNREAD_BADGE in page(visit(client, reverse("home")))  # the counts read ahead, with the row
    opened = visit(client, reverse("community:conversation", args=[conversation.pk]))
    assert opened.status_code == 200 and "こんにちは!" in page(opened)
    assert UNREAD_BADGE not in page(opened)
    assert UNREAD_BADGE not in page(visit(client, reverse("home")))


@pytest.mark.django_db(transaction=True)
def test_a_message_arriving_between_two_pages_shows_in_the_second(student, other_student, page_cache_off):
    client = signed_in(student)
    visit(client, reverse("home"))
    assert UNREAD_BADGE not in page(visit(client, reverse("home")))
    services.start_conversation(sender=other_student, recipients=[student], body="Hiking on Sunday?")
    assert UNREAD_BADGE in page(visit(client, reverse("home")))


def test_a_session_ended_elsewhere_is_not_signed_in_by_what_is_remembered_of_it(student, page_cache_off):
    client = signed_in(student)
    visit(client, reverse("community:notification_list"))
    visit(client, reverse("community:notification_list"))
    SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value).delete()  # signed out on another device
    response = visit(client, reverse("community:notification_list"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_the_counts_read_for_a_page_are_not_kept_with_the_cached_row(student, page_cache_off):
    client = signed_in(student)
    for _ in range(3):
        visit(client, reverse("home"))
    cached = cache.get(user_cache_key(student.pk))
    assert cached is not None and cached.pk == student.pk
    assert readahead.HEADER_COUNTS not in vars(cached)


def test_a_session_that_names_no_member_of_this_portal_is_not_remembered():
    for data in [None, {}, {"_auth_user_id": "not-a-number"}, {"_auth_user_id": None}]:
        readahead.session_read("session:unknown", ["session:unknown"], {}, data)
        assert "session:unknown" not in readahead._members
    readahead.session_read("session:known", ["session:known"], {}, {"_auth_user_id": "42"})
    assert readahead._members["session:known"] == 42
    assert readahead.keys_with_session("session:known") == ["session:known", *readahead.member_keys(42)]


def test_counts_forgotten_outside_a_request_are_not_kept():
    def in_a_task():
        readahead.counts_forgotten([1, 2, 3])  # as notify() does in a Celery task, for each recipient
        return readahead._forgotten.get()

    assert contextvars.Context().run(in_a_task) is None  # a thread that never read a session
