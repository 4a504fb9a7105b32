"""Who may issue: an achievement's issuer is a university its editor acts for, what has been
awarded keeps its issuer, credits and criteria, and awards never carry a foreign issuer."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from community.tests.factories import OrganizationFactory, UserFactory
from credentials import services
from credentials.models import Achievement, Award, BatchAward
from credentials.tests.factories import AchievementFactory, AwardFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/credentials/achievement/add/"
FOREIGN_ISSUER_JA = "所属する大学の名義でのみ"


@pytest.fixture
def kansai(db):
    return OrganizationFactory(slug="kansai-university", name_en="Kansai University", is_lead=True, country="JP")


@pytest.fixture
def chiba(db):
    return OrganizationFactory(slug="chiba-university", name_en="Chiba University", is_lead=True, country="JP")


@pytest.fixture
def chiba_faculty(faculty, chiba):
    faculty.organization = chiba
    faculty.save()
    return faculty


def achievement_data(issuer, **overrides) -> dict:
    """The admin's add form as a faculty member fills it in."""
    data = {
        "type": Achievement.Type.COURSE_MODULE,
        "slug": "doctor-of-medicine",
        "name_en": "Doctor of Medicine",
        "name_ja": "医学博士",
        "issuer": issuer.pk,
        "is_active": "on",
        "description_en": "A full medical degree.",
        "criteria_en": "Pass the final examination.",
        "supervision": Achievement.Supervision.UNSUPERVISED,
        "workload_hours": "6000",
        "credit_value": "60",
        "language": Achievement.Language.ENGLISH,
        "delivery_mode": Achievement.DeliveryMode.ONLINE,
    }
    data.update(overrides)
    return data


def change_data(client, achievement) -> dict:
    form = client.get(f"/admin/credentials/achievement/{achievement.pk}/change/").context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["components"] = []
    data.pop("image", None)
    return {key: ("on" if value is True else value) for key, value in data.items() if value is not False}


def test_faculty_cannot_create_an_achievement_in_another_universitys_name(client, chiba_faculty, kansai):
    client.force_login(chiba_faculty)  # reads Japanese
    response = client.post(ADD_URL, achievement_data(kansai))
    assert response.status_code == 200
    assert FOREIGN_ISSUER_JA in response.content.decode()
    assert "issuer" in response.context["adminform"].form.errors
    assert not Achievement.objects.exists()


