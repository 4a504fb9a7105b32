"""Bulk enrolment of an imported cohort: preview, confirmation, seats and waiting list as for
one learner, each member told in their language, and the same cohort again changing nothing."""

import pytest
from django.urls import reverse

from community.models import ImportBatch, ImportedMember, Notification
from community.tests.factories import UserFactory
from conftest import wait_for
from courses import services, tasks
from courses.models import CohortEnrolment, CohortEnrolmentRow, Enrolment, ProgrammeApplication

from .factories import ProgrammeFactory, published_module


def make_cohort(count, **user_fields):
    cohort = ImportBatch.objects.create(name="Melbourne 2027", filename="c.csv", status=ImportBatch.Status.DONE)
    users = [UserFactory(roles=["student"], **user_fields) for _ in range(count)]
    ImportedMember.objects.bulk_create(ImportedMember(batch=cohort, user=u, outcome="new") for u in users)
    return cohort, users


def staff(client, staff_member):
    staff_member.language = "en"
    staff_member.save()
    client.force_login(staff_member)


@pytest.mark.django_db
def test_preview_shows_seats_then_waiting_list_and_writes_nothing(client, staff_member):
    module = published_module(seats=2)
    cohort, users = make_cohort(3)
    staff(client, staff_member)
    response = client.get(reverse("courses:cohort_enrolment_new"), {"cohort": cohort.pk, "module": module.pk})
    page = response.content.decode()
    assert [row.status for row in response.context["plan"].rows] == ["enrol", "enrol", "wait"]
    assert "Waiting list (full)" in page and "Confirm the enrolment" in page
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_confirm_enrols_while_seats_last_and_tells_each_member(
    client, staff_member, django_capture_on_commit_callbacks
):
    module = published_module(seats=2, title_en="Climate Policy", title_ja="気候政策")
    cohort, users = make_cohort(3)
    users[0].language = "ja"
    users[0].save()
    staff(client, staff_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("courses:cohort_enrolment_new"), {"cohort": cohort.pk, "module": module.pk})
    batch = CohortEnrolment.objects.get()
    assert response.url == batch.get_absolute_url()
    statuses = [Enrolment.objects.get(module=module, learner=u).status for u in users]
    assert statuses == ["enrolled", "enrolled", "waitlisted"]
    assert Notification.objects.get(recipient=users[0]).text == "スタッフがあなたを「気候政策」に登録しました。"
    assert "waiting list of “Climate Policy”" in Notification.objects.get(recipient=users[2]).text
    batch.refresh_from_db()
    assert batch.status == CohortEnrolment.Status.DONE
    progress = client.get(reverse("courses:cohort_enrolment_progress", args=[batch.pk])).json()
    assert progress["sent"] == 3 and progress["done"] is True
    detail = client.get(batch.get_absolute_url()).content.decode()
    assert "On the waiting list" in detail


@pytest.mark.django_db
def test_the_same_cohort_again_changes_nothing(client, staff_member, django_capture_on_commit_callbacks):
    module = published_module(seats=5)
    cohort, users = make_cohort(2)
    staff(client, staff_member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("courses:cohort_enrolment_new"), {"cohort": cohort.pk, "module": module.pk})
    response = client.post(
        reverse("courses:cohort_enrolment_new"), {"cohort": cohort.pk, "module": module.pk}, follow=True
    )
    assert "Nothing to change" in response.content.decode()
    assert CohortEnrolment.objects.count() == 1


@pytest.mark.django_db
def test_an_unplaceable_member_refuses_the_whole_cohort(client, staff_member):
    module = published_module(seats=5)
    cohort, users = make_cohort(2)
    users[1].is_active = False
    users[1].save()
    staff(client, staff_member)
    page = client.get(reverse("courses:cohort_enrolment_new"), {"cohort": cohort.pk, "module": module.pk})
    assert "This account is deactivated." in page.content.decode()
    assert "Confirm the enrolment" not in page.content.decode()
    response = client.post(
        reverse("courses:cohort_enrolment_new"), {"cohort": cohort.pk, "module": module.pk}, follow=True
    )
    assert "1 member cannot be enrolled: nobody was enrolled." in response.content.decode()
    assert not Enrolment.objects.exists() and not CohortEnrolment.objects.exists()


