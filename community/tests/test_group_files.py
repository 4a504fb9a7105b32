"""Members attach files to group posts: PDFs, images and office documents, recognised by their
content; programs, macro documents, active PDFs and oversized files are refused with a clear
message and leave nothing behind; files reach members only, as downloads."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from community import services
from community.attachments import check_attachment
from community.models import AuditEvent, GroupFile, Post
from community.pdf import minimal_pdf
from community.tests.factories import CommunityGroupFactory, PostFactory
from community.tests.pages import signed_in
from community.tests.test_profile import image_file

pytestmark = pytest.mark.django_db

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def office_file(name="notes.docx", *, main_type=WORD_MAIN, macros=False) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def pdf_file(name="syllabus.pdf", data=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or minimal_pdf("Syllabus"), content_type="application/pdf")


def scripted_pdf() -> bytes:
    return minimal_pdf("Hi").replace(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
    )


@pytest.fixture
def club(student, other_student):
    """A group that members join by request: Lucas owns it, Mai is a member."""
    group = CommunityGroupFactory(name_en="Tea Ceremony", slug="tea-ceremony", join_policy="request")
    services.add_member(group=group, user=other_student, role="owner")
    services.add_member(group=group, user=student)
    return group


def attach(client, group, upload, body="See the file"):
    return client.post(reverse("community:post_create", args=[group.slug]), {"body": body, "attachment": upload})


def download(client, group_file):
    return client.get(reverse("community:group_file_download", args=[group_file.group.slug, group_file.pk]))


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    ("upload", "content_type", "shown_name"),
    [
        (lambda: pdf_file("Syllabus 2026.pdf"), "application/pdf", "Syllabus 2026.pdf"),
        (lambda: image_file("PNG", name="map.png"), "image/png", "map.png"),
        (lambda: office_file("議事録.docx"), DOCX_TYPE, "議事録.docx"),
    ],
)
def test_member_attaches_a_file_that_members_download(club, student, other_student, upload, content_type, shown_name):
    sent = upload()
    response = attach(signed_in(student), club, sent)
    assert response.status_code == 302
    group_file = GroupFile.objects.get(group=club)
    assert (group_file.original_name, group_file.content_type, group_file.uploaded_by) == (
        shown_name,
        content_type,
        student,
    )
    assert group_file.post.body == "See the file"
    response = download(signed_in(other_student), group_file)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    sent.seek(0)
    assert content(response) == sent.read()
    assert AuditEvent.objects.filter(event="community.file.attached", actor=student).exists()


def test_japanese_name_is_sent_encoded(club, student):
    attach(signed_in(student), club, office_file("議事録.docx"))
    response = download(signed_in(student), GroupFile.objects.get())
    assert "filename*=utf-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2.docx" in response["Content-Disposition"]


def test_name_is_sanitised_and_ends_in_the_real_type(club, student):
    attach(signed_in(student), club, pdf_file('..\\..\\"evil"\r\n.exe'))
    name = GroupFile.objects.get().original_name
    assert name.endswith(".pdf")
    assert not set(name) & set('\\/"\r\n')


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 200),
            "Programs cannot be attached, whatever their name.",
        ),
        (lambda: office_file("budget.docm", main_type=WORD_MACRO_MAIN), "Documents with macros cannot be attached"),
        (lambda: office_file("budget.docx", macros=True), "Documents with macros cannot be attached"),
        (lambda: pdf_file("form.pdf", scripted_pdf()), "The PDF contains scripts or attachments"),
        (lambda: SimpleUploadedFile("notes.txt", b"just text"), "This type of file cannot be attached"),
        (lambda: SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)), "The file is too large"),
    ],
)
def test_refused_files_are_explained_and_leave_nothing(club, student, settings, tmp_path, upload, message):
    settings.GROUP_FILE_MAX_MB = 1
    response = attach(signed_in(student), club, upload())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Post.objects.filter(group=club).exists()
    assert not GroupFile.objects.exists()
    assert not (tmp_path / "media" / "group-files").exists()


def test_refusal_is_in_japanese(club, student):
    student.language = "ja"
    student.save(update_fields=["language"])
    response = attach(signed_in(student), club, office_file(macros=True))
    assert "マクロを含む文書は添付できません" in response.content.decode()


def test_check_recognises_office_kinds_by_content_not_name():
    checked = check_attachment(office_file("renamed.pdf"))
    assert (checked.content_type, checked.original_name) == (DOCX_TYPE, "renamed_pdf.docx")


@pytest.fixture
def club_file(club, student):
    attach(signed_in(student), club, pdf_file())
    return GroupFile.objects.get()


def test_non_members_get_404_also_in_a_public_group(club_file, faculty):
    outsider = signed_in(faculty)
    assert download(outsider, club_file).status_code == 404
    assert outsider.get(reverse("community:group_files", args=[club_file.group.slug])).status_code == 404


def test_former_member_gets_404(club_file, student):
    services.leave_group(group=club_file.group, user=student)
    assert download(signed_in(student), club_file).status_code == 404


def test_file_is_not_served_under_media(club_file, other_student):
    response = signed_in(other_student).get("/media/" + club_file.file.name)
    assert response.status_code == 404


def test_file_of_a_hidden_post_is_gone_for_members(club_file, other_student, staff_member):
    Post.objects.filter(pk=club_file.post_id).update(is_hidden=True)
    assert download(signed_in(other_student), club_file).status_code == 404
    assert download(signed_in(staff_member), club_file).status_code == 200


def test_files_tab_lists_name_size_and_who(club_file, other_student):
    response = signed_in(other_student).get(reverse("community:group_files", args=[club_file.group.slug]))
    html = response.content.decode()
    assert "syllabus.pdf" in html
    assert club_file.uploaded_by.display_name in html
    assert reverse("community:group_file_download", args=[club_file.group.slug, club_file.pk]) in html
    group_page = signed_in(other_student).get(club_file.group.get_absolute_url()).content.decode()
    assert reverse("community:group_files", args=[club_file.group.slug]) in group_page


def test_post_card_links_the_file(club_file, other_student):
    """On the group page and the post's own page, the card names the file and links its download."""
    link = reverse("community:group_file_download", args=[club_file.group.slug, club_file.pk])
    member = signed_in(other_student)
    for url in (club_file.group.get_absolute_url(), club_file.post.get_absolute_url()):
        html = member.get(url).content.decode()
        assert link in html
        assert "syllabus.pdf" in html