def test_faculty_creates_an_achievement_of_their_own_university(client, chiba_faculty, chiba, kansai):
    client.force_login(chiba_faculty)
    form = client.get(ADD_URL).context["adminform"].form
    assert list(form.fields["issuer"].queryset) == [chiba]
    response = client.post(ADD_URL, achievement_data(chiba, slug="coil-basics", credit_value="1.5"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    achievement = Achievement.objects.get(slug="coil-basics")
    assert (achievement.issuer, achievement.created_by) == (chiba, chiba_faculty)
    assert achievement.generated_image  # the default badge is made on save


def test_staff_issue_only_for_the_university_they_are_staff_of(client, staff_member, kansai, chiba):
    staff_member.organization = kansai
    staff_member.save()
    client.force_login(staff_member)
    assert list(client.get(ADD_URL).context["adminform"].form.fields["issuer"].queryset) == [kansai]
    response = client.post(ADD_URL, achievement_data(chiba))
    assert response.status_code == 200
    assert FOREIGN_ISSUER_JA in response.content.decode()
    assert not Achievement.objects.exists()


def test_staff_without_a_university_issue_for_none(client, staff_member, kansai):
    client.force_login(staff_member)
    assert client.post(ADD_URL, achievement_data(kansai)).status_code == 200
    assert not Achievement.objects.exists()


def test_a_superuser_may_issue_for_any_university(client, staff_member, kansai, chiba):
    staff_member.is_superuser = True
    staff_member.save()
    client.force_login(staff_member)
    response = client.post(ADD_URL, achievement_data(kansai))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Achievement.objects.get().issuer == kansai


def test_staff_see_but_cannot_change_another_universitys_achievement(client, staff_member, kansai, chiba):
    staff_member.organization = kansai
    staff_member.save()
    achievement = AchievementFactory(issuer=chiba, name_en="Chiba Badge")
    url = f"/admin/credentials/achievement/{achievement.pk}/change/"
    client.force_login(staff_member)
    assert client.get(url).status_code == 200  # read-only view
    response = client.post(url, {**achievement_data(kansai), "name_en": "Hijacked"})
    assert response.status_code == 403
    achievement.refresh_from_db()
    assert (achievement.issuer, achievement.name_en) == (chiba, "Chiba Badge")


@pytest.mark.parametrize(
    ("field", "value"),
    [("credit_value", "60"), ("criteria_en", "Nothing at all."), ("criteria_ja", "何もしない。"), ("issuer", None)],
)
def test_issuer_credits_and_criteria_cannot_change_once_awarded(client, staff_member, kansai, chiba, field, value):
    staff_member.is_superuser = True
    staff_member.save()
    achievement = AchievementFactory(issuer=chiba, credit_value=Decimal("1.5"))
    AwardFactory(achievement=achievement)
    client.force_login(staff_member)
    data = change_data(client, achievement)
    data[field] = kansai.pk if field == "issuer" else value
    response = client.post(f"/admin/credentials/achievement/{achievement.pk}/change/", data)
    assert response.status_code == 200
    assert "授与済みのため" in response.content.decode()
    assert field in response.context["adminform"].form.errors
    stored = Achievement.objects.get(pk=achievement.pk)
    assert (stored.issuer, stored.credit_value) == (chiba, Decimal("1.5"))
    assert stored.criteria_en == achievement.criteria_en and stored.criteria_ja == achievement.criteria_ja


def test_other_fields_of_an_awarded_achievement_still_change(client, staff_member, chiba):
    staff_member.is_superuser = True
    staff_member.save()
    achievement = AchievementFactory(issuer=chiba)
    AwardFactory(achievement=achievement)
    client.force_login(staff_member)
    data = change_data(client, achievement)
    data["description_en"] = "A clearer description."
    response = client.post(f"/admin/credentials/achievement/{achievement.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Achievement.objects.get(pk=achievement.pk).description_en == "A clearer description."


def test_save_achievement_refuses_a_foreign_issuer_and_locked_changes(chiba_faculty, kansai, chiba):
    foreign = AchievementFactory.build(issuer=kansai, slug="foreign")
    with pytest.raises(ValidationError) as refusal:
        services.save_achievement(achievement=foreign, by=chiba_faculty)
    assert "issuer" in refusal.value.message_dict
    assert not Achievement.objects.filter(slug="foreign").exists()

    own = AchievementFactory(issuer=chiba, credit_value=Decimal("1.5"))
    AwardFactory(achievement=own)
    own.credit_value = Decimal("60")
    with pytest.raises(ValidationError) as refusal:
        services.save_achievement(achievement=own, by=chiba_faculty)
    assert "credit_value" in refusal.value.message_dict
    assert Achievement.objects.get(pk=own.pk).credit_value == Decimal("1.5")


def test_staff_batch_award_refuses_an_achievement_of_another_university(client, staff_member, student, kansai, chiba):
    staff_member.organization = kansai
    staff_member.save()
    foreign = AchievementFactory(issuer=chiba)
    own = AchievementFactory(issuer=kansai)
    client.force_login(staff_member)
    form = client.get(reverse("credentials:staff_award")).context["form"]
    assert list(form.fields["achievement"].queryset) == [own]
    response = client.post(reverse("credentials:staff_award"), {"achievement": foreign.pk, "emails": student.email})
    assert response.status_code == 200
    assert "achievement" in response.context["form"].errors
    assert not BatchAward.objects.exists() and not Award.objects.exists()
    with pytest.raises(PermissionDenied):
        services.create_batch_award(achievement=foreign, created_by=staff_member, rows=[{"line": 1, "email": "x"}])


def test_a_batch_whose_creator_no_longer_acts_for_the_issuer_awards_nothing(staff_member, student, kansai, chiba):
    staff_member.organization = kansai
    staff_member.save()
    achievement = AchievementFactory(issuer=kansai)
    batch = BatchAward.objects.create(
        achievement=achievement,
        created_by=staff_member,
        rows=[{"line": 1, "email": student.email, "evidence": ""}],
        total=1,
    )
    staff_member.organization = chiba  # moved to another university before the task ran
    staff_member.save()
    assert services.run_batch_award(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.processed, batch.succeeded) == (BatchAward.Status.DONE, 1, 0)
    assert batch.failures == [{"line": 1, "email": student.email, "error": "not_authorised"}]
    assert not Award.objects.exists()


def test_award_service_refuses_an_issuer_outside_those_the_event_acts_for(student, kansai, chiba):
    achievement = AchievementFactory(issuer=kansai)
    with pytest.raises(PermissionDenied):
        services.award_achievement(recipient=student, achievement=achievement, acting_for={chiba.pk})
    assert not Award.objects.exists()
    award = services.award_achievement(recipient=student, achievement=achievement, acting_for={kansai.pk, chiba.pk})
    assert award.issuer == kansai


def test_faculty_act_only_for_their_home_university(chiba_faculty, kansai, chiba):
    assert AchievementFactory(issuer=chiba).can_be_issued_by(chiba_faculty)
    assert not AchievementFactory(issuer=kansai).can_be_issued_by(chiba_faculty)
    student_of_chiba = UserFactory(roles=["student"], organization=chiba)
    assert not AchievementFactory(issuer=chiba).can_be_issued_by(student_of_chiba)
