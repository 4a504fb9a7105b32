"""Blended programmes: a learner applies; staff accept or put on the waiting list."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from community.models import Notification
from courses import services
from courses.models import InvalidTransition, Programme, ProgrammeApplication
from courses.tests.factories import ProgrammeFactory, published_module

pytestmark = pytest.mark.django_db


def test_learner_applies_with_support_needs(client, student):
    programme = ProgrammeFactory()
    programme.modules.add(published_module(title_en="Online Phase Module"))
    client.force_login(student)
    html = client.get(programme.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Online Phase Module" in html and "A visa support letter is provided." in html
    client.post(programme.get_absolute_url(), {"motivation": "I want to study in Chiba.", "needs_visa_letter": "on"})
    application = ProgrammeApplication.objects.get(programme=programme, applicant=student)
    assert application.status == ProgrammeApplication.Status.SUBMITTED
    assert application.needs_visa_letter and not application.needs_housing


def test_applying_twice_or_after_the_deadline_is_refused(client, student):
    programme = ProgrammeFactory()
    client.force_login(student)
    client.post(programme.get_absolute_url(), {"motivation": "First"})
    response = client.post(
        programme.get_absolute_url(), {"motivation": "Again"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "You have already applied to this programme." in response.content.decode()
    closed = ProgrammeFactory(application_deadline=date.today() - timedelta(days=1))
    response = client.post(closed.get_absolute_url(), {"motivation": "Late"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "does not accept applications" in response.content.decode()
    assert ProgrammeApplication.objects.count() == 1


def test_staff_accept_until_the_seats_are_taken_then_waitlist(staff_member, student, other_student, faculty):
    programme = ProgrammeFactory(seats=1)
    first = services.apply_to_programme(programme=programme, applicant=student, motivation="a")
    second = services.apply_to_programme(programme=programme, applicant=other_student, motivation="b")
    services.decide_application(application=first, status=ProgrammeApplication.Status.ACCEPTED, by=staff_member)
    with pytest.raises(InvalidTransition):
        services.decide_application(application=second, status=ProgrammeApplication.Status.ACCEPTED, by=staff_member)
    services.decide_application(application=second, status=ProgrammeApplication.Status.WAITLISTED, by=staff_member)
    assert Notification.objects.filter(recipient=student, event="courses.programme.accepted").exists()
    assert Notification.objects.filter(recipient=other_student, event="courses.programme.waitlisted").exists()
    with pytest.raises(PermissionDenied):
        services.decide_application(application=second, status=ProgrammeApplication.Status.ACCEPTED, by=faculty)


def test_staff_accept_through_the_admin_action(client, staff_member, student):
    programme = ProgrammeFactory()
    application = services.apply_to_programme(programme=programme, applicant=student, motivation="a")
    client.force_login(staff_member)
    client.post(
        reverse("admin:courses_programmeapplication_changelist"),
        {"action": "accept", "_selected_action": [application.pk]},
    )
    application.refresh_from_db()
    assert application.status == ProgrammeApplication.Status.ACCEPTED


def test_draft_programme_is_hidden(client, student):
    programme = ProgrammeFactory(status=Programme.Status.DRAFT)
    client.force_login(student)
    assert client.get(programme.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_programme_list_query_budget(client, django_assert_max_num_queries, count):
    module = published_module()
    for _ in range(count):
        ProgrammeFactory().modules.add(module)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("courses:programme_list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
