"""The credit bank: totals by issuer and level, nothing counted twice, and recognition by a partner university."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from community.models import Notification, Organization
from community.tests.factories import OrganizationFactory, UserFactory
from credentials import services
from credentials.ledger import CreditLedger
from credentials.models import Achievement, Award, RecognitionRequest
from credentials.tests.factories import AchievementFactory, AwardFactory, EquivalenceClassFactory, PathwayFactory


@pytest.fixture
def kansai(db):
    return OrganizationFactory(slug="kansai", name_en="Kansai University", is_lead=True, country="JP")


@pytest.fixture
def partner(db):
    return OrganizationFactory(slug="northbridge", name_en="Northbridge University", country="AU")


@pytest.fixture
def partner_staff(partner):
    from community.models import Role

    return UserFactory(roles=[Role.STAFF], organization=partner, email="registrar@northbridge.example")


def credits(value):
    return Decimal(value)


@pytest.mark.django_db
def test_totals_by_issuer_and_level(student, kansai, partner):
    AwardFactory(recipient=student, achievement=AchievementFactory(issuer=kansai, level=6, credit_value=credits("2")))
    AwardFactory(recipient=student, achievement=AchievementFactory(issuer=kansai, level=6, credit_value=credits("1.5")))
    AwardFactory(recipient=student, achievement=AchievementFactory(issuer=kansai, level=7, credit_value=credits("3")))
    AwardFactory(recipient=student, achievement=AchievementFactory(issuer=partner, level=6, credit_value=credits("1")))
    ledger = CreditLedger(student)
    rows = {(row.issuer.slug, row.level): row.credits for row in ledger.by_issuer_and_level}
    assert rows == {("kansai", 6): credits("3.5"), ("kansai", 7): credits("3"), ("northbridge", 6): credits("1")}
    assert {row.issuer.slug: row.credits for row in ledger.by_issuer} == {
        "kansai": credits("6.5"),
        "northbridge": credits("1"),
    }
    assert ledger.total == credits("7.5")


@pytest.mark.django_db
def test_equivalent_achievements_count_once_and_pathways_add_nothing(student, kansai, partner, staff_member):
    same = EquivalenceClassFactory(name_en="Intercultural communication")
    coil = AchievementFactory(issuer=kansai, credit_value=credits("2"), equivalence_class=same)
    twin = AchievementFactory(issuer=partner, credit_value=credits("1.5"), equivalence_class=same)
    other = AchievementFactory(issuer=kansai, credit_value=credits("1"))
    pathway = PathwayFactory(issuer=kansai, credit_value=credits("3"), components=[coil, other])
    revoked = AchievementFactory(issuer=kansai, credit_value=credits("5"))
    AwardFactory(recipient=student, achievement=twin)
    AwardFactory(recipient=student, achievement=coil)
    AwardFactory(recipient=student, achievement=other)
    AwardFactory(recipient=student, achievement=pathway)
    lost = AwardFactory(recipient=student, achievement=revoked)
    services.revoke_award(award=lost, revoked_by=staff_member, reason="Issued by mistake")

    ledger = CreditLedger(student)
    reasons = {entry.award.achievement_id: entry.reason for entry in ledger.entries}
    assert reasons == {
        coil.pk: "counted",  # the equivalent with the most credits
        twin.pk: "equivalent",
        other.pk: "counted",
        pathway.pk: "pathway",
        revoked.pk: "revoked",
    }
    assert ledger.total == credits("3")


@pytest.mark.django_db
def test_awarding_the_same_achievement_again_adds_no_credits(student, kansai):
    achievement = AchievementFactory(issuer=kansai, credit_value=credits("2"))
    services.award_achievement(recipient=student, achievement=achievement)
    services.award_achievement(recipient=student, achievement=achievement)
    Award.objects.update(status=Award.Status.ISSUED)
    assert CreditLedger(student).total == credits("2")


@pytest.mark.django_db
def test_recognition_request_accepted_by_staff_of_that_university(
    client, student, kansai, partner, partner_staff, staff_member
):
    awards = [
        AwardFactory(recipient=student, achievement=AchievementFactory(issuer=kansai, credit_value=credits(c)))
        for c in ("2", "1.5")
    ]
    client.force_login(student)
    response = client.post(
        reverse("credentials:recognition_request_create"),
        {"university": partner.pk, "awards": [a.pk for a in awards], "message": "BA International Studies"},
    )
    assert response.status_code == 302
    request = RecognitionRequest.objects.get()
    assert request.credits_requested == credits("3.5")
    assert Notification.objects.filter(recipient=partner_staff, event="credentials.recognition.requested").exists()

    # Staff of another university may not even see it.
    client.force_login(staff_member)
    assert client.get(reverse("credentials:recognition_decide", args=[request.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.decide_recognition(request=request, decided_by=staff_member, accept=True)

    client.force_login(partner_staff)
    queue = client.get(reverse("credentials:recognition_queue")).content.decode()
    assert "Mai Student" in queue
    response = client.post(
        reverse("credentials:recognition_decide", args=[request.pk]),
        {"decision": "accept", "note": "Counted towards electives."},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RecognitionRequest.Status.ACCEPTED
    assert request.decided_by == partner_staff
    assert Notification.objects.filter(recipient=student, event="credentials.recognition.accepted").exists()

    client.force_login(student)
    bank = client.get(reverse("credentials:credit_bank")).content.decode()
    assert "Northbridge University: 3.5 credits recognised" in bank
    assert "Counted towards electives." in bank
    assert "Recognised by" in bank


@pytest.mark.django_db
def test_declining_needs_a_note_and_a_decision_is_final(client, student, kansai, partner, partner_staff):
    award = AwardFactory(recipient=student, achievement=AchievementFactory(issuer=kansai, credit_value=credits("2")))
    request = services.request_recognition(learner=student, university=partner, awards=[award])
    client.force_login(partner_staff)
    url = reverse("credentials:recognition_decide", args=[request.pk])
    response = client.post(url, {"decision": "decline", "note": ""})
    assert response.status_code == 200
    assert "Tell the learner why the request is declined." in response.content.decode()
    client.post(url, {"decision": "decline", "note": "Level too low for our programme."})
    request.refresh_from_db()
    assert request.status == RecognitionRequest.Status.DECLINED
    client.post(url, {"decision": "accept", "note": ""})
    request.refresh_from_db()
    assert request.status == RecognitionRequest.Status.DECLINED


@pytest.mark.django_db
def test_the_same_or_equivalent_credits_cannot_be_requested_twice_at_one_university(
    student, other_student, kansai, partner
):
    same = EquivalenceClassFactory()
    first = AwardFactory(
        recipient=student, achievement=AchievementFactory(issuer=kansai, credit_value=2, equivalence_class=same)
    )
    twin = AwardFactory(
        recipient=student, achievement=AchievementFactory(issuer=partner, credit_value=1, equivalence_class=same)
    )
    services.request_recognition(learner=student, university=partner, awards=[first])
    with pytest.raises(ValidationError):
        services.request_recognition(learner=student, university=partner, awards=[first])
    with pytest.raises(ValidationError):
        services.request_recognition(learner=student, university=partner, awards=[twin])
    with pytest.raises(ValidationError):  # not theirs
        services.request_recognition(learner=other_student, university=partner, awards=[first])
    company = OrganizationFactory(kind=Organization.Kind.COMPANY)
    with pytest.raises(ValidationError):
        services.request_recognition(learner=student, university=company, awards=[twin])
    # Another university may be asked.
    services.request_recognition(learner=student, university=kansai, awards=[first])
    assert RecognitionRequest.objects.count() == 2


@pytest.mark.django_db
def test_recognition_form_errors_are_shown_not_raised(client, student, partner):
    pathway_award = AwardFactory(recipient=student, achievement=PathwayFactory(rule=Achievement.Rule.ALL))
    client.force_login(student)
    response = client.post(
        reverse("credentials:recognition_request_create"), {"university": partner.pk, "awards": [pathway_award.pk]}
    )
    assert response.status_code == 200
    assert "These awards carry no credits to recognise." in response.content.decode()
    response = client.post(reverse("credentials:recognition_request_create"), {"university": "x", "awards": ["y"]})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_credit_bank_query_budget(client, student, partner, django_assert_max_num_queries, rows):
    same = EquivalenceClassFactory()
    awards = [
        AwardFactory(recipient=student, achievement=AchievementFactory(equivalence_class=same if n % 3 == 0 else None))
        for n in range(rows)
    ]
    services.request_recognition(learner=student, university=partner, awards=awards[1:3])
    client.force_login(student)
    client.get(reverse("credentials:credit_bank"))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("credentials:credit_bank"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_recognition_queue_query_budget(client, partner, partner_staff, django_assert_max_num_queries, rows):
    for _ in range(rows):
        learner = UserFactory()
        award = AwardFactory(recipient=learner)
        services.request_recognition(learner=learner, university=partner, awards=[award])
    client.force_login(partner_staff)
    client.get(reverse("credentials:recognition_queue"))
    with django_assert_max_num_queries(5):
        response = client.get(reverse("credentials:recognition_queue"))
    assert response.status_code == 200
