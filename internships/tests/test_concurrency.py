"""Two staff members approving the same application at the same moment: it happens once."""

import threading
import time

import pytest
from django.db import connection, transaction

from community.models import Role
from community.tests.factories import UserFactory
from internships import services
from internships.models import Application, ApplicationEvent, InvalidTransition

from .factories import ApplicationFactory, HostCompanyFactory, PostingFactory


def _someone_waits_for_a_row_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_transition_raced_by_two_staff_members_happens_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    first, second = UserFactory(roles=[Role.STAFF]), UserFactory(roles=[Role.STAFF])
    student = UserFactory(roles=[Role.STUDENT])
    application = ApplicationFactory(posting=PostingFactory(company=HostCompanyFactory()), student=student)
    first_inside, release_first = threading.Event(), threading.Event()
    outcomes = {}

    def approve(staff, name, hold):
        try:
            # The first approver is still inside its transaction (lock held, not committed)
            # when the second one starts: exactly the moment two clicks collide.
            with transaction.atomic():
                services.change_application_status(application=application, status="staff_approved", by=staff)
                if hold:
                    first_inside.set()
                    release_first.wait(20)
            outcomes[name] = "approved"
        except InvalidTransition as error:
            outcomes[name] = str(error)
        finally:
            connection.close()

    one = threading.Thread(target=approve, args=(first, "first", True))
    one.start()
    assert first_inside.wait(20)
    two = threading.Thread(target=approve, args=(second, "second", False))
    two.start()
    deadline = time.monotonic() + 20
    while not _someone_waits_for_a_row_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _someone_waits_for_a_row_lock(), "the second approval should wait for the first one's row lock"
    release_first.set()
    one.join(20)
    two.join(20)

    assert outcomes["first"] == "approved"
    assert "cannot become" in outcomes["second"]
    events = ApplicationEvent.objects.filter(application=application, event="internships.application.approved")
    assert [event.actor_id for event in events] == [first.pk]
    assert Application.objects.get(pk=application.pk).status == "staff_approved"
