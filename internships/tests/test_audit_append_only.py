"""An application's audit trail is append-only in PostgreSQL: raw SQL and the ORM's bulk update and
delete are refused, and neither the application nor the people in it can be deleted from under it."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError

from internships.models import Application, ApplicationEvent

from .factories import ApplicationFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")


def submit_draft(posting, student, comment=""):
    application = ApplicationFactory(
        posting=posting, student=student, status=Application.Status.DRAFT, submitted_at=None
    )
    application.transition_to(Application.Status.SUBMITTED, by=student, comment=comment)
    return application


@pytest.fixture
def submitted(posting, student):
    return submit_draft(posting, student, comment="Here is my CV.")


@pytest.fixture
def entry(submitted):
    return submitted.events.get()


def refused(statement, *params):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.django_db
def test_transitions_still_write_their_entries(submitted, staff_member):
    submitted.transition_to(Application.Status.STAFF_APPROVED, by=staff_member)
    assert list(submitted.events.values_list("event", flat=True)) == [
        "internships.application.submitted",
        "internships.application.approved",
    ]


@pytest.mark.django_db
def test_raw_sql_cannot_change_or_delete_an_entry(entry):
    refused("UPDATE internships_applicationevent SET comment = %s WHERE id = %s", "forged", entry.pk)
    refused("UPDATE internships_applicationevent SET actor_id = NULL WHERE id = %s", entry.pk)
    refused("DELETE FROM internships_applicationevent WHERE id = %s", entry.pk)
    entry.refresh_from_db()
    assert (entry.comment, entry.actor_id) == ("Here is my CV.", entry.application.student_id)


@pytest.mark.django_db
def test_the_orms_bulk_update_and_delete_are_refused(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ApplicationEvent.objects.filter(pk=entry.pk).update(to_status=Application.Status.COMPLETED)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ApplicationEvent.objects.all().delete()
    assert ApplicationEvent.objects.get(pk=entry.pk).to_status == Application.Status.SUBMITTED


@pytest.mark.django_db
def test_the_application_and_its_actors_cannot_be_deleted_from_under_the_trail(entry, student):
    with pytest.raises(ProtectedError):
        Application.objects.filter(pk=entry.application_id).delete()
    with pytest.raises(ProtectedError):
        student.delete()
    # Behind the ORM's PROTECT, the foreign key refuses too (checked at commit, here forced now).
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM internships_application WHERE id = %s", [entry.application_id])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert ApplicationEvent.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_flush_of_transactional_tests_still_empties_the_trail(student, posting):
    submit_draft(posting, student)
    assert ApplicationEvent.objects.count() == 1
    # What pytest-django runs after each transactional test: TRUNCATE, which fires no row triggers.
    call_command("flush", interactive=False, verbosity=0)
    assert not ApplicationEvent.objects.exists()
