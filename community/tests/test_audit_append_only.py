"""The audit log is append-only in PostgreSQL: no update or delete, by raw SQL or the ORM, gets through;
deleting an account or a group only detaches its entries, and only once it is really gone."""

import pytest
from django.db import DatabaseError, connection, transaction

from community.models import AuditEvent, CommunityGroup, User
from community.services import create_group

from .factories import UserFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")


def refused(statement, *params):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def check_deferred_triggers():
    """Run the checks PostgreSQL would run at commit, inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def group(student):
    return create_group(name_en="Kyoto hikers", category="hobby", owner=student)


@pytest.fixture
def entry(group):
    return AuditEvent.objects.get(event="community.group.created", group=group)


@pytest.mark.django_db
def test_inserts_still_work(student, group, entry):
    AuditEvent.objects.create(event="community.test.inserted", actor=student, group=group, target="x")
    assert AuditEvent.objects.filter(group=group).count() == 2
    assert entry.actor == student


@pytest.mark.django_db
def test_raw_sql_cannot_change_or_delete_an_entry(entry, other_student):
    refused("UPDATE community_auditevent SET event = %s WHERE id = %s", "community.forged", entry.pk)
    refused("UPDATE community_auditevent SET actor_id = %s WHERE id = %s", other_student.pk, entry.pk)
    refused("DELETE FROM community_auditevent WHERE id = %s", entry.pk)
    entry.refresh_from_db()
    assert (entry.event, entry.actor_id) == ("community.group.created", entry.group.created_by_id)


@pytest.mark.django_db
def test_the_orm_cannot_change_or_delete_entries(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=entry.pk).update(target="forged")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.data = {"forged": True}
        entry.save()
    assert AuditEvent.objects.get(pk=entry.pk).target == entry.group.slug


@pytest.mark.django_db
def test_an_entry_cannot_be_detached_from_a_live_member_or_group(entry):
    with pytest.raises(DatabaseError, match="deleted user or group"), transaction.atomic():
        AuditEvent.objects.filter(pk=entry.pk).update(actor=None)
        check_deferred_triggers()
    with pytest.raises(DatabaseError, match="deleted user or group"), transaction.atomic():
        AuditEvent.objects.filter(pk=entry.pk).update(group=None)
        check_deferred_triggers()
    entry.refresh_from_db()
    assert entry.actor_id and entry.group_id


@pytest.mark.django_db
def test_deleting_a_member_and_a_group_keeps_their_entries(student, group, entry):
    User.objects.filter(pk=student.pk).delete()
    CommunityGroup.objects.filter(pk=group.pk).delete()
    check_deferred_triggers()
    entry.refresh_from_db()
    assert (entry.event, entry.target, entry.actor_id, entry.group_id) == (
        "community.group.created",
        group.slug,
        None,
        None,
    )


@pytest.mark.django_db(transaction=True)
def test_the_rules_hold_at_commit_and_the_test_flush_still_empties_the_table():
    # A transactional test ends with TRUNCATE, which fires no row triggers: the next test starts empty.
    owner, bystander = UserFactory(), UserFactory()
    group = create_group(name_en="Tohoku robotics", category="hobby", owner=owner)
    kept = AuditEvent.objects.get(group=group)
    create_group(name_en="Sendai choir", category="hobby", owner=bystander)
    with pytest.raises(DatabaseError, match="deleted user or group"), transaction.atomic():
        AuditEvent.objects.filter(actor=bystander).update(actor=None)
    with transaction.atomic():
        group.delete()
        owner.delete()
    kept.refresh_from_db()
    assert (kept.actor_id, kept.group_id) == (None, None)
    assert AuditEvent.objects.filter(actor=bystander).exists()
