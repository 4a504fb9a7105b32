"""The admin: staff run the queue there too; the audit trail is read-only for everyone."""

import pytest
from django.urls import reverse

from community.tests.factories import UserFactory
from internships import services
from internships.models import Application, ApplicationEvent


@pytest.fixture
def audited(application, staff_member):
    services.change_application_status(application=application, status="staff_approved", by=staff_member)
    return ApplicationEvent.objects.get()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_nobody_can_change_or_delete_the_audit_trail_in_the_admin(client, audited, staff_member, who):
    user = staff_member if who == "staff" else UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    change = reverse("admin:internships_applicationevent_change", args=[audited.pk])
    page = client.get(change)
    assert page.status_code == 200  # viewable
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {"comment": "rewritten"}).status_code == 403
    assert (
        client.post(
            reverse("admin:internships_applicationevent_delete", args=[audited.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert client.get(reverse("admin:internships_applicationevent_add")).status_code == 403
    audited.refresh_from_db()
    assert audited.comment == ""


@pytest.mark.django_db
def test_staff_see_the_audit_on_the_application_page_and_others_do_not(client, audited, student, staff_member):
    url = audited.application.get_absolute_url()
    client.force_login(staff_member)  # reads Japanese
    assert "スタッフ審査で応募を承認しました。" in client.get(url).content.decode()
    client.force_login(student)
    assert "スタッフ審査で応募を承認しました" not in client.get(url).content.decode()
    assert "Approved the application in the staff review." not in client.get(url).content.decode()


@pytest.mark.django_db
def test_admin_lists_and_bulk_approval_action(client, application, staff_member):
    client.force_login(staff_member)
    for model in ("application", "posting", "hostcompany", "applicationevent", "workeligibility", "outcomesurvey"):
        response = client.get(reverse(f"admin:internships_{model}_changelist"))
        assert response.status_code == 200, model
    response = client.post(
        reverse("admin:internships_application_changelist"),
        {"action": "approve", "_selected_action": [application.pk]},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.STAFF_APPROVED
    assert application.events.get().actor == staff_member


@pytest.mark.django_db
def test_admin_cannot_edit_the_status_directly(client, application, staff_member):
    client.force_login(staff_member)
    page = client.get(reverse("admin:internships_application_change", args=[application.pk])).content.decode()
    assert 'name="status"' not in page
