"""Staff and faculty tools: manual and batch awards with a report of failed rows, revocation, who holds what."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from community.models import Notification, Role
from community.tests.factories import OrganizationFactory, UserFactory
from credentials import services
from credentials.models import Award, BatchAward
from credentials.tests.factories import AchievementFactory, AwardFactory


@pytest.fixture
def achievement(db):
    return AchievementFactory(slug="coil-basics", name_en="COIL Basics")


def staff_of_issuer(staff_member, achievement):
    """Staff award only in the name of the university they are staff of: make it the issuer."""
    staff_member.organization = achievement.issuer
    staff_member.save(update_fields=["organization"])


@pytest.mark.django_db(transaction=True)
def test_staff_awards_a_list_of_emails_and_sees_the_failed_rows(client, staff_member, student, other_student):
    achievement = AchievementFactory(slug="coil-basics", name_en="COIL Basics")
    AwardFactory(recipient=other_student, achievement=achievement)
    staff_of_issuer(staff_member, achievement)
    client.force_login(staff_member)
    response = client.post(
        reverse("credentials:staff_award"),
        {
            "achievement": achievement.pk,
            "emails": f"{student.email.upper()}\nnobody@example.org\nnot-an-address\n{other_student.email}",
            "evidence": "Attended all COIL sessions",
        },
    )
    batch = BatchAward.objects.get()
    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    batch.refresh_from_db()  # the task ran after commit (eagerly in tests)
    assert batch.status == BatchAward.Status.DONE
    assert (batch.total, batch.processed, batch.succeeded) == (4, 4, 1)
    assert {(f["line"], f["error"]) for f in batch.failures} == {
        (2, "unknown_email"),
        (3, "invalid_email"),
        (4, "already_awarded"),
    }
    award = Award.objects.get(recipient=student)
    assert award.status == Award.Status.ISSUED
    assert award.awarded_by == staff_member
    assert award.evidence == "Attended all COIL sessions"

    page = client.get(batch.get_absolute_url()).content.decode()
    assert "このメールアドレスのメンバーはいません" in page  # staff_member reads Japanese
    assert "nobody@example.org" in page
    progress = client.get(reverse("credentials:batch_progress", args=[batch.pk])).json()
    assert progress == {
        "status": "done",
        "status_label": "完了",
        "total": 4,
        "processed": 4,
        "succeeded": 1,
        "failed": 3,
        "percent": 100,
        "done": True,
    }


@pytest.mark.django_db
def test_csv_in_shift_jis_with_a_header_and_evidence(client, staff_member, student, achievement):
    csv_bytes = f"メールアドレス,エビデンス\n{student.email},最終発表（優）\n".encode("cp932")
    staff_of_issuer(staff_member, achievement)
    client.force_login(staff_member)
    response = client.post(
        reverse("credentials:staff_award"),
        {"achievement": achievement.pk, "csv_file": SimpleUploadedFile("list.csv", csv_bytes, "text/csv")},
    )
    assert response.status_code == 302
    batch = BatchAward.objects.get()
    assert batch.rows == [{"line": 2, "email": student.email, "evidence": "最終発表（優）"}]
    services.run_batch_award(batch_id=batch.pk)
    assert Award.objects.get(recipient=student).evidence == "最終発表（優）"


@pytest.mark.django_db
def test_bad_batch_input_gives_clear_errors(client, staff_member, achievement):
    staff_of_issuer(staff_member, achievement)
    client.force_login(staff_member)
    url = reverse("credentials:staff_award")
    response = client.post(url, {"achievement": achievement.pk, "emails": "  \n "})
    assert "メールアドレスを1件以上入力するか、CSV ファイルを選んでください。" in response.content.decode()
    binary = SimpleUploadedFile("list.csv", b"\x00\x01\x02\xff\xfe" * 10, "text/csv")
    response = client.post(url, {"achievement": achievement.pk, "csv_file": binary})
    assert response.status_code == 200
    assert "CSV ファイルは UTF-8 または Shift_JIS のテキストにしてください。" in response.content.decode()
    response = client.post(url, {"achievement": "999999", "emails": "a@example.org"})
    assert response.status_code == 200
    assert not BatchAward.objects.exists()


@pytest.mark.django_db
def test_running_a_batch_twice_awards_once(staff_member, student, achievement, django_capture_on_commit_callbacks):
    staff_of_issuer(staff_member, achievement)
    with django_capture_on_commit_callbacks(execute=False):
        batch = services.create_batch_award(
            achievement=achievement, created_by=staff_member, rows=services.parse_award_rows(emails=student.email)
        )
    assert services.run_batch_award(batch_id=batch.pk) is True
    assert services.run_batch_award(batch_id=batch.pk) is False
    batch.refresh_from_db()
    assert (batch.succeeded, batch.failures) == (1, [])
    assert Award.objects.filter(recipient=student).count() == 1


@pytest.mark.django_db
def test_a_stalled_batch_resumes_where_it_stopped(staff_member, achievement, django_capture_on_commit_callbacks):
    learners = UserFactory.create_batch(3)
    staff_of_issuer(staff_member, achievement)
    with django_capture_on_commit_callbacks(execute=False):
        batch = services.create_batch_award(
            achievement=achievement,
            created_by=staff_member,
            rows=services.parse_award_rows(emails="\n".join(u.email for u in learners)),
        )
    # A runner claimed it, did the first row and died ten minutes ago.
    services.award_achievement(recipient=learners[0], achievement=achievement, awarded_by=staff_member)
    BatchAward.objects.filter(pk=batch.pk).update(
        status=BatchAward.Status.RUNNING, processed=1, succeeded=1, heartbeat_at=timezone.now() - timedelta(minutes=11)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_stalled_batches() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.processed, batch.succeeded, batch.failures) == (BatchAward.Status.DONE, 3, 3, [])


@pytest.mark.django_db
def test_batch_report_explains_rows_refused_because_the_creator_left_the_issuer(
    client, staff_member, student, achievement
):
    staff_of_issuer(staff_member, achievement)
    batch = services.create_batch_award(
        achievement=achievement, created_by=staff_member, rows=services.parse_award_rows(emails=student.email)
    )
    staff_member.organization = OrganizationFactory(slug="another-university")  # moved before the task ran
    staff_member.save(update_fields=["organization"])
    assert services.run_batch_award(batch_id=batch.pk)
    client.force_login(staff_member)

    page = client.get(batch.get_absolute_url()).content.decode()  # staff_member reads Japanese
    assert "権限がありません：この証明書の発行大学を代表する立場にありません" in page
    assert "not_authorised" not in page
    staff_member.language = "en"
    staff_member.save(update_fields=["language"])
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Not allowed: you do not act for the issuer of this credential" in page
    assert not Award.objects.exists()


@pytest.mark.django_db
def test_faculty_award_only_what_their_organization_issues(client, faculty, student):
    own = AchievementFactory(issuer=OrganizationFactory(slug="faculty-home"))
    faculty.organization = own.issuer
    faculty.save()
    foreign = AchievementFactory()
    client.force_login(faculty)
    form = client.get(reverse("credentials:staff_award")).context["form"]
    assert list(form.fields["achievement"].queryset) == [own]
    response = client.post(reverse("credentials:staff_award"), {"achievement": foreign.pk, "emails": student.email})
    assert response.status_code == 200
    assert not BatchAward.objects.exists()
    assert client.get(reverse("credentials:holder_list", args=[foreign.slug])).status_code == 404
    assert client.get(reverse("credentials:holder_list", args=[own.slug])).status_code == 200


@pytest.mark.django_db
def test_learners_and_companies_cannot_use_staff_tools(client, student, company_contact, achievement):
    award = AwardFactory(achievement=achievement)
    for member in (student, company_contact):
        client.force_login(member)
        assert client.get(reverse("credentials:staff_index")).status_code == 403
        assert client.get(reverse("credentials:staff_award")).status_code == 403
        assert client.get(reverse("credentials:holder_list", args=[achievement.slug])).status_code == 403
        assert client.get(reverse("credentials:recognition_queue")).status_code == 403
        assert client.get(reverse("credentials:award_revoke", args=[award.public_id])).status_code == 404
    client.logout()
    assert client.get(reverse("credentials:staff_index")).status_code == 302


@pytest.mark.django_db
def test_staff_revoke_with_reason_through_the_page(client, staff_member, student, achievement):
    award = AwardFactory(recipient=student, achievement=achievement)
    client.force_login(staff_member)
    url = reverse("credentials:award_revoke", args=[award.public_id])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    award.refresh_from_db()
    assert award.status == Award.Status.ISSUED
    client.post(url, {"reason": "Assessment found to be plagiarised"})
    award.refresh_from_db()
    assert award.status == Award.Status.REVOKED
    assert award.revoked_by == staff_member
    assert award.revocation_reason == "Assessment found to be plagiarised"
    assert award.events.filter(event="credentials.award.revoked").exists()
    notification = Notification.objects.get(recipient=student, event="credentials.award.revoked")
    assert "plagiarised" in notification.text
    holders = client.get(reverse("credentials:holder_list", args=[achievement.slug])).content.decode()
    assert "cred-row--revoked" in holders


@pytest.mark.django_db
def test_revocation_notice_is_in_the_learners_language(staff_member, achievement):
    learner = UserFactory(language="ja")
    award = AwardFactory(recipient=learner, achievement=achievement)
    services.revoke_award(award=award, revoked_by=staff_member, reason="本人確認ができませんでした")
    text = Notification.objects.get(recipient=learner).text
    assert "取り消されました" in text
    assert achievement.name_ja in text


@pytest.mark.django_db
def test_admin_lists_awards_and_revokes_with_a_reason(client, staff_member, student, achievement):
    staff_member.is_superuser = True
    staff_member.save()
    award = AwardFactory(recipient=student, achievement=achievement)
    client.force_login(staff_member)
    changelist = reverse("admin:credentials_award_changelist")
    assert client.get(changelist, {"q": "mai"}).status_code == 200
    assert client.get(reverse("admin:credentials_achievement_change", args=[achievement.pk])).status_code == 200
    response = client.post(changelist, {"action": "revoke_selected", "_selected_action": [award.pk]})
    assert response.status_code == 200
    assert "授与の取り消し" in response.content.decode()
    client.post(
        changelist,
        {"action": "revoke_selected", "_selected_action": [award.pk], "apply": "1", "reason": "Duplicate identity"},
    )
    award.refresh_from_db()
    assert (award.status, award.revocation_reason) == (Award.Status.REVOKED, "Duplicate identity")


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_holder_list_query_budget(client, staff_member, achievement, django_assert_max_num_queries, rows):
    for _ in range(rows):
        AwardFactory(achievement=achievement, awarded_by=staff_member)
    client.force_login(staff_member)
    client.get(reverse("credentials:holder_list", args=[achievement.slug]))
    with django_assert_max_num_queries(5):
        response = client.get(reverse("credentials:holder_list", args=[achievement.slug]))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_staff_index_query_budget(client, staff_member, django_assert_max_num_queries, rows):
    for achievement in AchievementFactory.create_batch(rows):
        AwardFactory(achievement=achievement)
    client.force_login(staff_member)
    client.get(reverse("credentials:staff_index"))
    with django_assert_max_num_queries(5):
        response = client.get(reverse("credentials:staff_index"))
    assert response.status_code == 200


def test_roles_hold_the_admin_permissions(db):
    staff = UserFactory(roles=[Role.STAFF])
    faculty = UserFactory(roles=[Role.FACULTY])
    student = UserFactory(roles=[Role.STUDENT])
    assert staff.has_perm("credentials.change_achievement")
    assert staff.has_perm("credentials.view_recognitionrequest")
    assert faculty.has_perm("credentials.add_achievement")
    assert not faculty.has_perm("credentials.delete_achievement")
    assert not student.has_perm("credentials.view_award")


@pytest.mark.django_db
def test_admin_pages_open_for_a_superuser(client, staff_member, student, achievement):
    staff_member.is_superuser = True
    staff_member.save()
    award = AwardFactory(recipient=student, achievement=achievement)
    batch = BatchAward.objects.create(achievement=achievement, created_by=staff_member, rows=[], total=0)
    recognition = services.request_recognition(
        learner=student, university=OrganizationFactory(slug="uni"), awards=[award]
    )
    client.force_login(staff_member)
    for url in (
        "/admin/credentials/award/",
        f"/admin/credentials/award/{award.pk}/change/",
        "/admin/credentials/batchaward/",
        f"/admin/credentials/batchaward/{batch.pk}/change/",
        "/admin/credentials/recognitionrequest/",
        f"/admin/credentials/recognitionrequest/{recognition.pk}/change/",
        "/admin/credentials/equivalenceclass/add/",
        "/admin/credentials/achievement/add/",
    ):
        assert client.get(url).status_code == 200, url