def test_files_tab_empty_state(club, student):
    response = signed_in(student).get(reverse("community:group_files", args=[club.slug]))
    assert "No files yet." in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_files_tab_query_budget(club, student, other_student, django_assert_max_num_queries, count):
    for number in range(count):
        post = PostFactory(group=club, author=other_student if number % 2 else student)
        GroupFile.objects.create(
            group=club,
            post=post,
            uploaded_by=post.author,
            file=ContentFile(b"%PDF-1.4", name=f"f{number}.pdf"),
            original_name=f"file-{number}.pdf",
            content_type="application/pdf",
            size=8,
        )
    client = signed_in(student)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("community:group_files", args=[club.slug]))
    assert response.status_code == 200
    assert response.content.decode().count("file-") == min(count, 20)


def test_behind_nginx_the_download_is_an_internal_redirect_with_the_same_headers(club, student, settings):
    attach(signed_in(student), club, office_file("議事録.docx"))
    group_file = GroupFile.objects.get()
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    response = download(signed_in(student), group_file)
    assert response["X-Accel-Redirect"] == "/protected-media/" + group_file.file.name
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2.docx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == b""


def test_files_tab_in_japanese(club_file, other_student):
    other_student.language = "ja"
    other_student.save(update_fields=["language"])
    html = signed_in(other_student).get(reverse("community:group_files", args=[club_file.group.slug])).content.decode()
    assert "」のファイル</h1>" in html
    assert "追加した人" in html
