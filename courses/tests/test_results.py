"""Faculty record attendance and grades; meeting the rule completes and asks for the credential."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from community.models import Membership
from community.tests.factories import UserFactory
from courses.models import Enrolment, ModuleApproval
from courses.tests.factories import EnrolmentFactory, published_module
from credentials.models import Award
from credentials.tests.factories import AchievementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(db):
    return UserFactory(roles=["faculty"], language="en", display_name="Dr. Jones")


@pytest.fixture
def module(teacher):
    return published_module(owners=[teacher], achievement=AchievementFactory(), min_attendance_percent=80, min_grade=60)


@pytest.fixture
def learners(module):
    people = [UserFactory(email=f"learner{i}@example.org") for i in range(3)]
    for person in people:
        EnrolmentFactory(module=module, learner=person)
        Membership.objects.create(group=module.group, user=person)
    return people


def upload(client, module, text):
    return client.post(
        reverse("courses:results", args=[module.slug]),
        {"upload": "1", "file": SimpleUploadedFile("results.csv", text.encode(), content_type="text/csv")},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_csv_upload_completes_learners_who_meet_the_rule_and_requests_their_award(
    client, teacher, module, learners, django_capture_on_commit_callbacks
):
    client.force_login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client,
            module,
            "email,attendance,grade\nlearner0@example.org,92,75\nLEARNER1@example.org,70,90\nlearner2@example.org,80,60\n",
        )
    assert "Saved 3 results; 2 learners completed the module." in response.content.decode()
    status = dict(Enrolment.objects.filter(module=module).values_list("learner__email", "status"))
    assert status == {
        "learner0@example.org": Enrolment.Status.COMPLETED,
        "learner1@example.org": Enrolment.Status.ENROLLED,  # attendance 70 < 80
        "learner2@example.org": Enrolment.Status.COMPLETED,
    }
    awarded = set(Award.objects.filter(achievement=module.achievement).values_list("recipient__email", flat=True))
    assert awarded == {"learner0@example.org", "learner2@example.org"}
    # Completed learners move from the module group to its alumni group.
    assert Membership.objects.filter(group=module.alumni_group, user=learners[0]).exists()
    assert not Membership.objects.filter(group=module.group, user=learners[0]).exists()
    assert Membership.objects.filter(group=module.group, user=learners[1]).exists()


def test_a_bad_csv_saves_nothing_and_lists_every_bad_row(client, teacher, module, learners):
    client.force_login(teacher)
    response = upload(
        client,
        module,
        "email,attendance,grade\n"
        "learner0@example.org,92,75\n"
        "stranger@example.org,90,90\n"
        "learner1@example.org,ninety,90\n"
        "learner2@example.org,80,101\n"
        "learner0@example.org,80,80\n"
        "learner2@example.org,80\n",
    )
    html = response.content.decode()
    assert "Nothing was saved" in html
    for line, reason in [
        (3, "stranger@example.org is not enrolled in this module."),
        (4, "Attendance must be a number from 0 to 100."),
        (5, "The grade must be a number from 0 to 100."),
        (6, "learner0@example.org appears more than once."),
        (7, "Three values are needed"),
    ]:
        assert f"<td>{line}</td><td>{reason}" in html
    assert not Enrolment.objects.filter(module=module, grade__isnull=False).exists()
    assert not Award.objects.exists()


def test_csv_errors_are_reported_in_japanese(client, faculty, module, learners):
    module.owners.create(user=faculty)  # the faculty persona prefers Japanese
    client.force_login(faculty)
    response = client.post(
        reverse("courses:results", args=[module.slug]),
        {"upload": "1", "file": SimpleUploadedFile("r.csv", b"name,score\n")},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert "1行目は見出し" in response.content.decode()


def test_a_file_that_is_not_utf8_is_rejected(client, teacher, module, learners):
    client.force_login(teacher)
    response = upload(client, module, "email,attendance,grade\n")
    assert "The file has no result rows." in response.content.decode()
    response = client.post(
        reverse("courses:results", args=[module.slug]),
        {"upload": "1", "file": SimpleUploadedFile("r.csv", "email,attendance,grade\n".encode("utf-16"))},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The file is not UTF-8 text." in response.content.decode()


def test_results_recorded_one_by_one_complete_the_learner(
    client, teacher, module, learners, django_capture_on_commit_callbacks
):
    client.force_login(teacher)
    enrolments = list(Enrolment.objects.filter(module=module).order_by("learner__display_name"))
    data = {"results-TOTAL_FORMS": 3, "results-INITIAL_FORMS": 3}
    for i, enrolment in enumerate(enrolments):
        data[f"results-{i}-id"] = enrolment.pk
        data[f"results-{i}-attendance_percent"] = "100" if i == 0 else ""
        data[f"results-{i}-grade"] = "88" if i == 0 else ""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("courses:results", args=[module.slug]), data)
    enrolments[0].refresh_from_db()
    assert enrolments[0].status == Enrolment.Status.COMPLETED
    assert Award.objects.filter(recipient=enrolments[0].learner, achievement=module.achievement).exists()
    assert Enrolment.objects.filter(module=module, status=Enrolment.Status.ENROLLED).count() == 2


def test_results_one_by_one_without_the_issuers_approval_explain_the_refusal_and_save_nothing(
    client, teacher, module, learners, django_capture_on_commit_callbacks
):
    ModuleApproval.objects.filter(module=module).delete()  # the issuer's co-owner has not approved it
    teacher.language = "ja"
    teacher.save(update_fields=["language"])
    client.force_login(teacher)
    enrolment = Enrolment.objects.filter(module=module).order_by("learner__display_name").first()
    data = {
        "results-TOTAL_FORMS": 1,
        "results-INITIAL_FORMS": 1,
        "results-0-id": enrolment.pk,
        "results-0-attendance_percent": "100",
        "results-0-grade": "88",
    }
    url = reverse("courses:results", args=[module.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "承認するまで授与できません。何も保存されていません。" in page
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.grade) == (Enrolment.Status.ENROLLED, None)
    assert not Award.objects.exists()


def test_recording_again_does_not_award_twice(teacher, module, learners):
    from courses import services

    enrolment = Enrolment.objects.get(module=module, learner=learners[0])
    services.record_results(module=module, results=[(enrolment, 90, 90)], by=teacher)
    services.record_results(module=module, results=[(enrolment, 95, 95)], by=teacher)
    assert Award.objects.filter(recipient=learners[0]).count() == 1


def test_other_faculty_cannot_open_the_results_page(client, module):
    client.force_login(UserFactory(roles=["faculty"]))
    assert client.get(reverse("courses:results", args=[module.slug])).status_code == 403


def test_learners_cannot_open_the_results_page(client, student, module):
    client.force_login(student)
    assert client.get(reverse("courses:results", args=[module.slug])).status_code == 403
