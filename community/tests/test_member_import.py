"""Importing a partner university's list of members: preview, all-or-nothing confirmation,
invitations in each member's language, and the same file again changing nothing."""

import io
import re
from datetime import datetime

import openpyxl
import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import services, tasks
from community.cohorts import plan_import, read_file
from community.models import AuditEvent, ImportBatch, ImportedMember, OutgoingEmail, Role, User
from community.tests.factories import PASSWORD, OrganizationFactory, UserFactory
from conftest import wait_for

HEADER = "name,email,home_university,programme,arrival,departure,language\n"


@pytest.fixture
def melbourne(db):
    return OrganizationFactory(
        name_en="University of Melbourne", name_ja="メルボルン大学", slug="unimelb", short_name="UoM"
    )


def csv_file(text, name="cohort.csv"):
    return SimpleUploadedFile(name, (HEADER + text).encode("utf-8"), content_type="text/csv")


TWO = (
    "Emma Taylor,emma@student.unimelb.edu.au,University of Melbourne,JIGE Exchange,2027-04-01,2027-08-31,en\n"
    "佐藤 花子,hanako@student.unimelb.edu.au,メルボルン大学,JIGE Exchange,2027/04/01,,ja\n"
)


def upload(client, text, name="Melbourne 2027", filename="cohort.csv"):
    return client.post(reverse("community:import_upload"), {"name": name, "file": csv_file(text, filename)})


def staff_client(client, staff_member):
    staff_member.language = "en"
    staff_member.save()
    client.force_login(staff_member)
    return client


@pytest.mark.django_db
def test_preview_shows_each_row_and_writes_nothing(client, staff_member, melbourne):
    staff_client(client, staff_member)
    response = upload(client, TWO)
    batch = ImportBatch.objects.get()
    assert response.url == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert page.count("New member") >= 2
    assert "Confirm the import" in page
    assert not User.objects.filter(email__endswith="unimelb.edu.au").exists()


@pytest.mark.django_db
def test_confirm_creates_students_and_invites_each_in_their_language(
    client, staff_member, melbourne, django_capture_on_commit_callbacks
):
    staff_client(client, staff_member)
    upload(client, TWO)
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("community:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    emma = User.objects.get(email="emma@student.unimelb.edu.au")
    hanako = User.objects.get(email="hanako@student.unimelb.edu.au")
    assert emma.organization == melbourne and emma.language == "en" and hanako.language == "ja"
    assert emma.has_role(Role.STUDENT) and hanako.has_role(Role.STUDENT)
    assert str(emma.profile.arrival_date) == "2027-04-01" and str(emma.profile.departure_date) == "2027-08-31"
    assert hanako.profile.programme == "JIGE Exchange"
    assert not emma.has_usable_password()
    assert EmailAddress.objects.get(user=emma).verified

    english = OutgoingEmail.objects.get(to=[emma.email])
    japanese = OutgoingEmail.objects.get(to=[hanako.email])
    assert "Choose a password to sign in for the first time" in english.body_text
    assert "パスワードを設定して" in japanese.body_text and "メルボルン大学" in japanese.body_text
    assert english.language == "en" and japanese.language == "ja"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.created_count == 2
    assert client.get(reverse("community:import_progress", args=[batch.pk])).json() == {
        "status": "done",
        "total": 2,
        "sent": 2,
        "done": True,
        "percent": 100,
        "status_label": "Done",
    }
    assert AuditEvent.objects.get(event="community.members.imported").data["created"] == 2


@pytest.mark.django_db
def test_the_invitation_link_sets_a_password_and_the_member_signs_in(
    client, staff_member, melbourne, django_capture_on_commit_callbacks
):
    staff_client(client, staff_member)
    upload(client, TWO)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("community:import_confirm", args=[ImportBatch.objects.get().pk]))
    client.logout()
    body = OutgoingEmail.objects.get(to=["emma@student.unimelb.edu.au"]).body_text
    link = re.search(r"https?://[^\s]+(/accounts/password/reset/key/\S+)", body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert client.login(email="emma@student.unimelb.edu.au", password=PASSWORD)


@pytest.mark.django_db
def test_the_same_file_again_changes_nothing(client, staff_member, melbourne, django_capture_on_commit_callbacks):
    staff_client(client, staff_member)
    upload(client, TWO)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("community:import_confirm", args=[ImportBatch.objects.get().pk]))
    emails = OutgoingEmail.objects.count()
    response = upload(client, TWO)
    assert response.status_code == 302 and response.url == reverse("community:import_list")
    assert "Nothing to change" in client.get(response.url).content.decode()
    assert ImportBatch.objects.count() == 1
    assert OutgoingEmail.objects.count() == emails


