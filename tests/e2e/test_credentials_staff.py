"""Staff award a list of learners and watch the batch's progress; a learner asks a partner
university to recognise credits and its staff accept."""

import pytest

from community.tests.factories import PASSWORD, OrganizationFactory, UserFactory
from tests.e2e.conftest import axe_violations, screenshot, sign_in


@pytest.mark.django_db(transaction=True)
def test_staff_award_a_batch_and_see_failed_rows_then_a_running_batch_updates_itself(new_page):
    from credentials import services
    from credentials.models import Award, BatchAward
    from credentials.tests.factories import AchievementFactory

    achievement = AchievementFactory(name_en="COIL Basics", slug="coil-basics")
    # Staff award credentials of the university they are staff of.
    staff = UserFactory(
        roles=["staff"],
        email="registrar@example.org",
        display_name="Registrar",
        language="en",
        organization=achievement.issuer,
    )
    learners = UserFactory.create_batch(3)

    page = new_page()
    sign_in(page, staff.email, PASSWORD)
    page.goto("/credentials/staff/")
    page.get_by_role("link", name="Award manually").first.click()
    page.get_by_label("Achievement").select_option(str(achievement.pk))
    page.get_by_label("E-mail addresses").fill(f"{learners[0].email}\n{learners[1].email}\nstranger@example.org")
    page.get_by_label("Evidence").fill("Completed the COIL orientation")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Award").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Rows that failed").is_visible()
    assert page.get_by_role("cell", name="stranger@example.org").is_visible()
    assert page.get_by_role("cell", name="No member with this e-mail address").is_visible()
    assert Award.objects.filter(achievement=achievement, status=Award.Status.ISSUED).count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "credentials-batch-report-375")

    # A batch that a worker has not run yet: the page polls and shows the report when it is done.
    waiting = BatchAward.objects.create(
        achievement=achievement,
        created_by=staff,
        rows=[{"line": 1, "email": learners[2].email, "evidence": ""}],
        total=1,
    )
    page.goto(waiting.get_absolute_url())
    assert page.locator("[data-field=processed]").first.inner_text() == "0"
    assert page.get_by_role("heading", name="Rows that failed").count() == 0
    services.run_batch_award(batch_id=waiting.pk)  # as the worker would
    page.get_by_text("Every row was awarded.").wait_for(timeout=15_000)
    assert axe_violations(page) == []

    page.get_by_role("link", name="See the holders").click()
    assert page.locator("tbody tr").count() == 3
    assert axe_violations(page) == []
    page.goto("/credentials/staff/")
    assert axe_violations(page) == []
    page.goto(achievement.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == "COIL Basics"
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "credentials-achievement-375")


@pytest.mark.django_db(transaction=True)
def test_learner_asks_a_partner_university_to_recognise_credits_and_its_staff_accept(new_page):
    from decimal import Decimal

    from credentials.models import RecognitionRequest
    from credentials.tests.factories import AchievementFactory, AwardFactory

    partner = OrganizationFactory(slug="northbridge", name_en="Northbridge University", name_ja="ノースブリッジ大学")
    registrar = UserFactory(roles=["staff"], organization=partner, email="registrar@northbridge.example")
    learner = UserFactory(roles=["student"], email="aiko@example.org", display_name="Aiko", language="ja")
    for credits in ("2", "1.5"):
        AwardFactory(recipient=learner, achievement=AchievementFactory(credit_value=Decimal(credits)))

    page = new_page(locale="ja-JP")
    sign_in(page, learner.email, PASSWORD)
    page.goto("/credentials/credit-bank/")
    assert "取得した単位は合計 3.5 単位です。" in page.locator("main").inner_text()
    page.get_by_role("link", name="大学に単位認定を申請する").click()
    page.get_by_label("大学").select_option(str(partner.pk))
    for checkbox in page.locator("input[name=awards]").all():
        checkbox.check()
    page.get_by_role("button", name="申請する").click()
    page.wait_for_load_state()
    assert "判断待ち" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "credentials-credit-bank-ja-375")
    assert axe_violations(page) == []

    staff_page = new_page(width=1280, height=900)
    sign_in(staff_page, registrar.email, PASSWORD)
    staff_page.goto("/credentials/staff/recognition/")
    staff_page.get_by_role("link", name="Aiko").click()
    staff_page.get_by_label("Recognise the credits").check()
    staff_page.get_by_label("Note to the learner").fill("Counted as elective credits.")
    staff_page.get_by_role("button", name="Send decision").click()
    staff_page.wait_for_load_state()
    assert RecognitionRequest.objects.get().status == RecognitionRequest.Status.ACCEPTED

    page.reload()
    text = page.locator("main").inner_text()
    assert "ノースブリッジ大学：3.5 単位を認定" in text
    assert "Counted as elective credits." in text
