"""A signed-in member's row and role names come from the cache in one round trip per request,
and a change of their roles shows on their next request."""

import pytest
import redis
from django.contrib.auth.models import Group
from django.urls import reverse

from community.backends import user_cache_key
from community.models import Role
from community.models.people import role_cache_key
from community.tests.pages import page, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_commands(monkeypatch):
    """The commands this process sends to Redis: name and arguments."""
    sent = []
    send = redis.Redis.execute_command

    def spy(self, *args, **options):
        sent.append((args[0], [str(arg) for arg in args[1:]]))
        return send(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", spy)
    return sent


def test_the_member_and_their_roles_are_read_in_one_round_trip(faculty, redis_commands, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = signed_in(faculty)
    client.get(reverse("internships:index"))  # the row and the role names are cached now
    redis_commands.clear()
    assert client.get(reverse("internships:index")).status_code == 200
    member_keys = [user_cache_key(faculty.pk), role_cache_key(faculty.pk)]
    sent = [(name, [key.split(":", 2)[-1] for key in keys]) for name, keys in redis_commands]  # without "jige:1:"
    assert [(name, keys) for name, keys in sent if set(member_keys) & set(keys)] == [("MGET", member_keys)]


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
