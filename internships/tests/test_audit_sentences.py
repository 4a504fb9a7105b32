"""The application's audit trail reads as sentences in the reader's language, not event names."""

import pytest

from internships import services
from internships.models import Application
from internships.tests.factories import ApplicationFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "sentence"),
    [("en", "Submitted the application."), ("ja", "応募を提出しました。")],
)
def test_audit_trail_shows_what_happened_as_a_sentence(client, posting, student, staff_member, language, sentence):
    application = ApplicationFactory(
        posting=posting, student=student, status=Application.Status.DRAFT, submitted_at=None
    )
    services.change_application_status(application=application, status=Application.Status.SUBMITTED, by=student)
    staff_member.language = language
    staff_member.save()
    client.force_login(staff_member)
    html = client.get(application.get_absolute_url()).content.decode()
    assert sentence in html
    assert "internships.application" not in html
