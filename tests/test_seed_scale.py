"""`manage.py seed_scale` builds a consistent data set, refuses to run twice and resets only its own rows."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max, Q

from community.models import CommunityGroup, Conversation, Membership, Message, Participant, Post, User
from community.scale import SCALE_DOMAIN, SCALE_PREFIX, zipf_sizes
from community.search import apply_search
from community.tests.factories import UserFactory
from courses.models import Enrolment, Module
from credentials.models import Award
from internships.models import Application, ApplicationEvent, Posting

FACTOR = 0.0005
FULL = {  # issue 8's national programme at factor 1
    "users": 100_000,
    "groups": 5_000,
    "memberships": 300_000,
    "messages": 2_000_000,
    "modules": 3_000,
    "enrolments": 200_000,
    "applications": 30_000,
    "awards": 300_000,
}


def seed(**options):
    err = io.StringIO()
    call_command("seed_scale", factor=FACTOR, stdout=io.StringIO(), stderr=err, **options)
    return err.getvalue()


def scale_counts():
    scale_users = User.objects.filter(email__endswith="@" + SCALE_DOMAIN)
    return {
        "users": scale_users.count(),
        "groups": CommunityGroup.objects.filter(slug__startswith=SCALE_PREFIX).count(),
        "memberships": Membership.objects.filter(group__slug__startswith=SCALE_PREFIX).count(),
        "messages": Message.objects.filter(sender__in=scale_users).count(),
        "modules": Module.objects.filter(slug__startswith=SCALE_PREFIX).count(),
        "enrolments": Enrolment.objects.filter(module__slug__startswith=SCALE_PREFIX).count(),
        "applications": Application.objects.filter(student__in=scale_users).count(),
        "awards": Award.objects.filter(recipient__in=scale_users).count(),
    }


@pytest.mark.django_db
def test_seed_scale_builds_a_consistent_data_set_proportional_to_the_factor():
    progress = seed()
    assert "messages" in progress and "#" in progress  # the plain-text progress bar on stderr

    counts = scale_counts()
    for name, full in FULL.items():
        expected = full * FACTOR
        # Tiny factors keep a floor of a few rows per table (2 groups, 3 modules...), hence the slack.
        assert 0.5 * expected <= counts[name] <= max(3 * expected, 40), (name, counts[name], expected)

    # Groups: Zipf-like sizes, each with exactly one owner; some rows carry Japanese text.
    groups = CommunityGroup.objects.filter(slug__startswith=SCALE_PREFIX).annotate(n=Count("memberships"))
    by_rank = [group.n for group in sorted(groups, key=lambda group: int(group.slug.rsplit("-", 1)[1]))]
    assert by_rank == sorted(by_rank, reverse=True)  # capped at the member count at this tiny factor
    full_sizes = zipf_sizes(FULL["groups"], FULL["memberships"], cap=FULL["users"])
    assert full_sizes[0] > 10_000 and full_sizes[len(full_sizes) // 2] < 20  # a few huge groups, many small
    assert all(group.memberships.filter(role="owner").count() == 1 for group in groups)
    assert Post.objects.filter(group__slug__startswith=SCALE_PREFIX).exists()

    # Search: search_text is filled, and a two-character Japanese word finds groups, modules and postings.
    assert not CommunityGroup.objects.filter(slug__startswith=SCALE_PREFIX, search_text="").exists()
    assert apply_search(CommunityGroup.objects.filter(slug__startswith=SCALE_PREFIX), "東京").exists()
    assert apply_search(Module.objects.filter(slug__startswith=SCALE_PREFIX), "東京").exists()
    assert apply_search(Posting.objects.filter(company__organization__slug__startswith=SCALE_PREFIX), "東京").exists()

    # Conversations: long and short; last_message_at is the time of the last message.
    lengths = sorted(
        Conversation.objects.filter(created_by__email__endswith=SCALE_DOMAIN)
        .annotate(n=Count("messages"))
        .values_list("n", flat=True)
    )
    assert lengths[-1] >= 3 * lengths[len(lengths) // 2]
    assert not (
        Conversation.objects.filter(created_by__email__endswith=SCALE_DOMAIN)
        .annotate(last=Max("messages__created_at"))
        .exclude(last_message_at=F("last"))
        .exists()
    )
    assert not Message.objects.exclude(
        sender__in=Participant.objects.filter(conversation=F("conversation")).values("user")
    ).exists()

    # Enrolments: never more enrolled than seats; a waiting list only on a full module.
    modules = Module.objects.filter(slug__startswith=SCALE_PREFIX).with_seats()
    assert modules.filter(status=Module.Status.PUBLISHED).exists()
    for module in modules.annotate(waiting=Count("enrolments", filter=Q(enrolments__status="waitlisted"))):
        assert module.seats_taken <= module.seats
        assert not module.waiting or module.seats_left == 0
    assert not Module.objects.filter(
        slug__startswith=SCALE_PREFIX, status__in=["draft", "in_review"], enrolments__isnull=False
    ).exists()

    # Applications follow the state machine: their audit trail ends in their status, every step legal.
    for application in Application.objects.filter(student__email__endswith=SCALE_DOMAIN):
        trail = list(application.events.order_by("created_at", "pk"))
        assert trail[-1].to_status == application.status
        previous = Application.Status.DRAFT
        for event in trail:
            assert (event.from_status, event.to_status) in Application.TRANSITIONS
            assert event.from_status == previous
            previous = event.to_status

    # Awards: issued, unsigned, one per (recipient, achievement) (the unique constraint holds).
    awards = Award.objects.filter(recipient__email__endswith=SCALE_DOMAIN)
    assert set(awards.values_list("status", flat=True)) == {Award.Status.ISSUED}
    assert not awards.filter(signed_credential__isnull=False).exists()
    assert awards.filter(is_public=True).exists()


@pytest.mark.django_db
def test_seed_scale_refuses_a_second_run_and_reset_deletes_only_its_rows():
    outsider = UserFactory(email="someone@example.org")
    seed()
    first = scale_counts()

    with pytest.raises(CommandError, match="--reset"):
        seed()
    assert scale_counts() == first

    seed(reset=True)
    assert scale_counts() == first  # the same seed gives the same data set again
    assert User.objects.filter(pk=outsider.pk).exists()

    from community.management.commands.seed_scale import delete_scale_data

    delete_scale_data()
    assert set(scale_counts().values()) == {0}
    assert not ApplicationEvent.objects.exists()
    assert User.objects.filter(pk=outsider.pk).exists()