@pytest.mark.django_db
def test_a_changed_row_is_updated_and_others_unchanged(client, staff_member, melbourne):
    staff_client(client, staff_member)
    known = UserFactory(email="emma@student.unimelb.edu.au", display_name="Emma T.", roles=["student"])
    known.last_login = known.date_joined
    known.save()
    upload(client, TWO.replace("2027-08-31", "2027-09-30"))
    batch = ImportBatch.objects.get()
    plan = plan_import(batch.rows)
    assert [row.status for row in plan.rows] == ["updated", "new"]
    # A member who has signed in keeps the name they chose.
    assert [str(change) for change in plan.rows[0].changes] == ["home university", "programme", "stay dates"]
    services.confirm_member_import(batch=batch, by=staff_member)
    known.refresh_from_db()
    assert known.display_name == "Emma T." and known.organization == melbourne
    assert str(known.profile.departure_date) == "2027-09-30"
    assert ImportedMember.objects.get(user=known).invitation == ImportedMember.Invitation.NONE


@pytest.mark.django_db
def test_any_invalid_row_refuses_the_whole_file_with_reasons(client, staff_member, melbourne):
    staff_client(client, staff_member)
    UserFactory(email="prof@example.org", roles=["faculty"])
    text = TWO + (
        ",noname@example.org,unimelb,,,,en\n"
        "Bad Mail,not-an-address,unimelb,,,,en\n"
        "Nowhere,nowhere@example.org,Atlantis University,,,,en\n"
        "Dates,dates@example.org,UoM,,2027-13-01,,en\n"
        "Backwards,back@example.org,UoM,,2027-05-01,2027-04-01,en\n"
        "Lang,lang@example.org,UoM,,,,fr\n"
        "Twice,EMMA@student.unimelb.edu.au,UoM,,,,en\n"
        "Prof,prof@example.org,UoM,,,,en\n"
    )
    batch_url = upload(client, text).url
    page = client.get(batch_url).content.decode()
    for reason in (
        "The name is missing.",
        "“not-an-address” is not an e-mail address.",
        "“Atlantis University” is not a partner university of the portal.",
        "The arrival date “2027-13-01” is not a date like 2027-04-01.",
        "The departure date is before the arrival date.",
        "The language “fr” is neither English (en) nor Japanese (ja).",
        "The address emma@student.unimelb.edu.au is also on line 2.",
        "This address belongs to a staff or faculty account",
        "8 rows are not valid, so nothing can be imported.",
    ):
        assert reason in page, reason
    assert "Confirm the import" not in page
    response = client.post(reverse("community:import_confirm", args=[ImportBatch.objects.get().pk]), follow=True)
    assert "8 rows are not valid: nothing was imported." in response.content.decode()
    assert not User.objects.filter(email__endswith="unimelb.edu.au").exists()
    assert not ImportedMember.objects.exists()


@pytest.mark.django_db
def test_reasons_are_in_japanese_for_japanese_staff(client, staff_member, melbourne):
    client.force_login(staff_member)  # the staff persona reads Japanese
    url = upload(client, "Lang,lang@example.org,UoM,,,,fr\n").url
    page = client.get(url, headers={"accept-language": "ja"}).content.decode()
    assert "言語「fr」は英語（en）でも日本語（ja）でもありません。" in page


