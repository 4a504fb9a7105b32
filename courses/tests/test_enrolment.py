"""Enrolment: seats, window, waiting list with promotion, withdrawal, and no overbooking."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from community.models import Membership, Notification, OutgoingEmail
from community.tests.factories import UserFactory
from courses import services
from courses.models import Enrolment, EnrolmentRefused, Module
from courses.tests.factories import EnrolmentFactory, ModuleFactory, published_module

pytestmark = pytest.mark.django_db


def test_student_enrols_and_joins_the_module_group(client, student):
    module = published_module(seats=5)
    client.force_login(student)
    response = client.post(reverse("courses:enrol", args=[module.slug]), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "You are enrolled" in response.content.decode()
    assert Enrolment.objects.get(module=module, learner=student).status == Enrolment.Status.ENROLLED
    assert Membership.objects.filter(group=module.group, user=student).exists()
    assert module.group.get_absolute_url() in response.content.decode()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("twice", "You are already enrolled in this module."),
        ("closed", "Enrolment for this module has closed."),
        ("not_yet", "Enrolment for this module has not opened yet."),
        ("full", "This module is full. You can join the waiting list"),
    ],
)
def test_refusals_come_with_a_clear_message(client, student, setup, message):
    module = published_module(seats=1)
    if setup == "twice":
        EnrolmentFactory(module=module, learner=student)
    elif setup == "closed":
        Module.objects.filter(pk=module.pk).update(enrolment_closes_at=timezone.now() - timedelta(minutes=1))
    elif setup == "not_yet":
        Module.objects.filter(pk=module.pk).update(enrolment_opens_at=timezone.now() + timedelta(days=1))
    elif setup == "full":
        EnrolmentFactory(module=module)
    client.force_login(student)
    response = client.post(reverse("courses:enrol", args=[module.slug]), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Enrolment.objects.filter(module=module).count() == (1 if setup in ("twice", "full") else 0)


def test_full_module_offers_the_waiting_list(client, student):
    module = published_module(seats=1)
    EnrolmentFactory(module=module)
    client.force_login(student)
    html = client.get(module.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Join the waiting list" in html
    client.post(reverse("courses:enrol", args=[module.slug]), {"waitlist": "1"})
    assert Enrolment.objects.get(module=module, learner=student).status == Enrolment.Status.WAITLISTED
    assert not Membership.objects.filter(group=module.group, user=student).exists()


def test_draft_module_refuses_enrolment(client, student, faculty):
    module = ModuleFactory(owners=[faculty])
    with pytest.raises(EnrolmentRefused) as refusal:
        services.enrol_learner(module=module, learner=student)
    assert refusal.value.code == "not_published"
    client.force_login(student)
    assert client.post(reverse("courses:enrol", args=[module.slug])).status_code == 404


def test_withdrawal_frees_the_seat_for_the_first_learner_waiting_who_is_emailed(
    client, student, other_student, django_capture_on_commit_callbacks
):
    module = published_module(seats=1)
    services.enrol_learner(module=module, learner=student)
    services.join_waiting_list(module=module, learner=other_student)
    later = UserFactory()
    services.join_waiting_list(module=module, learner=later)

    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("courses:withdraw", args=[module.slug]))

    statuses = dict(Enrolment.objects.filter(module=module).values_list("learner", "status"))
    assert statuses == {
        student.pk: Enrolment.Status.WITHDRAWN,
        other_student.pk: Enrolment.Status.ENROLLED,
        later.pk: Enrolment.Status.WAITLISTED,
    }
    assert Membership.objects.filter(group=module.group, user=other_student).exists()
    assert not Membership.objects.filter(group=module.group, user=student).exists()
    assert Notification.objects.filter(recipient=other_student, event="courses.enrolment.promoted").exists()
    mail = OutgoingEmail.objects.get(to=[other_student.email])
    assert module.title_en in mail.body_text
    assert mail.status == OutgoingEmail.Status.SENT  # sent by the (eager) Celery task after commit


def test_raising_the_seats_promotes_waiting_learners(student, other_student):
    module = published_module(seats=1)
    services.enrol_learner(module=module, learner=student)
    services.join_waiting_list(module=module, learner=other_student)
    Module.objects.filter(pk=module.pk).update(seats=2)
    services.fill_free_seats(module=module)
    assert Enrolment.objects.get(module=module, learner=other_student).status == Enrolment.Status.ENROLLED


def test_a_learner_who_withdrew_can_enrol_again(student):
    module = published_module(seats=3)
    services.enrol_learner(module=module, learner=student)
    services.withdraw_enrolment(module=module, learner=student)
    services.enrol_learner(module=module, learner=student)
    assert Enrolment.objects.get(module=module, learner=student).status == Enrolment.Status.ENROLLED


def test_withdrawing_without_an_enrolment_is_refused(client, student):
    module = published_module()
    client.force_login(student)
    response = client.post(reverse("courses:withdraw", args=[module.slug]), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "You are not enrolled in this module." in response.content.decode()


def test_enrolling_needs_a_signed_in_member(client):
    module = published_module()
    response = client.post(reverse("courses:enrol", args=[module.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("count", [3, 30])
def test_my_learning_query_budget(client, student, django_assert_max_num_queries, count):
    for _ in range(count):
        EnrolmentFactory(learner=student, module=published_module())
    client.force_login(student)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("courses:my_learning"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count


@pytest.mark.django_db(transaction=True)
def test_parallel_enrolments_never_overbook():
    """Twelve learners ask for five seats at once, each thread on its own database connection."""
    module = published_module(seats=5)
    learners = [UserFactory() for _ in range(12)]
    barrier = threading.Barrier(len(learners))
    outcomes = []

    def enrol(learner):
        try:
            barrier.wait(timeout=30)
            services.enrol_learner(module=module, learner=learner)
            outcomes.append("enrolled")
        except EnrolmentRefused as refusal:
            outcomes.append(refusal.code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=enrol, args=(learner,)) for learner in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["enrolled"] * 5 + ["full"] * 7
    assert Enrolment.objects.filter(module=module, status=Enrolment.Status.ENROLLED).count() == 5