@pytest.mark.django_db
def test_a_draft_module_takes_nobody(client, staff_member):
    module = published_module()
    module.status = "draft"
    module.save()
    cohort, _users = make_cohort(1)
    staff(client, staff_member)
    # A draft is not offered; asked for anyway, the form refuses it.
    response = client.get(reverse("courses:cohort_enrolment_new"), {"cohort": cohort.pk, "module": module.pk})
    assert response.context["plan"] is None


@pytest.mark.django_db
def test_programme_accepts_while_seats_last_and_enrols_in_its_modules(
    client, staff_member, django_capture_on_commit_callbacks
):
    module = published_module(seats=10)
    programme = ProgrammeFactory(seats=2)
    programme.modules.add(module)
    cohort, users = make_cohort(3)
    staff(client, staff_member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("courses:cohort_enrolment_new"), {"cohort": cohort.pk, "programme": programme.pk})
    statuses = [ProgrammeApplication.objects.get(programme=programme, applicant=u).status for u in users]
    assert statuses == ["accepted", "accepted", "waitlisted"]
    assert Enrolment.objects.filter(module=module, status="enrolled").count() == 2


@pytest.mark.django_db
def test_the_task_is_safe_to_run_twice(staff_member):
    module = published_module(seats=1)
    cohort, users = make_cohort(2)
    batch = services.start_cohort_enrolment(cohort=cohort, module=module, by=staff_member)
    assert tasks.enrol_cohort(batch.pk) == 2
    assert tasks.enrol_cohort(batch.pk) == 0
    assert sorted(CohortEnrolmentRow.objects.values_list("outcome", flat=True)) == ["enrolled", "waitlisted"]
    assert Enrolment.objects.filter(module=module).count() == 2


@pytest.mark.django_db
def test_only_staff_enrol_cohorts(client, student, faculty, staff_member):
    module = published_module()
    cohort, _users = make_cohort(1)
    batch = services.start_cohort_enrolment(cohort=cohort, module=module, by=staff_member)
    for user in (student, faculty):
        client.force_login(user)
        assert client.get(reverse("courses:cohort_enrolment_new")).status_code == 403
        assert client.post(reverse("courses:cohort_enrolment_new"), {"cohort": cohort.pk}).status_code == 403
        assert client.get(batch.get_absolute_url()).status_code == 403
        assert client.get(reverse("courses:cohort_enrolment_progress", args=[batch.pk])).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_preview_and_detail_query_budget(client, staff_member, rows, django_assert_max_num_queries):
    module = published_module(seats=100)
    cohort, _users = make_cohort(rows)
    staff(client, staff_member)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("courses:cohort_enrolment_new"), {"cohort": cohort.pk, "module": module.pk})
    assert len(response.context["page"]) == rows
    batch = services.start_cohort_enrolment(cohort=cohort, module=module, by=staff_member)
    with django_assert_max_num_queries(9):
        response = client.get(batch.get_absolute_url())
    assert len(response.context["page"]) == rows


@pytest.mark.worker
def test_a_cohort_is_enrolled_by_a_real_worker(celery_worker_process):
    module = published_module(seats=3)
    cohort, users = make_cohort(4)
    batch = services.start_cohort_enrolment(cohort=cohort, module=module, by=UserFactory(roles=["staff"]))
    wait_for(lambda: CohortEnrolment.objects.get(pk=batch.pk).status == CohortEnrolment.Status.DONE, timeout=60)
    assert Enrolment.objects.filter(module=module, status="enrolled").count() == 3
    assert Enrolment.objects.filter(module=module, status="waitlisted").count() == 1
