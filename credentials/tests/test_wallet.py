"""The learner's wallet and the public award page: who sees what, and what a revoked award looks like."""

from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from credentials import services
from credentials.models import Achievement, Award
from credentials.tests.factories import AchievementFactory, AwardFactory, PathwayFactory


@pytest.fixture
def award(student):
    achievement = AchievementFactory(
        name_en="Intercultural Teamwork", name_ja="異文化チームワーク", validity_months=36, slug="teamwork"
    )
    services.ensure_default_image(achievement)
    return AwardFactory(recipient=student, achievement=achievement, evidence="Team report: https://example.org/r")


@pytest.mark.django_db
def test_wallet_lists_own_awards_with_issuer_date_credits_and_status(client, student, other_student, award):
    AwardFactory(recipient=other_student, achievement__name_en="Someone else's badge")
    client.force_login(student)
    response = client.get(reverse("credentials:wallet"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Intercultural Teamwork" in content
    assert award.issuer.name in content
    assert "1.5" in content
    assert "Valid" in content
    assert "Someone else" not in content


@pytest.mark.django_db
def test_wallet_shows_pathway_progress(client, student):
    modules = [AchievementFactory(credit_value=Decimal(c)) for c in ("1.5", "3", "1.5")]
    PathwayFactory(name_en="Global Skills Pathway", rule=Achievement.Rule.ALL, components=modules)
    AwardFactory(recipient=student, achievement=modules[0])
    AwardFactory(recipient=student, achievement=modules[1])
    client.force_login(student)
    content = client.get(reverse("credentials:wallet")).content.decode()
    assert "Global Skills Pathway" in content
    assert "2 of 3 components, 4.5 of 6 credits" in content


@pytest.mark.django_db
def test_wallet_in_japanese(client, student):
    modules = [AchievementFactory(credit_value=Decimal("2")) for _ in range(2)]
    PathwayFactory(name_ja="グローバル人材パスウェイ", rule=Achievement.Rule.ALL, components=modules)
    AwardFactory(recipient=student, achievement=modules[0])
    student.language = "ja"
    student.save()
    client.force_login(student)
    content = client.get(reverse("credentials:wallet"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "グローバル人材パスウェイ" in content
    assert "マイウォレット" in content


@pytest.mark.django_db
def test_private_award_page_is_hidden_from_everyone_but_the_learner_and_staff(
    client, student, other_student, staff_member, award
):
    url = award.get_absolute_url()
    assert not award.is_public
    assert client.get(url).status_code == 404
    client.force_login(other_student)
    assert client.get(url).status_code == 404
    assert client.get(reverse("credentials:award_image", args=[award.public_id])).status_code == 404
    client.force_login(staff_member)
    assert client.get(url).status_code == 200
    client.force_login(student)
    response = client.get(url)
    assert response.status_code == 200
    assert "Make public" in response.content.decode()


@pytest.mark.django_db
def test_public_award_page_works_signed_out_and_shows_only_the_award(client, student, award):
    student.profile.bio = "Private bio text"
    student.profile.save()
    client.force_login(student)
    response = client.post(
        reverse("credentials:award_visibility", args=[award.public_id]), {"public": "1", "confirm": "1"}
    )
    assert response.status_code == 302
    client.logout()

    response = client.get(award.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    for text in ("Mai Student", "Intercultural Teamwork", award.issuer.name, "https://example.org/r", "Valid"):
        assert text in content
    # Every element the micro-credential guidance asks for is on the page.
    for label in ("Learning outcomes", "Assessment method", "Workload", "Credits", "EQF level 6", "Language"):
        assert label in content
    for label in ("Quality assurance", "Prerequisites", "Validity", "36 months after issue", "Supervision"):
        assert label in content
    assert student.email not in content
    assert "Private bio text" not in content
    assert "Make private" not in content  # the owner's controls are not there
    assert "linkedin.com" not in content

    image = client.get(reverse("credentials:award_image", args=[award.public_id]))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


@pytest.mark.django_db
def test_only_the_learner_can_switch_visibility(client, other_student, award):
    client.force_login(other_student)
    response = client.post(
        reverse("credentials:award_visibility", args=[award.public_id]), {"public": "1", "confirm": "1"}
    )
    assert response.status_code == 404
    award.refresh_from_db()
    assert not award.is_public


@pytest.mark.django_db
def test_linkedin_link_uses_the_documented_add_to_profile_parameters(client, student, award):
    client.force_login(student)
    response = client.get(award.get_absolute_url())
    url = response.context["linkedin_url"]
    parsed = urlparse(url)
    assert (parsed.netloc, parsed.path) == ("www.linkedin.com", "/profile/add")
    params = {key: values[0] for key, values in parse_qs(parsed.query).items()}
    assert params["startTask"] == "CERTIFICATION_NAME"
    assert params["name"] == "Intercultural Teamwork"
    assert params["organizationName"] == award.issuer.name_en
    assert params["issueYear"] == str(award.issued_at.year)
    assert params["issueMonth"] == str(award.issued_at.month)
    assert params["certId"] == str(award.public_id)
    assert params["certUrl"].endswith(award.get_absolute_url())


@pytest.mark.django_db
def test_revoked_award_is_visibly_revoked_everywhere(client, student, staff_member, award):
    Award.objects.filter(pk=award.pk).update(is_public=True)
    services.revoke_award(award=award, revoked_by=staff_member, reason="Identity could not be confirmed")
    public = client.get(award.get_absolute_url()).content.decode()
    assert "This credential has been revoked." in public
    assert "Identity could not be confirmed" not in public  # the reason is for the learner and staff
    assert "Valid</span>" not in public
    client.force_login(student)
    mine = client.get(award.get_absolute_url()).content.decode()
    assert "Identity could not be confirmed" in mine
    assert "linkedin.com" not in mine  # a revoked award cannot be added to a profile
    assert "Download badge image" not in mine
    assert client.get(reverse("credentials:award_image", args=[award.public_id])).status_code == 404
    wallet = client.get(reverse("credentials:wallet")).content.decode()
    assert "cred-card--revoked" in wallet
    assert "Revoked" in wallet
    bank = client.get(reverse("credentials:credit_bank")).content.decode()
    assert "Revoked: not counted" in bank
    assert "You have earned 0 credits." in bank


@pytest.mark.django_db
def test_revoking_needs_a_reason_and_rights(student, faculty, award):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        services.revoke_award(award=award, revoked_by=faculty, reason="  ")
    with pytest.raises(PermissionDenied):
        services.revoke_award(award=award, revoked_by=faculty, reason="Not my organization's badge")
    with pytest.raises(PermissionDenied):
        services.revoke_award(award=award, revoked_by=student, reason="I do not want it")
    award.refresh_from_db()
    assert award.status == Award.Status.ISSUED


@pytest.mark.django_db
def test_expired_award_says_so(client, student, award):
    Award.objects.filter(pk=award.pk).update(valid_until=timezone.now() - timedelta(days=1))
    client.force_login(student)
    content = client.get(award.get_absolute_url()).content.decode()
    assert "This credential expired on" in content


@pytest.mark.django_db
def test_unknown_award_id_is_404(client):
    assert client.get("/credentials/awards/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/credentials/awards/not-a-uuid/").status_code == 404


@pytest.mark.django_db
def test_achievement_page_shows_every_guidance_field_in_japanese(client):
    achievement = AchievementFactory(name_ja="異文化協働入門", validity_months=24)
    content = client.get(achievement.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "異文化協働入門" in content
    for text in (
        "学修成果",
        "評価方法",
        "学習時間",
        "単位",
        "レベル",
        "言語",
        "質保証",
        "前提条件",
        "有効期間",
        "本人確認",
    ):
        assert text in content, text
    assert "国際チームで協働できる" in content


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_wallet_query_budget(client, student, django_assert_max_num_queries, rows):
    modules = AchievementFactory.create_batch(rows)
    PathwayFactory(rule=Achievement.Rule.ALL, components=modules)
    for achievement in modules:
        AwardFactory(recipient=student, achievement=achievement)
    client.force_login(student)
    client.get(reverse("credentials:wallet"))  # warm the session and header caches
    with django_assert_max_num_queries(7):
        response = client.get(reverse("credentials:wallet"))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_catalogue_query_budget(client, django_assert_max_num_queries, rows):
    AchievementFactory.create_batch(rows)
    with django_assert_max_num_queries(2):
        response = client.get(reverse("credentials:index"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_evidence_on_this_portal_is_linked_and_other_text_is_not_turned_into_a_link(student):
    assert AwardFactory(recipient=student, evidence="/courses/modules/coil/").evidence_path == "/courses/modules/coil/"
    for evidence in ("//evil.example/x", "/path with spaces", "Final project", ""):
        assert AwardFactory(evidence=evidence).evidence_path == ""


@pytest.mark.django_db
def test_making_an_award_public_asks_first_and_says_what_becomes_visible(client, student, award):
    client.force_login(student)
    detail = client.get(award.get_absolute_url()).content.decode()
    visibility = reverse("credentials:award_visibility", args=[award.public_id])
    assert f'href="{visibility}"' in detail  # "Make public" leads to the question, it does not act

    question = client.get(visibility)
    assert question.status_code == 200
    assert "Make this award public?" in question.content.decode()
    # A POST that did not come from the question (an old form, a crafted request) asks too.
    assert "Yes, make it public" in client.post(visibility, {"public": "1"}).content.decode()
    award.refresh_from_db()
    assert not award.is_public

    assert client.post(visibility, {"public": "1", "confirm": "1"}).status_code == 302
    award.refresh_from_db()
    assert award.is_public
    # Making it private again does not ask.
    assert client.post(visibility, {"public": "0"}).status_code == 302
    award.refresh_from_db()
    assert not award.is_public


@pytest.mark.django_db
def test_the_question_is_in_japanese_and_only_for_the_learner(client, student, other_student, award):
    visibility = reverse("credentials:award_visibility", args=[award.public_id])
    client.force_login(other_student)
    assert client.get(visibility).status_code == 404
    student.language = "ja"
    student.save(update_fields=["language"])
    client.force_login(student)
    html = client.get(visibility, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "このクレデンシャルを公開しますか？" in html and "はい、公開します" in html
