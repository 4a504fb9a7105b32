"""A file attached in a conversation, in Japanese on a phone, appears for the other participant
without a reload; a refused file is explained and sends nothing."""

import pytest

from community import services
from community.models import Message, MessageAttachment
from community.pdf import minimal_pdf
from tests.e2e.conftest import screenshot
from tests.e2e.test_community_journeys import sign_in


@pytest.mark.django_db(transaction=True)
def test_student_attaches_a_file_in_japanese_and_the_other_participant_sees_it(
    new_page, student, other_student, tmp_path
):
    student.language = "ja"
    student.save(update_fields=["language"])
    conversation = services.start_conversation(sender=student, recipients=[other_student], body="資料を送ります")
    page_a = new_page()
    page_b = new_page(width=1280, height=900)
    sign_in(page_a, student.email)
    sign_in(page_b, other_student.email)
    page_b.goto(conversation.get_absolute_url())
    page_b.locator(".chat__message", has_text="資料を送ります").wait_for()

    page_a.goto(conversation.get_absolute_url())
    refused = tmp_path / "setup.pdf"
    refused.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    picker = page_a.get_by_label("ファイル（任意）")
    picker.set_input_files(str(refused))
    page_a.get_by_role("button", name="送信").click()
    page_a.locator("#chat-error", has_text="プログラムは、ファイル名にかかわらず添付できません。").wait_for()
    assert Message.objects.count() == 1

    agenda = tmp_path / "議事録.pdf"
    agenda.write_bytes(minimal_pdf("Agenda"))
    picker.set_input_files(str(agenda))
    page_a.get_by_role("combobox", name="メッセージ").fill("議事録です")
    page_a.get_by_role("button", name="送信").click()
    page_a.locator(".chat__message", has_text="議事録です").wait_for(timeout=15_000)
    assert picker.input_value() == ""  # ready for the next message
    # The compose box and the file picker fit a phone's width.
    assert page_a.evaluate("document.documentElement.scrollWidth") <= 375

    link = page_b.get_by_role("link", name="議事録.pdf")
    link.wait_for(timeout=15_000)
    attachment = MessageAttachment.objects.get()
    assert link.get_attribute("href") == attachment.get_absolute_url()
    response = page_b.request.get(attachment.get_absolute_url())
    assert response.status == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.body() == agenda.read_bytes()
    screenshot(page_a, "community-conversation-file-ja-375")
