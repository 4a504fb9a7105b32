"""Browsing and applying: filters, Japanese and English search, the CV check, no double application."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from internships.models import Application, Posting
from internships.pdf import MAX_CV_BYTES, minimal_pdf

from .factories import PostingFactory


def cv(content=None, name="cv.pdf"):
    return SimpleUploadedFile(name, minimal_pdf() if content is None else content, content_type="application/pdf")


def titles(response):
    return [p.title_en for p in response.context["page"]]


@pytest.mark.django_db
def test_search_finds_japanese_and_english_text(client, company):
    PostingFactory(company=company, title_en="Factory automation", title_ja="工場の自動化", prefecture="10")
    PostingFactory(company=company, title_en="Tourism marketing", title_ja="観光マーケティング", prefecture="04")
    url = reverse("internships:index")
    assert titles(client.get(url, {"q": "自動化"})) == ["Factory automation"]
    assert titles(client.get(url, {"q": "autom"})) == ["Factory automation"]
    assert titles(client.get(url, {"q": "観光"})) == ["Tourism marketing"]
    assert titles(client.get(url, {"q": "群馬"})) == ["Factory automation"]  # the prefecture, in Japanese


@pytest.mark.django_db
def test_filters(client, company):
    PostingFactory(company=company, title_en="A", mode="remote", duration_months=2, jlpt_level="N2", field="ict")
    PostingFactory(
        company=company, title_en="B", mode="hybrid", duration_months=6, is_paid=True, monthly_pay_yen=1, jlpt_level=""
    )
    PostingFactory(company=company, title_en="C", mode="on_site", duration_months=12, jlpt_level="N4", prefecture="04")
    url = reverse("internships:index")
    assert titles(client.get(url, {"mode": "remote"})) == ["A"]
    assert titles(client.get(url, {"duration": "4-6"})) == ["B"]
    assert titles(client.get(url, {"paid": "yes"})) == ["B"]
    assert sorted(titles(client.get(url, {"jlpt": "N3"}))) == ["B", "C"]  # N2 is above an N3 speaker
    assert titles(client.get(url, {"prefecture": "04"})) == ["C"]
    assert sorted(titles(client.get(url, {"field": "ict"}))) == ["A", "B", "C"]


@pytest.mark.django_db
def test_closed_and_unpublished_postings_are_not_listed(client, company):
    from datetime import timedelta

    from django.utils import timezone

    PostingFactory(company=company, title_en="Past", application_deadline=timezone.localdate() - timedelta(days=1))
    PostingFactory(company=company, title_en="Draft", status=Posting.Status.IN_REVIEW)
    PostingFactory(company=company, title_en="Open")
    assert titles(client.get(reverse("internships:index"))) == ["Open"]


@pytest.mark.django_db
def test_student_applies_with_a_pdf_and_cannot_apply_twice(client, student, posting, staff_member):
    client.force_login(student)
    url = reverse("internships:apply", args=[posting.pk])
    response = client.post(url, {"motivation": "Motivated.", "cv": cv()})
    application = Application.objects.get(student=student, posting=posting)
    assert response.url == application.get_absolute_url()
    assert application.status == Application.Status.SUBMITTED
    assert application.events.get().event == "internships.application.submitted"
    again = client.post(url, {"motivation": "Twice.", "cv": cv()})
    assert again.status_code == 302
    assert Application.objects.filter(student=student).count() == 1
    downloaded = client.get(reverse("internships:application_cv", args=[application.pk]))
    assert downloaded["Content-Type"] == "application/pdf"
    assert b"".join(downloaded.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
def test_double_application_is_refused_by_the_service(student, posting):
    from django.core.exceptions import ValidationError

    from internships import services

    services.apply_to_posting(posting=posting, student=student, motivation="x", cv=cv())
    with pytest.raises(ValidationError, match="already applied"):
        services.apply_to_posting(posting=posting, student=student, motivation="y", cv=cv())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message_en", "message_ja"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "Upload your CV as a PDF file.", "PDF"),
        (b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "The PDF file is damaged or incomplete.", "PDF"),
        (minimal_pdf()[:-40], "The PDF file is damaged or incomplete.", "PDF"),
        (
            minimal_pdf().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript >>"),
            "scripts",
            "PDF",
        ),
        (b"%PDF-1.4\n" + b"0" * (MAX_CV_BYTES + 1), "The file is too large: the limit is 5 MB.", "5"),
    ],
    ids=["png", "no-xref", "truncated", "javascript", "too-large"],
)
def test_bad_cv_is_refused_with_a_translated_error(client, student, posting, content, message_en, message_ja):
    client.force_login(student)
    url = reverse("internships:apply", args=[posting.pk])
    response = client.post(url, {"motivation": "Motivated.", "cv": cv(content)})
    assert response.status_code == 200
    assert message_en in response.content.decode()
    assert not Application.objects.exists()
    student.language = "ja"
    student.save(update_fields=["language"])
    response = client.post(url, {"motivation": "Motivated.", "cv": cv(content)})
    errors = " ".join(response.context["form"].errors["cv"])
    assert message_ja in errors
    assert message_en not in errors


@pytest.mark.django_db
def test_a_posting_past_its_deadline_refuses_applications(client, student, company):
    from datetime import timedelta

    from django.utils import timezone

    posting = PostingFactory(company=company, application_deadline=timezone.localdate() - timedelta(days=1))
    client.force_login(student)
    response = client.post(reverse("internships:apply", args=[posting.pk]), {"motivation": "x", "cv": cv()})
    assert response.status_code == 200
    assert "closed" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_student_saves_a_draft_then_submits_it(client, student, posting, staff_member):
    from community.models import Notification

    client.force_login(student)
    client.post(
        reverse("internships:apply", args=[posting.pk]), {"motivation": "Draft.", "cv": cv(), "save_draft": "1"}
    )
    application = Application.objects.get(student=student)
    assert application.status == Application.Status.DRAFT
    assert not Notification.objects.filter(recipient=staff_member).exists()
    client.force_login(staff_member)
    assert client.get(application.get_absolute_url()).status_code == 404  # staff do not see drafts
    client.force_login(student)
    client.post(reverse("internships:application_transition", args=[application.pk]), {"status": "submitted"})
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.cv.name.startswith("cv/") and "cv.pdf" not in application.cv.name
    assert Notification.objects.filter(recipient=staff_member, event="internships.application.submitted").exists()
