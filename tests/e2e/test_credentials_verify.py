"""Issue 7: a visitor follows "Verify this credential" from a public award page and sees, in
Japanese on a phone, that the signed credential is valid; a tampered copy pasted into the verify
page on a desktop is reported as not valid."""

import json

import pytest

from tests.e2e.conftest import axe_violations, screenshot

TEST_KEY_ENCRYPTION_KEY = "test-only-key-encryption-secret-0123456789-abcdef"


@pytest.mark.django_db(transaction=True)
def test_visitor_verifies_a_public_award_and_spots_a_tampered_copy(new_page, live_server, settings, monkeypatch):
    from community.tests.factories import OrganizationFactory, UserFactory
    from credentials import services
    from credentials.models import Award
    from credentials.tests.factories import AchievementFactory

    monkeypatch.setenv("CREDENTIALS_KEY_ENCRYPTION_KEY", TEST_KEY_ENCRYPTION_KEY)
    settings.CREDENTIALS_KEY_ENCRYPTION_KEY = TEST_KEY_ENCRYPTION_KEY
    settings.SITE_URL = live_server.url  # the status list URL resolves to this portal
    university = OrganizationFactory(name_en="Kansai University", name_ja="関西大学", slug="kansai")
    achievement = AchievementFactory(issuer=university, name_en="Intercultural Teamwork", name_ja="異文化チームワーク")
    student = UserFactory(display_name="Mai Student")
    award = services.award_achievement(recipient=student, achievement=achievement)  # completed after commit
    award.refresh_from_db()
    assert award.status == Award.Status.ISSUED and award.is_signed
    services.set_award_visibility(award=award, user=student, public=True)

    page = new_page(locale="ja-JP")
    page.goto(award.get_absolute_url())
    assert page.get_by_role("img", name="このクレデンシャルを検証するリンクのQRコード").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "credentials-award-public-qr-ja-375")
    page.get_by_role("link", name="このクレデンシャルを検証").click()
    page.wait_for_load_state()
    result = page.get_by_role("status")
    assert "このクレデンシャルは有効です。" in result.inner_text()
    assert "コンソーシアムの登録機関" in result.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "credentials-verify-valid-ja-375")
    assert axe_violations(page) == []

    tampered = json.loads(json.dumps(award.signed_credential))
    tampered["credentialSubject"]["creditsEarned"] = 60
    desktop = new_page(width=1280, height=900)
    desktop.goto("/credentials/verify/")
    desktop.get_by_label("Credential JSON").fill(json.dumps(tampered))
    desktop.get_by_role("button", name="Verify").click()
    desktop.wait_for_load_state()
    assert "This credential is not valid." in desktop.get_by_role("status").inner_text()
    screenshot(desktop, "credentials-verify-tampered-desktop")
    assert axe_violations(desktop) == []
