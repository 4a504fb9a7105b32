"""A module awards only credentials of its co-owners' universities, and only once a co-owner of
the issuing university has approved the module with that credential."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.forms import SplitDateTimeWidget
from django.urls import reverse
from django.utils import timezone

from community.tests.factories import OrganizationFactory, UserFactory
from courses import services
from courses.models import Enrolment, InvalidTransition, Module, ModuleApproval, ModuleOwner
from courses.tests.factories import EnrolmentFactory, ModuleFactory, published_module
from credentials.models import Achievement, Award
from credentials.tests.factories import AchievementFactory

pytestmark = pytest.mark.django_db

FOREIGN_CREDENTIAL_JA = "共同担当者にその大学の教員はいません"
MISSING_APPROVAL_EN = "must approve the module with this credential before it is awarded"


@pytest.fixture
def kansai(db):
    return OrganizationFactory(
        slug="kansai-university", name_en="Kansai University", name_ja="関西大学", is_lead=True, country="JP"
    )


@pytest.fixture
def chiba(db):
    return OrganizationFactory(
        slug="chiba-university", name_en="Chiba University", name_ja="千葉大学", is_lead=True, country="JP"
    )


@pytest.fixture
def chiba_faculty(faculty, chiba):
    faculty.organization = chiba
    faculty.save()
    return faculty


@pytest.fixture
def kansai_faculty(kansai):
    return UserFactory(roles=["faculty"], organization=kansai, display_name="Prof. Kansai", language="en")


@pytest.fixture
def doctor_of_medicine(kansai):
    return AchievementFactory(
        slug="doctor-of-medicine", name_en="Doctor of Medicine", issuer=kansai, credit_value=Decimal("60")
    )


def admin_form_data(response) -> dict:
    """What the browser would send back from an admin change page, inlines included."""
    data = {}

    def add(form, name):
        field = form.fields[name]
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False or isinstance(value, FieldFile):
            return
        if isinstance(field.widget, SplitDateTimeWidget):
            local = timezone.localtime(value)
            data[f"{key}_0"], data[f"{key}_1"] = local.date().isoformat(), local.strftime("%H:%M:%S")
        else:
            data[key] = "on" if value is True else value

    form = response.context["adminform"].form
    for name in form.fields:
        add(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for item in formset.forms:
            for name in item.fields:
                add(item, name)
    return data


def upload_results(client, module, text):
    return client.post(
        reverse("courses:results", args=[module.slug]),
        {"upload": "1", "file": SimpleUploadedFile("results.csv", text.encode(), content_type="text/csv")},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_foreign_issuer_attack_through_the_admin_ends_with_no_award(
    client, chiba_faculty, kansai, chiba, doctor_of_medicine, django_capture_on_commit_callbacks
):
    module = ModuleFactory(owners=[chiba_faculty], lead_university=chiba)
    learner = UserFactory(email="learner@example.org")
    client.force_login(chiba_faculty)

    # 1. An achievement in Kansai University's name: refused.
    response = client.post(
        "/admin/credentials/achievement/add/",
        {
            "type": Achievement.Type.COURSE_MODULE,
            "slug": "second-doctor",
            "name_en": "Doctor of Medicine",
            "issuer": kansai.pk,
            "is_active": "on",
            "description_en": "A medical degree.",
            "criteria_en": "Attend.",
            "supervision": "unsupervised",
            "workload_hours": "1",
            "credit_value": "60",
            "language": "en",
            "delivery_mode": "online",
        },
    )
    assert response.status_code == 200
    assert not Achievement.objects.filter(slug="second-doctor").exists()

    # 2. Kansai's existing achievement linked to a module only Chiba teaches: refused.
    url = reverse("admin:courses_module_change", args=[module.pk])
    data = admin_form_data(client.get(url))
    data["achievement"] = doctor_of_medicine.pk
    response = client.post(url, data)
    assert response.status_code == 200
    assert FOREIGN_CREDENTIAL_JA in response.content.decode()  # the faculty persona reads Japanese
    module.refresh_from_db()
    assert module.achievement is None

    # 3. A link made before these rules, on a published module: the results upload awards nothing.
    Module.objects.filter(pk=module.pk).update(achievement=doctor_of_medicine, status=Module.Status.PUBLISHED)
    module.refresh_from_db()
    services.ensure_module_groups(module=module)
    EnrolmentFactory(module=module, learner=learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_results(client, module, "email,attendance,grade\nlearner@example.org,100,100\n")
    assert response.status_code == 200
    assert FOREIGN_CREDENTIAL_JA in response.content.decode()
    assert not Award.objects.exists()
    enrolment = Enrolment.objects.get(module=module, learner=learner)
    assert (enrolment.status, enrolment.grade) == (Enrolment.Status.ENROLLED, None)
    with pytest.raises(PermissionDenied):
        services.record_results(module=module, results=[(enrolment, Decimal("100"), Decimal("100"))], by=chiba_faculty)
    assert not Award.objects.exists()
    with pytest.raises(PermissionDenied):  # the seam to credentials refuses it too
        services.request_award(enrolment=enrolment, module=module, by=chiba_faculty)
    assert not Award.objects.exists()


def test_a_credential_of_a_co_owners_university_links_in_the_same_admin_post(
    client, chiba_faculty, kansai_faculty, doctor_of_medicine
):
    module = ModuleFactory(owners=[chiba_faculty])
    url = reverse("admin:courses_module_change", args=[module.pk])
    client.force_login(chiba_faculty)
    data = admin_form_data(client.get(url))
    data["achievement"] = doctor_of_medicine.pk
    total = int(data["owners-TOTAL_FORMS"])
    data["owners-TOTAL_FORMS"] = total + 1
    data[f"owners-{total}-user"] = kansai_faculty.pk
    data[f"owners-{total}-module"] = module.pk
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"]
    module.refresh_from_db()
    assert module.achievement == doctor_of_medicine
    assert module.issuing_university_ids() == {chiba_faculty.organization_id, kansai_faculty.organization_id}


def test_removing_the_issuing_universitys_co_owner_is_refused(
    client, chiba_faculty, kansai_faculty, doctor_of_medicine
):
    module = ModuleFactory(owners=[chiba_faculty, kansai_faculty], achievement=doctor_of_medicine)
    url = reverse("admin:courses_module_change", args=[module.pk])
    client.force_login(chiba_faculty)
    response = client.get(url)
    data = admin_form_data(response)
    owners_formset = next(i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == "owners")
    index = next(n for n, f in enumerate(owners_formset.forms) if f.instance.user_id == kansai_faculty.pk)
    data[f"owners-{index}-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert FOREIGN_CREDENTIAL_JA in response.content.decode()
    assert ModuleOwner.objects.filter(module=module, user=kansai_faculty).exists()


def test_services_refuse_to_link_or_submit_a_foreign_credential(chiba_faculty, doctor_of_medicine):
    module = ModuleFactory(owners=[chiba_faculty])
    with pytest.raises(ValidationError):
        services.set_module_achievement(module=module, achievement=doctor_of_medicine, by=chiba_faculty)
    module.refresh_from_db()
    assert module.achievement is None
    Module.objects.filter(pk=module.pk).update(achievement=doctor_of_medicine)
    with pytest.raises(InvalidTransition):
        services.submit_module_for_review(module=module, by=chiba_faculty)
    assert Module.objects.get(pk=module.pk).status == Module.Status.DRAFT


def test_publishing_waits_for_the_issuing_universitys_co_owner(chiba_faculty, kansai_faculty, doctor_of_medicine):
    module = ModuleFactory(owners=[chiba_faculty, kansai_faculty], achievement=doctor_of_medicine)
    services.submit_module_for_review(module=module, by=chiba_faculty)
    services.approve_module(module=module, by=chiba_faculty)
    assert Module.objects.get(pk=module.pk).status == Module.Status.IN_REVIEW
    services.approve_module(module=module, by=kansai_faculty)
    assert Module.objects.get(pk=module.pk).status == Module.Status.PUBLISHED
    approval = ModuleApproval.objects.get(module=module, owner=kansai_faculty)
    assert approval.achievement == doctor_of_medicine


def test_a_credential_linked_after_publication_is_awarded_only_after_the_issuers_approval(
    client, chiba_faculty, kansai_faculty, doctor_of_medicine, django_capture_on_commit_callbacks
):
    chiba_faculty.language = "en"
    chiba_faculty.save()
    module = published_module(owners=[chiba_faculty, kansai_faculty])  # approved without a credential
    learner = UserFactory(email="learner@example.org")
    EnrolmentFactory(module=module, learner=learner)
    services.set_module_achievement(module=module, achievement=doctor_of_medicine, by=chiba_faculty)

    client.force_login(chiba_faculty)
    response = upload_results(client, module, "email,attendance,grade\nlearner@example.org,100,100\n")
    assert MISSING_APPROVAL_EN in response.content.decode()
    assert not Award.objects.exists()
    assert Enrolment.objects.get(learner=learner).grade is None

    with pytest.raises(InvalidTransition):  # Chiba cannot approve in Kansai's name
        services.approve_module(module=module, by=chiba_faculty)
    services.approve_module(module=module, by=kansai_faculty)

    with django_capture_on_commit_callbacks(execute=True):
        response = upload_results(client, module, "email,attendance,grade\nlearner@example.org,100,100\n")
    assert "1 learners completed the module" in response.content.decode()
    award = Award.objects.get(recipient=learner)
    assert award.issuer == doctor_of_medicine.issuer


def test_an_approval_for_another_credential_does_not_count(chiba_faculty, kansai_faculty, kansai, doctor_of_medicine):
    module = published_module(owners=[chiba_faculty, kansai_faculty], achievement=doctor_of_medicine)
    assert module.award_refusal() == ""
    other = AchievementFactory(issuer=kansai)
    services.set_module_achievement(module=module, achievement=other, by=chiba_faculty)
    module.refresh_from_db()
    assert MISSING_APPROVAL_EN in str(module.award_refusal())
