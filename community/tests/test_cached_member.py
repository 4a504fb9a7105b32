"""A signed-in member's session, row, role names and header counts come from the cache in one
round trip per request (community.readahead), and a change of their roles shows on their next request."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.urls import reverse

from community.backends import user_cache_key
from community.models import Role
from community.models.people import role_cache_key
from community.services.notifications import badge_cache_key
from community.tests.pages import page, signed_in

pytestmark = pytest.mark.django_db


def test_the_session_member_roles_and_counts_are_read_in_one_round_trip(faculty, redis_commands, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = signed_in(faculty)
    client.get(reverse("internships:index"))  # the row, roles and counts are cached, the session's member known
    redis_commands.clear()
    response = client.get(reverse("internships:index"))
    assert response.status_code == 200 and reverse("account_logout") in page(response)
    session_key = KEY_PREFIX + client.cookies[settings.SESSION_COOKIE_NAME].value
    read_together = [session_key, user_cache_key(faculty.pk), role_cache_key(faculty.pk), badge_cache_key(faculty.pk)]
    sent = [(name, [key.split(":", 2)[-1] for key in keys]) for name, keys in redis_commands]  # without "jige:1:"
    assert [(name, keys) for name, keys in sent if set(read_together) & set(keys)] == [("MGET", read_together)]


def test_a_role_given_or_taken_shows_on_the_members_next_request(faculty, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = signed_in(faculty)
    url = reverse("internships:index")
    save_link = reverse("internships:saved_search_create")
    assert save_link not in page(client.get(url))
    students = Group.objects.get(name=Role.STUDENT)
    faculty.groups.add(students)
    assert save_link in page(client.get(url))
    faculty.groups.remove(students)
    assert save_link not in page(client.get(url))


def test_a_conversation_poll_reads_the_session_alone(student, other_student, redis_commands, settings):
    from community import services

    settings.PAGE_CACHE_SECONDS = 0
    conversation = services.start_conversation(sender=other_student, recipients=[student], body="Tea at four?")
    client = signed_in(student)
    client.get(reverse("home"))  # the session's member is known here now
    version = client.get(conversation.get_absolute_url()).context["version"]
    redis_commands.clear()
    poll = client.get(
        reverse("community:conversation_poll", args=[conversation.pk]), {"after": 0}, HTTP_IF_NONE_MATCH=f'"{version}"'
    )
    assert poll.status_code == 304
    read = [key.split(":", 2)[-1] for _name, keys in redis_commands for key in keys]
    assert KEY_PREFIX + client.cookies[settings.SESSION_COOKIE_NAME].value in read
    assert user_cache_key(student.pk) not in read and badge_cache_key(student.pk) not in read