@pytest.mark.django_db
def test_files_that_cannot_be_read_get_a_clear_error(client, staff_member, melbourne):
    staff_client(client, staff_member)
    cases = [
        (SimpleUploadedFile("list.pdf", b"%PDF-1.4"), "Upload a CSV file (.csv) or an Excel workbook (.xlsx)."),
        (SimpleUploadedFile("list.csv", b"email,name\nx@example.org,X\n"), "missing: home_university"),
        (SimpleUploadedFile("list.csv", (HEADER + "a\0b,c,d\n").encode()), "cannot be read as CSV"),
        (SimpleUploadedFile("list.xlsx", b"not a zip"), "is not an Excel workbook"),
        (SimpleUploadedFile("list.csv", HEADER.encode()), "has no members"),
    ]
    for upload_file, message in cases:
        response = client.post(reverse("community:import_upload"), {"name": "X", "file": upload_file})
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_xlsx_and_shift_jis_csv_are_read(melbourne):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "E-mail", "Home university", "Programme", "Arrival", "Departure", "Language"])
    sheet.append(["Emma", "emma@example.org", "UoM", "JIGE", datetime(2027, 4, 1), None, "English"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read_file("cohort.xlsx", buffer.getvalue())
    assert rows == [
        {
            "line": 2,
            "name": "Emma",
            "email": "emma@example.org",
            "university": "UoM",
            "programme": "JIGE",
            "arrival": "2027-04-01",
            "departure": "",
            "language": "English",
        }
    ]
    assert plan_import(rows).rows[0].status == "new"
    shift_jis = (HEADER + "佐藤 花子,hanako@example.org,メルボルン大学,,,,日本語\n").encode("cp932")
    [row] = plan_import(read_file("cohort.csv", shift_jis)).rows
    assert row.status == "new" and row.data["name"] == "佐藤 花子" and row.data["language"] == "ja"


@pytest.mark.django_db
def test_the_report_csv_defuses_formulas(client, staff_member, melbourne):
    staff_client(client, staff_member)
    url = upload(client, '"=HYPERLINK(""http://evil.example"")",evil@example.org,UoM,,,,en\n').url
    batch = ImportBatch.objects.get()
    assert url == batch.get_absolute_url()
    report = client.get(reverse("community:import_report", args=[batch.pk])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in report
    assert "\n=HYPERLINK" not in report and ",=HYPERLINK" not in report


@pytest.mark.django_db
def test_only_staff_reach_the_import_pages(client, student, faculty, melbourne):
    batch = ImportBatch.objects.create(name="X", filename="x.csv", rows=[])
    for user in (student, faculty):
        client.force_login(user)
        for name, args in [
            ("import_list", []),
            ("import_upload", []),
            ("import_detail", [batch.pk]),
            ("import_progress", [batch.pk]),
            ("import_report", [batch.pk]),
        ]:
            assert client.get(reverse(f"community:{name}", args=args)).status_code == 403
        assert client.post(reverse("community:import_confirm", args=[batch.pk])).status_code == 403
    with pytest.raises(Exception):  # noqa: B017 - the service refuses too
        services.confirm_member_import(batch=batch, by=student)


@pytest.mark.django_db
def test_invitations_task_is_safe_to_run_twice(client, staff_member, melbourne):
    staff_client(client, staff_member)
    upload(client, TWO)
    batch = ImportBatch.objects.get()
    services.confirm_member_import(batch=batch, by=staff_member)  # on-commit callbacks not run: still pending
    assert services.invitation_progress(batch)["sent"] == 0
    assert tasks.send_import_invitations(batch.pk) == 2
    assert tasks.send_import_invitations(batch.pk) == 0
    assert OutgoingEmail.objects.count() == 2
    assert services.confirm_member_import(batch=batch, by=staff_member).created_count == 2  # confirming twice
    assert User.objects.filter(email__endswith="unimelb.edu.au").count() == 2


def _rows(count, start=0):
    return "".join(
        f"Student {i},student{i}@student.unimelb.edu.au,UoM,JIGE,2027-04-01,2027-08-31,{'ja' if i % 2 else 'en'}\n"
        for i in range(start, start + count)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("count", [50, 5000])
def test_five_thousand_rows_within_a_query_budget(staff_member, melbourne, count):
    content = (HEADER + _rows(count)).encode()
    UserFactory(email="student1@student.unimelb.edu.au")  # one existing account: updated
    with CaptureQueriesContext(connection) as upload_queries:
        batch = services.upload_member_list(by=staff_member, name="Big", filename="big.csv", content=content)
    with CaptureQueriesContext(connection) as confirm_queries:
        services.confirm_member_import(batch=batch, by=staff_member)
    # Reads do not grow with rows; writes are batched by 1,000 rows.
    assert len(upload_queries) <= 6, [q["sql"][:80] for q in upload_queries]
    batches = -(-count // 1000)
    assert len(confirm_queries) <= 16 + 5 * batches, len(confirm_queries)
    assert User.objects.filter(email__endswith="@student.unimelb.edu.au").count() == count
    assert ImportedMember.objects.filter(batch=batch, invitation="pending").count() == count - 1


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_import_list_query_budget(client, staff_member, rows, django_assert_max_num_queries):
    ImportBatch.objects.bulk_create(
        [ImportBatch(name=f"Cohort {i}", filename="c.csv", created_by=staff_member) for i in range(rows)]
    )
    client.force_login(staff_member)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("community:import_list"))
    assert len(response.context["page"]) == min(rows, 20)


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_preview_page_query_budget(client, staff_member, melbourne, rows, django_assert_max_num_queries):
    staff_client(client, staff_member)
    upload(client, _rows(rows))
    batch = ImportBatch.objects.get()
    with django_assert_max_num_queries(10):
        response = client.get(batch.get_absolute_url())
    assert len(response.context["page"]) == rows


@pytest.mark.worker
def test_invitations_are_sent_by_a_real_worker(celery_worker_process):
    OrganizationFactory(name_en="University of Melbourne", slug="unimelb", short_name="UoM")
    staff = UserFactory(roles=["staff"])
    batch = services.upload_member_list(
        by=staff, name="Worker", filename="c.csv", content=(HEADER + _rows(120)).encode()
    )
    services.confirm_member_import(batch=batch, by=staff)
    wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.DONE, timeout=60)
    assert ImportedMember.objects.filter(batch=batch, invitation="sent").count() == 120
    wait_for(lambda: OutgoingEmail.objects.filter(status="sent").count() == 120, timeout=90)
    japanese = OutgoingEmail.objects.get(to=["student1@student.unimelb.edu.au"])
    assert japanese.language == "ja" and "パスワード" in japanese.body_text
