"""Faculty see and change only the modules they co-own in the admin; staff see all."""

import pytest
from django.urls import reverse

from community.tests.factories import OrganizationFactory, UserFactory
from courses.models import Module, ModuleOwner
from courses.tests.factories import ModuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_module(faculty):
    return ModuleFactory(owners=[faculty], title_en="My Own Module", title_ja="My Own Module")


@pytest.fixture
def foreign_module(db):
    return ModuleFactory(
        owners=[UserFactory(roles=["faculty"])], title_en="Somebody Else's Module", title_ja="Somebody Else's Module"
    )


def test_faculty_changelist_lists_only_their_modules(client, faculty, own_module, foreign_module):
    client.force_login(faculty)
    html = client.get(reverse("admin:courses_module_changelist")).content.decode()
    assert "My Own Module" in html
    assert "Somebody Else" not in html


def test_staff_changelist_lists_every_module(client, staff_member, own_module, foreign_module):
    client.force_login(staff_member)
    html = client.get(reverse("admin:courses_module_changelist")).content.decode()
    assert "My Own Module" in html
    assert "Somebody Else" in html


def test_faculty_typing_the_url_of_another_module_gets_403(client, faculty, foreign_module):
    client.force_login(faculty)
    change = reverse("admin:courses_module_change", args=[foreign_module.pk])
    assert client.get(change).status_code == 403
    assert client.post(change, {"title_en": "Hijacked"}).status_code == 403
    assert client.get(reverse("admin:courses_module_history", args=[foreign_module.pk])).status_code == 403
    assert (
        client.post(reverse("admin:courses_module_delete", args=[foreign_module.pk]), {"post": "yes"}).status_code
        == 403
    )
    foreign_module.refresh_from_db()
    assert foreign_module.title_en == "Somebody Else's Module"


def test_faculty_cannot_act_on_another_module_through_a_bulk_action(client, faculty, foreign_module):
    client.force_login(faculty)
    client.post(
        reverse("admin:courses_module_changelist"),
        {"action": "submit_for_review", "_selected_action": [foreign_module.pk]},
    )
    foreign_module.refresh_from_db()
    assert foreign_module.status == Module.Status.DRAFT


def test_faculty_opens_their_own_module_in_japanese_with_tabs_and_inlines(client, faculty, own_module):
    client.force_login(faculty)  # the faculty persona prefers Japanese
    response = client.get(reverse("admin:courses_module_change", args=[own_module.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="title_ja"' in html and 'name="title_en"' in html
    assert "sessions-TOTAL_FORMS" in html and "outcomes-TOTAL_FORMS" in html and "owners-TOTAL_FORMS" in html
    assert "共同担当者" in html  # co-owners, in Japanese


def test_faculty_who_creates_a_module_co_owns_it(client, faculty):
    lead = OrganizationFactory(is_lead=True, country="JP")
    partner = OrganizationFactory()
    client.force_login(faculty)
    data = {
        "title_en": "Design Thinking Across Borders",
        "title_ja": "国境を越えるデザイン思考",
        "slug": "design-thinking",
        "summary_en": "Teams from two countries design together.",
        "summary_ja": "二か国のチームが共にデザインする。",
        "lead_university": lead.pk,
        "partner_universities": [partner.pk],
        "level": "undergraduate",
        "discipline": "arts_humanities",
        "language": "en",
        "modality": "online_sync",
        "workload_hours": 30,
        "credit_value": "1.5",
        "term": "autumn",
        "starts_on": "2027-10-01",
        "ends_on": "2027-12-20",
        "time_zone": "Asia/Tokyo",
        "seats": 25,
        "enrolment_opens_at_0": "2027-08-01",
        "enrolment_opens_at_1": "09:00",
        "enrolment_closes_at_0": "2027-09-20",
        "enrolment_closes_at_1": "17:00",
        "min_attendance_percent": 80,
        "min_grade": 60,
    }
    for prefix in ("owners", "sessions", "outcomes", "approvals", "enrolments"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update({"outcomes-TOTAL_FORMS": 1, "outcomes-0-position": 1, "outcomes-0-text_en": "Co-design a product"})
    data["outcomes-0-text_ja"] = "製品を共同でデザインする"
    response = client.post(reverse("admin:courses_module_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    module = Module.objects.get(slug="design-thinking")
    assert ModuleOwner.objects.filter(module=module, user=faculty).exists()
    assert module.outcomes.get().text_ja == "製品を共同でデザインする"
    assert module.status == Module.Status.DRAFT


def test_students_cannot_reach_the_module_admin(client, student, own_module):
    client.force_login(student)
    response = client.get(reverse("admin:courses_module_change", args=[own_module.pk]))
    assert response.status_code == 302  # the admin sends non-staff to its login page
    assert "/login/" in response.url


def test_roles_get_the_course_permissions_from_the_data_migration(faculty, staff_member, student):
    assert faculty.has_perms(["courses.add_module", "courses.change_module", "courses.add_session"])
    assert not faculty.has_perm("courses.change_programme")
    assert staff_member.has_perms(["courses.change_programme", "courses.change_programmeapplication"])
    assert not student.has_perm("courses.add_module")


def test_cover_goes_through_the_image_check_and_is_previewed(client, rf, faculty, own_module):
    import io

    from django.contrib import admin
    from django.core.files.base import ContentFile
    from PIL import Image

    from community.images import ImageUploadField

    request = rf.get("/")
    request.user = faculty
    form_class = admin.site._registry[Module].get_form(request, own_module)
    assert isinstance(form_class.base_fields["cover"], ImageUploadField)  # decodes, caps and re-encodes

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(buffer, format="PNG")
    own_module.cover.save("cover.png", ContentFile(buffer.getvalue()))
    client.force_login(faculty)
    html = client.get(reverse("admin:courses_module_change", args=[own_module.pk])).content.decode()
    assert f'<img src="{own_module.cover.url}"' in html
