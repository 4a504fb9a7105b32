"""Staff decide on applications to a blended programme: decline with a message the applicant
reads, accept into the online-phase modules (a full one says so), promote from the waiting list
by hand or when a seat frees, on a staff-only page with a fixed query budget."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from community.models import Membership, Notification, OutgoingEmail
from community.tests.factories import UserFactory
from courses import services
from courses.models import AuditEntry, Enrolment, InvalidTransition, ProgrammeApplication
from courses.tests.factories import ProgrammeFactory, published_module

pytestmark = pytest.mark.django_db


def apply(programme, applicant=None, **kwargs):
    return services.apply_to_programme(
        programme=programme,
        applicant=applicant or UserFactory(roles=["student"]),
        motivation="I want to come.",
        **kwargs,
    )


def enrolment_status(module, learner):
    enrolment = Enrolment.objects.filter(module=module, learner=learner).first()
    return enrolment and enrolment.status


@pytest.fixture
def programme():
    programme = ProgrammeFactory(seats=1, title_en="Summer in Sendai", title_ja="仙台の夏")
    programme.modules.add(
        published_module(title_en="Tohoku Coastlines", title_ja="東北の海岸"),
        published_module(title_en="Recovery and Design", title_ja="復興とデザイン"),
    )
    return programme


# -- decline ---------------------------------------------------------------------------------


def test_declined_applicant_reads_the_message_in_the_notification_the_email_and_the_page(
    client, programme, student, staff_member, django_capture_on_commit_callbacks
):
    student.language = "ja"
    student.save()
    application = apply(programme, student)

    services.decline_application(application=application, by=staff_member, message="Please apply again next year.")

    application.refresh_from_db()
    assert application.status == ProgrammeApplication.Status.DECLINED
    (notification,) = Notification.objects.filter(recipient=student, event="courses.programme.declined")
    assert notification.text == (
        "「仙台の夏」への応募は不採用となりました。スタッフからのメッセージ：「Please apply again next year.」"
    )
    email = OutgoingEmail.objects.get(to=[student.email])
    assert "Please apply again next year." in email.body_text and email.language == "ja"
    client.force_login(student)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "応募は不採用となりました。" in page and "Please apply again next year." in page
    assert reverse("courses:programme_withdraw", args=[programme.slug]) not in page
    assert AuditEntry.objects.filter(event="courses.programme.declined", subject=student, actor=staff_member).exists()


def test_declining_twice_is_harmless_and_an_accepted_application_cannot_be_declined(programme, staff_member):
    declined, accepted = apply(programme), apply(programme)
    services.decline_application(application=declined, by=staff_member, message="No")
    services.decline_application(application=declined, by=staff_member, message="No")
    assert Notification.objects.filter(event="courses.programme.declined").count() == 1
    services.accept_application(application=accepted, by=staff_member)
    with pytest.raises(InvalidTransition, match="accepted already"):
        services.decline_application(application=accepted, by=staff_member)
    with pytest.raises(InvalidTransition, match="declined"):
        services.accept_application(application=declined, by=staff_member)


def test_only_staff_decide(programme, faculty, student):
    application = apply(programme)
    for someone in (faculty, student, application.applicant):
        for decide in (services.accept_application, services.decline_application, services.promote_application):
            with pytest.raises(PermissionDenied):
                decide(application=application, by=someone)


# -- accept into the online phase ----------------------------------------------------------


def test_accepting_enrols_the_learner_in_every_online_module_once(programme, student, staff_member):
    first, second = programme.modules.order_by("pk")
    application = apply(programme, student)

    acceptance = services.accept_application(application=application, by=staff_member)
    again = services.accept_application(application=application, by=staff_member)

    assert acceptance.enrolled == [first, second] and again.enrolled == [first, second]
    assert enrolment_status(first, student) == enrolment_status(second, student) == Enrolment.Status.ENROLLED
    assert Enrolment.objects.filter(learner=student).count() == 2
    assert Membership.objects.filter(group=first.group, user=student).exists()
    (told,) = Notification.objects.filter(recipient=student, event="courses.programme.accepted")
    assert (
        told.text
        == "Your application to “Summer in Sendai” has been accepted, and you are enrolled in its online modules."
    )
    assert AuditEntry.objects.filter(event="courses.programme.accepted").count() == 1


def test_a_full_module_puts_the_accepted_learner_on_its_waiting_list_and_says_so(programme, student, staff_member):
    first, second = programme.modules.order_by("pk")
    second.seats = 1
    second.save()
    services.enrol_learner(module=second, learner=UserFactory())
    application = apply(programme, student)

    acceptance = services.accept_application(application=application, by=staff_member)

    assert acceptance.enrolled == [first] and acceptance.waitlisted == [second]
    assert enrolment_status(second, student) == Enrolment.Status.WAITLISTED
    assert second.enrolments.enrolled().count() == 1  # the seat count holds
    (full,) = Notification.objects.filter(recipient=student, event="courses.programme.module_full")
    assert full.text.startswith(
        "“Recovery and Design”, a module of “Summer in Sendai”, is full: you are on its waiting list"
    )


def test_no_more_acceptances_than_seats(programme, staff_member):
    services.accept_application(application=apply(programme), by=staff_member)
    with pytest.raises(InvalidTransition, match="Every seat"):
        services.accept_application(application=apply(programme), by=staff_member)


# -- the waiting list ------------------------------------------------------------------------


def test_a_freed_seat_goes_to_the_first_application_waiting_and_its_modules(programme, staff_member):
    accepted, first_waiting, second_waiting = apply(programme), apply(programme), apply(programme)
    services.accept_application(application=accepted, by=staff_member)
    services.waitlist_application(application=first_waiting, by=staff_member)
    services.waitlist_application(application=second_waiting, by=staff_member)

    services.withdraw_application(programme=programme, applicant=accepted.applicant)

    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == ProgrammeApplication.Status.ACCEPTED and first_waiting.decided_by is None
    assert second_waiting.status == ProgrammeApplication.Status.WAITLISTED
    for module in programme.modules.all():
        assert enrolment_status(module, first_waiting.applicant) == Enrolment.Status.ENROLLED
    (told,) = Notification.objects.filter(recipient=first_waiting.applicant, event="courses.programme.promoted")
    assert told.text.startswith("A seat has freed up: your application to “Summer in Sendai” has been accepted")


def test_staff_promote_any_application_waiting_when_a_seat_is_free(programme, staff_member):
    accepted, first_waiting, second_waiting = apply(programme), apply(programme), apply(programme)
    services.accept_application(application=accepted, by=staff_member)
    services.waitlist_application(application=first_waiting, by=staff_member)
    services.waitlist_application(application=second_waiting, by=staff_member)
    with pytest.raises(InvalidTransition, match="Every seat"):
        services.promote_application(application=second_waiting, by=staff_member)
    with pytest.raises(InvalidTransition, match="waiting list"):
        services.promote_application(application=accepted, by=staff_member)

    programme.seats = 2
    programme.save()
    services.promote_application(application=second_waiting, by=staff_member)

    second_waiting.refresh_from_db()
    assert second_waiting.status == ProgrammeApplication.Status.ACCEPTED and second_waiting.decided_by == staff_member
    assert AuditEntry.objects.filter(event="courses.programme.promoted", actor=staff_member).count() == 1


def test_raising_the_seats_fills_them_from_the_waiting_list_once(programme, staff_member):
    waiting = apply(programme)
    services.accept_application(application=apply(programme), by=staff_member)
    services.waitlist_application(application=waiting, by=staff_member)
    programme.seats = 3
    programme.save()
    assert len(services.fill_programme_seats(programme=programme)) == 1
    assert services.fill_programme_seats(programme=programme) == []
    assert Notification.objects.filter(event="courses.programme.promoted").count() == 1


# -- the staff page --------------------------------------------------------------------------


def test_the_applications_page_is_for_staff_only(client, programme, student, faculty):
    url = reverse("courses:programme_applications", args=[programme.slug])
    application = apply(programme)
    decide = reverse("courses:programme_application_decide", args=[programme.slug, application.pk, "accept"])
    assert client.get(url).status_code == 302  # to the sign-in page
    for someone in (student, faculty):
        client.force_login(someone)
        assert client.get(url).status_code == 403
        assert client.post(decide).status_code == 403
    application.refresh_from_db()
    assert application.status == ProgrammeApplication.Status.SUBMITTED


def test_staff_accept_decline_and_promote_from_the_page(client, programme, staff_member):
    staff_member.language = "en"
    staff_member.save()
    first, second, third = apply(programme), apply(programme), apply(programme)
    full = programme.modules.order_by("pk").last()
    full.seats = 1
    full.save()
    services.enrol_learner(module=full, learner=UserFactory())
    client.force_login(staff_member)

    def decide(application, action, **data):
        url = reverse("courses:programme_application_decide", args=[programme.slug, application.pk, action])
        return client.post(url, data, follow=True).content.decode()

    page = decide(first, "accept")
    assert f"{first.applicant} is accepted." in page
    assert f"These modules are full, so {first.applicant} is on their waiting list: Recovery and Design." in page
    page = decide(second, "accept")
    assert "Every seat of this programme is taken" in page
    decide(second, "waitlist")
    decide(third, "decline", message="The stay is for second-year students.")
    services.withdraw_application(programme=programme, applicant=first.applicant)  # second moves up
    programme.seats = 2
    programme.save()
    decide(third, "promote")
    assert "Only an application on the waiting list can be promoted." in decide(third, "promote")

    statuses = dict(ProgrammeApplication.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "withdrawn", second.pk: "accepted", third.pk: "declined"}
    third.refresh_from_db()
    assert third.decision_message == "The stay is for second-year students."
    page = client.get(reverse("courses:programme_applications", args=[programme.slug])).content.decode()
    assert "The stay is for second-year students." in page


@pytest.mark.parametrize("count", [3, 30])
def test_applications_page_query_budget(client, django_assert_max_num_queries, staff_member, count):
    programme = ProgrammeFactory(seats=count)
    for n in range(count):
        application = apply(programme)
        if n % 3 == 1:
            services.waitlist_application(application=application, by=staff_member)
        elif n % 3 == 2:
            services.decline_application(application=application, by=staff_member, message="Sorry")
    client.force_login(staff_member)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("courses:programme_applications", args=[programme.slug]))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
    assert response.content.decode().count('id="application-') == count
