"""A member downloads all their data as one ZIP, made in the background; only they can fetch it."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import AuditEvent, Comment, DataExport
from community.services import privacy
from community.tests.factories import CommunityGroupFactory, PostFactory
from conftest import wait_for
from internships.tests.factories import ApplicationFactory


def archive_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def writing(student, other_student):
    group = CommunityGroupFactory(name_en="Kyoto hiking")
    services.add_member(group=group, user=student)
    post = PostFactory(group=group, author=student, body="Who joins the Daimonji hike?")
    Comment.objects.create(post=post, author=student, body="Saturday 9:00 at Ginkakuji.")
    conversation = services.start_conversation(sender=student, recipients=[other_student], body="Hello Lucas!")
    services.send_message(conversation=conversation, sender=other_student, body="Not mine to export")
    application = ApplicationFactory(student=student, motivation="Robots and rice fields.")
    return {"group": group, "post": post, "application": application}


@pytest.mark.django_db
def test_archive_holds_profile_posts_comments_sent_messages_and_applications(
    client, student, writing, django_capture_on_commit_callbacks
):
    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("community:data_export_create"))
    export = DataExport.objects.get(user=student)
    assert response.status_code == 302 and response["Location"] == export.get_absolute_url()
    export.refresh_from_db()
    assert (export.status, export.progress) == (DataExport.Status.DONE, 100)
    assert export.file.name.startswith("data-exports/")

    page = client.get(export.get_absolute_url())
    assert reverse("community:data_export_download", args=[export.pk]) in page.content.decode()

    download = client.get(reverse("community:data_export_download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert "attachment" in download["Content-Disposition"]
    archive = archive_of(download)
    names = set(archive.namelist())
    assert {"profile.json", "posts.json", "comments.json", "messages-sent.json", "manifest.json"} <= names
    assert {"internships/applications.json", "courses/enrolments.json", "credentials/awards.json"} <= names
    profile = json.loads(archive.read("profile.json"))
    assert profile["account"]["email"] == "mai.student@example.org"
    assert profile["account"]["display_name"] == "Mai Student"
    assert [group["group"] for group in profile["groups"]] == ["Kyoto hiking"]
    assert [post["body"] for post in json.loads(archive.read("posts.json"))] == ["Who joins the Daimonji hike?"]
    assert [c["body"] for c in json.loads(archive.read("comments.json"))] == ["Saturday 9:00 at Ginkakuji."]
    # Only what the member sent: the other participant's reply is theirs.
    assert [m["body"] for m in json.loads(archive.read("messages-sent.json"))] == ["Hello Lucas!"]
    applications = json.loads(archive.read("internships/applications.json"))
    assert [a["motivation_letter"] for a in applications] == ["Robots and rice fields."]
    cv_name = f"internships/cv/{writing['application'].pk}.pdf"
    assert archive.read(cv_name).startswith(b"%PDF")
    assert sorted(json.loads(archive.read("manifest.json"))["files"]) == sorted(names - {"manifest.json"})
    assert AuditEvent.objects.filter(event="community.data_export.requested", actor=student).count() == 1


@pytest.mark.django_db
def test_nobody_else_sees_or_downloads_an_archive(client, student, other_student, staff_member):
    export = privacy.request_data_export(user=student)
    privacy.build_data_export(export_id=export.pk)
    export.refresh_from_db()
    name = export.file.name
    for intruder in (other_student, staff_member):
        client.force_login(intruder)
        for url_name in ("data_export", "data_export_progress", "data_export_download"):
            assert client.get(reverse(f"community:{url_name}", args=[export.pk])).status_code == 404
    client.logout()
    download = client.get(reverse("community:data_export_download", args=[export.pk]))
    assert download.status_code == 302 and reverse("account_login") in download["Location"]
    # Never under /media/, whoever asks.
    assert default_storage.exists(name)
    client.force_login(student)
    assert client.get("/media/" + name).status_code == 404


@pytest.mark.django_db
def test_building_twice_makes_one_archive(student, writing):
    export = privacy.request_data_export(user=student)
    assert privacy.build_data_export(export_id=export.pk) is True
    export.refresh_from_db()
    first_file = export.file.name
    assert privacy.build_data_export(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.file.name == first_file and export.status == DataExport.Status.DONE
    # Asking again while one is being made gives the same export, not a second.
    pending = privacy.request_data_export(user=student)
    assert privacy.request_data_export(user=student) == pending


@pytest.mark.django_db
def test_progress_page_refreshes_itself_without_javascript_and_reports_json(client, student):
    export = privacy.request_data_export(user=student)
    client.force_login(student)
    page = client.get(export.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page
    assert 'value="0"' in page and "Waiting to start" in page
    progress = client.get(reverse("community:data_export_progress", args=[export.pk])).json()
    assert progress == {"status": "pending", "status_label": "Waiting to start", "percent": 0, "done": False}
    privacy.build_data_export(export_id=export.pk)
    assert client.get(reverse("community:data_export_progress", args=[export.pk])).json()["done"] is True
    assert "http-equiv" not in client.get(export.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_progress_page_in_japanese(client, student):
    student.language = "ja"
    student.save()
    export = privacy.request_data_export(user=student)
    client.force_login(student)
    page = client.get(export.get_absolute_url()).content.decode()
    assert "データのアーカイブ" in page and "開始待ち" in page


@pytest.mark.django_db
def test_expired_archive_is_deleted_and_no_longer_downloadable(client, student, django_capture_on_commit_callbacks):
    export = privacy.request_data_export(user=student)
    privacy.build_data_export(export_id=export.pk)
    export.refresh_from_db()
    name = export.file.name
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(student)
    assert client.get(reverse("community:data_export_download", args=[export.pk])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        privacy.sweep_data_exports()
        privacy.sweep_data_exports()
    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and not export.file
    assert not default_storage.exists(name)


@pytest.mark.django_db
def test_a_failing_part_marks_the_export_failed_and_the_page_says_so(client, student, monkeypatch):
    from community import privacy as registry

    def broken(user):
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry, "exporters", lambda: (broken,))
    export = privacy.request_data_export(user=student)
    assert privacy.build_data_export(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.status == DataExport.Status.FAILED and not export.file
    client.force_login(student)
    assert "could not be made" in client.get(export.get_absolute_url()).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_privacy_page_query_budget(client, student, django_assert_max_num_queries, count):
    DataExport.objects.bulk_create(DataExport(user=student, status=DataExport.Status.FAILED) for _ in range(count))
    client.force_login(student)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("community:privacy"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == min(count, 10) + 1


@pytest.mark.worker
def test_archive_is_made_by_a_real_worker(client, student, writing, celery_worker_process):
    client.force_login(student)
    client.post(reverse("community:data_export_create"))
    export = DataExport.objects.get(user=student)
    wait_for(lambda: DataExport.objects.filter(pk=export.pk, status=DataExport.Status.DONE).exists(), timeout=60)
    download = client.get(reverse("community:data_export_download", args=[export.pk]))
    archive = archive_of(download)
    assert [post["body"] for post in json.loads(archive.read("posts.json"))] == ["Who joins the Daimonji hike?"]


@pytest.mark.django_db
def test_archive_holds_the_files_the_member_attached_to_messages_but_not_others_files(
    client, student, other_student, django_capture_on_commit_callbacks
):
    from community.tests.test_group_files import pdf_file

    with django_capture_on_commit_callbacks(execute=True):
        conversation = services.start_conversation(sender=student, recipients=[other_student], body="Hello!")
    sender, replier = Client(), Client()
    sender.force_login(student)
    replier.force_login(other_student)
    send = reverse("community:message_send", args=[conversation.pk])
    assert sender.post(send, {"body": "The agenda", "files": [pdf_file("Agenda 2026.pdf")]}).status_code == 302
    assert replier.post(send, {"body": "Mine", "files": [pdf_file("Not yours.pdf")]}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        sender.post(reverse("community:data_export_create"))
    export = DataExport.objects.get(user=student)
    archive = archive_of(client_for(student).get(reverse("community:data_export_download", args=[export.pk])))
    sent = json.loads(archive.read("messages-sent.json"))
    assert [(m["body"], m["files"]) for m in sent] == [("Hello!", []), ("The agenda", ["Agenda 2026.pdf"])]
    stored = [name for name in archive.namelist() if name.startswith("messages/files/")]
    assert len(stored) == 1
    assert archive.read(stored[0]).startswith(b"%PDF")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client
