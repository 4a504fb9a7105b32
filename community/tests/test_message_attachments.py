"""Participants attach files to messages: the same types and limits as group files, checked by
content; a refused file refuses the whole message; files reach current participants only (the
group's members in its chat), as downloads; the conversation and its poll show them at a fixed
number of queries."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import services
from community.models import Conversation, Message, MessageAttachment
from community.tests.factories import CommunityGroupFactory, UserFactory
from community.tests.pages import signed_in
from community.tests.test_group_files import DOCX_TYPE, content, office_file, pdf_file
from community.tests.test_profile import image_file

pytestmark = pytest.mark.django_db

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def conversation(student, other_student, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.start_conversation(sender=student, recipients=[other_student], body="Hello Lucas!")


def send(client, conversation, files=(), body="Here are the files", **headers):
    data = {"body": body}
    if files:
        data["files"] = list(files)
    return client.post(reverse("community:message_send", args=[conversation.pk]), data, **headers)


def poll(client, conversation, after=0):
    return client.get(reverse("community:conversation_poll", args=[conversation.pk]), {"after": after})


def download(client, attachment):
    return client.get(attachment.get_absolute_url())


def test_participant_attaches_files_by_a_plain_form_and_the_other_sees_them_at_the_next_poll(
    conversation, student, other_student
):
    agenda, minutes = pdf_file("Agenda 2026.pdf"), office_file("議事録.docx")
    response = send(signed_in(student), conversation, [agenda, minutes])
    assert response.status_code == 302
    assert response.url == conversation.get_absolute_url()
    message = Message.objects.get(body="Here are the files")
    pdf, docx = message.attachments.all()
    assert (pdf.original_name, pdf.content_type, pdf.uploaded_by) == ("Agenda 2026.pdf", "application/pdf", student)
    assert (docx.original_name, docx.content_type) == ("議事録.docx", DOCX_TYPE)

    reader = signed_in(other_student)
    html = poll(reader, conversation).json()["html"]
    for attachment in (pdf, docx):
        assert attachment.get_absolute_url() in html
        assert attachment.original_name in html
    assert "(PDF, " in html and "(DOCX, " in html

    response = download(reader, docx)
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E8%AD%B0%E4%BA%8B%E9%8C%B2.docx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    minutes.seek(0)
    assert content(response) == minutes.read()


def test_compose_box_has_a_labelled_file_input_and_a_multipart_form(conversation, student):
    html = signed_in(student).get(conversation.get_absolute_url()).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="id_files">Files (optional)</label>' in html
    assert 'type="file" name="files"' in html and "multiple" in html


def test_a_file_alone_is_a_message_sent_by_fetch(conversation, student):
    response = send(signed_in(student), conversation, [image_file("PNG", name="map.png")], body="", **FETCH)
    assert response.status_code == 201
    message = Message.objects.get(pk=response.json()["id"])
    assert message.body == ""
    assert [a.original_name for a in message.attachments.all()] == ["map.png"]


def test_text_is_still_required_without_a_file(conversation, student):
    response = send(signed_in(student), conversation, body="  ", **FETCH)
    assert response.status_code == 400
    assert response.json()["errors"] == ["Write something first."]


@pytest.mark.parametrize("javascript", [True, False])
def test_a_refused_file_refuses_the_message_and_stores_nothing(conversation, student, tmp_path, javascript):
    files = [pdf_file(), SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" + b"\x00" * 200)]
    response = send(signed_in(student), conversation, files, **(FETCH if javascript else {}))
    assert response.status_code == 400
    error = "setup.pdf: Programs cannot be attached, whatever their name."
    if javascript:
        assert response.json()["errors"] == [error]
    else:
        assert error in response.content.decode()
        assert 'id="id_body"' in response.content.decode()  # the form again, with the text
    assert Message.objects.count() == 1
    assert not MessageAttachment.objects.exists()
    assert not (tmp_path / "media" / "message-files").exists()


def test_refusal_is_in_japanese(conversation, student):
    student.language = "ja"
    student.save(update_fields=["language"])
    response = send(signed_in(student), conversation, [office_file(macros=True)], **FETCH)
    assert response.status_code == 400
    assert "マクロを含む文書は添付できません" in response.json()["errors"][0]


def test_too_large_and_too_many_files_are_refused(conversation, student, settings):
    settings.GROUP_FILE_MAX_MB = 1
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    response = send(signed_in(student), conversation, [big], **FETCH)
    assert "The file is too large: the limit is 1 MB." in response.json()["errors"][0]
    many = [pdf_file(f"p{n}.pdf") for n in range(MessageAttachment.MAX_PER_MESSAGE + 1)]
    response = send(signed_in(student), conversation, many, **FETCH)
    assert response.json()["errors"] == ["Attach at most 5 files to one message."]
    assert Message.objects.count() == 1


@pytest.fixture
def sent_file(conversation, student):
    send(signed_in(student), conversation, [pdf_file()])
    return MessageAttachment.objects.get()


def test_outsiders_and_signed_out_visitors_get_no_file(sent_file):
    assert download(signed_in(UserFactory()), sent_file).status_code == 404
    signed_out = download(Client(), sent_file)
    assert signed_out.status_code == 302 and "/accounts/" in signed_out.url


def test_a_former_participant_gets_404(sent_file, other_student):
    reader = signed_in(other_student)
    assert download(reader, sent_file).status_code == 200
    services.leave_conversation(conversation=sent_file.message.conversation, user=other_student)
    assert download(reader, sent_file).status_code == 404


def test_file_is_not_served_under_media_nor_through_another_conversation(sent_file, other_student, faculty):
    reader = signed_in(other_student)
    assert reader.get("/media/" + sent_file.file.name).status_code == 404
    elsewhere = services.start_conversation(sender=other_student, recipients=[faculty], body="Hi")
    url = reverse("community:message_file_download", args=[elsewhere.pk, sent_file.pk])
    assert reader.get(url).status_code == 404


def test_file_of_a_hidden_message_is_gone(sent_file, other_student):
    Message.objects.filter(pk=sent_file.message_id).update(is_hidden=True)
    assert download(signed_in(other_student), sent_file).status_code == 404


def test_group_chat_files_reach_members_only(student, other_student, faculty):
    group = CommunityGroupFactory(name_en="Go club", slug="go-club")
    services.add_member(group=group, user=student, role="owner")
    services.add_member(group=group, user=other_student)
    author = signed_in(student)
    chat_url = author.get(reverse("community:group_chat", args=[group.slug])).url
    chat = Conversation.objects.get(group=group)
    assert chat_url == chat.get_absolute_url()
    assert send(author, chat, [image_file("JPEG", name="board.jpg")], body="Today's game").status_code == 302
    attachment = MessageAttachment.objects.get()
    member = signed_in(other_student)
    assert download(member, attachment).status_code == 200  # a member without a seat yet
    assert download(signed_in(faculty), attachment).status_code == 404
    services.leave_group(group=group, user=other_student)
    assert download(member, attachment).status_code == 404


def _conversation_with_files(sender, recipient, count):
    conversation = services.start_conversation(sender=sender, recipients=[recipient], body="Start")
    for number in range(count):
        message = services.send_message(conversation=conversation, sender=sender, body=f"File {number}")
        MessageAttachment.objects.create(
            message=message,
            uploaded_by=sender,
            file=ContentFile(b"%PDF-1.4", name=f"f{number}.pdf"),
            original_name=f"file-{number}.pdf",
            content_type="application/pdf",
            size=8,
        )
    return conversation


def _queries(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


def test_conversation_page_and_poll_keep_their_query_count_from_3_to_30_files(student, other_student, faculty):
    counts = {}
    for count, recipient in ((3, other_student), (30, faculty)):
        conversation = _conversation_with_files(student, recipient, count)
        reader = signed_in(recipient)
        page_queries, page = _queries(reader, conversation.get_absolute_url())
        assert page.content.decode().count("file-") == count
        poll_queries, polled = _queries(reader, reverse("community:conversation_poll", args=[conversation.pk]), after=0)
        assert polled.json()["html"].count("file-") == count
        counts[count] = (page_queries, poll_queries)
    assert counts[3] == counts[30]


def test_a_file_alone_is_named_in_the_conversation_list(conversation, student, other_student):
    send(signed_in(student), conversation, [pdf_file()], body="")
    html = signed_in(other_student).get(reverse("community:conversation_list")).content.decode()
    assert '<span class="conversation-list__preview">A file</span>' in html
