"""Pathways stack achievements: all of a set, any N of a set, a credit total, and pathways of pathways."""

from decimal import Decimal

import pytest

from community.models import Notification
from credentials import services
from credentials.models import Achievement, Award
from credentials.tests.factories import AchievementFactory, PathwayFactory


def earn(user, achievement):
    """Award through the service; the completion task runs eagerly after commit."""
    return services.award_achievement(recipient=user, achievement=achievement)


def holds(user, achievement) -> bool:
    return Award.objects.issued().filter(recipient=user, achievement=achievement).exists()


@pytest.fixture
def modules(db):
    return [AchievementFactory(credit_value=Decimal(c)) for c in ("1.5", "2", "2.5")]


@pytest.mark.django_db(transaction=True)
def test_all_of_rule_awards_the_pathway_with_the_last_component(student, modules):
    pathway = PathwayFactory(rule=Achievement.Rule.ALL, components=modules)
    earn(student, modules[0])
    earn(student, modules[1])
    assert not holds(student, pathway)
    earn(student, modules[2])
    assert holds(student, pathway)
    assert Notification.objects.filter(recipient=student, event="credentials.pathway.completed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_any_n_rule_needs_n_components(student, modules):
    pathway = PathwayFactory(rule=Achievement.Rule.ANY_N, required_count=2, components=modules)
    earn(student, modules[2])
    assert not holds(student, pathway)
    earn(student, modules[0])
    assert holds(student, pathway)


@pytest.mark.django_db(transaction=True)
def test_credit_total_rule_counts_credits_of_held_components(student, modules):
    pathway = PathwayFactory(rule=Achievement.Rule.CREDITS, required_credits=Decimal("4"), components=modules)
    earn(student, modules[0])  # 1.5
    earn(student, modules[1])  # 3.5
    assert not holds(student, pathway)
    progress = pathway.progress_for(Award.objects.issued().for_recipient(student).credit_map())
    assert (progress.held, progress.credits, progress.credits_required) == (2, Decimal("3.5"), Decimal("4"))
    earn(student, modules[2])  # 6
    assert holds(student, pathway)


@pytest.mark.django_db(transaction=True)
def test_nested_pathways_complete_in_turn(student, modules):
    internship = AchievementFactory(type=Achievement.Type.INTERNSHIP, credit_value=Decimal("4"))
    inner = PathwayFactory(rule=Achievement.Rule.ALL, components=modules[:2])
    outer = PathwayFactory(rule=Achievement.Rule.ALL, components=[inner, internship])
    earn(student, internship)
    earn(student, modules[0])
    assert not holds(student, inner)
    earn(student, modules[1])
    assert holds(student, inner)
    assert holds(student, outer)


@pytest.mark.django_db(transaction=True)
def test_revoked_or_other_learners_awards_do_not_count(student, other_student, staff_member, modules):
    pathway = PathwayFactory(rule=Achievement.Rule.ANY_N, required_count=2, components=modules)
    first = earn(student, modules[0])
    services.revoke_award(award=first, revoked_by=staff_member, reason="Plagiarism in the final project")
    earn(other_student, modules[1])
    earn(student, modules[1])
    assert not holds(student, pathway)
    assert not holds(other_student, pathway)


@pytest.mark.django_db
def test_progress_reads_like_the_learner_sees_it(student, modules):
    pathway = PathwayFactory(rule=Achievement.Rule.ALL, components=modules)
    held = {modules[0].pk: Decimal("1.5"), modules[1].pk: Decimal("2")}
    progress = pathway.progress_for(held)
    assert (progress.held, progress.required, progress.credits, progress.credits_required) == (
        2,
        3,
        Decimal("3.5"),
        Decimal("6"),
    )
    assert not progress.complete
    assert progress.percent == 58


@pytest.mark.django_db(transaction=True)
def test_two_components_completing_at_once_still_earn_the_pathway(student, modules):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locking")
    pathway = PathwayFactory(rule=Achievement.Rule.ALL, components=modules[:2])
    # Both awards pending, as if two events happened while the broker was down.
    pending = [
        Award.objects.create(recipient=student, achievement=m, issuer=m.issuer, credits_earned=m.credit_value)
        for m in modules[:2]
    ]
    barrier = threading.Barrier(2)
    errors = []

    def complete(award):
        try:
            barrier.wait(timeout=10)
            services.complete_award(award_id=award.pk)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=complete, args=[award]) for award in pending]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    # Without the learner's row lock each completion could miss the other's uncommitted award.
    assert holds(student, pathway)


@pytest.mark.django_db(transaction=True)
def test_a_pathway_created_later_is_awarded_to_those_who_already_qualify(
    client, student, other_student, staff_member, modules
):
    for achievement in modules[:2]:
        earn(student, achievement)
    earn(other_student, modules[0])
    pathway = PathwayFactory(rule=Achievement.Rule.ANY_N, required_count=2, components=modules)
    assert not holds(student, pathway)
    staff_member.is_superuser = True
    staff_member.save()
    client.force_login(staff_member)
    client.post("/admin/credentials/achievement/", {"action": "award_to_qualified", "_selected_action": [pathway.pk]})
    assert holds(student, pathway)
    assert not holds(other_student, pathway)
    assert services.award_pathway_to_qualified(pathway=pathway) == 0  # nothing left to do
