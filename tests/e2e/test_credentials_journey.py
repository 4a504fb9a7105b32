"""Issue 4, done when: a student completes the demo module, sees the award and the pathway
progress in Japanese, and opens its public page signed out.

The demo data is loaded as `make run` loads it. The completion itself is recorded the way the
courses app records it: the module's teacher saves the student's attendance and grade
(courses.services.record_results), which asks credentials for the award in the same transaction;
the award task runs after commit (in-process in tests, as without a broker).
"""

from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.e2e.conftest import axe_violations, screenshot, sign_in

DEMO_PASSWORD = "jige-demo-2026"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_student_completes_the_demo_module_sees_award_and_pathway_in_japanese_and_shares_it(new_page):
    from django.contrib.auth.models import Group

    from community.models import Role, User
    from courses.models import Enrolment, Module
    from courses.services import record_results
    from credentials.models import Award

    # Earlier transactional tests flush the tables, which drops the role groups made by a data migration.
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    call_command("seed_demo", password=DEMO_PASSWORD)
    student = User.objects.get(email="student@demo.jige.example")
    User.objects.filter(pk=student.pk).update(language="ja")
    teacher = User.objects.get(email="faculty@demo.jige.example")
    module = Module.objects.get(slug="intercultural-teamwork")
    assert module.achievement.slug == "module-intercultural-teamwork"
    enrolment = Enrolment.objects.get(module=module, learner=student)

    record_results(module=module, results=[(enrolment, Decimal("95"), Decimal("88"))], by=teacher)
    award = Award.objects.get(recipient=student, achievement=module.achievement)
    assert award.status == Award.Status.ISSUED
    # With Japanese for Engineers (held from the demo), two of the three modules: the pathway is earned.
    assert Award.objects.filter(recipient=student, achievement__slug="pathway-global-collaboration").exists()

    page = new_page(locale="ja-JP")
    sign_in(page, student.email, DEMO_PASSWORD)
    page.goto("/credentials/wallet/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("heading", level=1).inner_text() == "マイウォレット"
    card = page.locator(".cred-card", has_text="異文化チームワーク")
    assert card.is_visible()
    assert "有効" in card.inner_text()
    assert "関西大学" in card.inner_text()
    progress = page.locator(".cred-pathways li", has_text="JIGEグローバル修了証")
    assert "構成要素 2 件中 1 件" in progress.inner_text()
    completed = page.locator(".cred-pathways li", has_text="グローバル協働パスウェイ")
    assert "修了" in completed.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "credentials-wallet-ja-375")
    assert axe_violations(page) == []

    card.get_by_role("link", name="異文化チームワーク").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "異文化チームワーク"
    page.get_by_role("link", name="公開する").click()
    page.get_by_role("heading", level=1, name="このクレデンシャルを公開しますか？").wait_for()
    page.get_by_role("button", name="はい、公開します").click()
    page.wait_for_load_state()
    assert page.get_by_text("公開中").is_visible()
    public_url = page.locator("#share-url").input_value()
    assert public_url.endswith(f"/credentials/awards/{award.public_id}/")
    linkedin = page.get_by_role("link", name="LinkedIn のプロフィールに追加")
    assert linkedin.get_attribute("href").startswith(
        "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"
    )
    screenshot(page, "credentials-award-owner-ja-375")

    # Signed out, in a fresh browser on a desktop screen, the shared link shows the award.
    visitor = new_page(width=1280, height=900, locale="ja-JP")
    response = visitor.goto(f"/credentials/awards/{award.public_id}/")  # public_url, on the test server
    assert response.status == 200
    assert visitor.locator(".user-menu").count() == 0  # signed out
    assert visitor.get_by_role("heading", level=1).inner_text() == "異文化チームワーク"
    body = visitor.locator("main").inner_text()
    for text in (student.display_name, "関西大学", "有効", "学修成果", "評価方法", "質保証", "EQF レベル 5"):
        assert text in body, text
    assert student.email not in body
    assert visitor.get_by_role("button", name="非公開にする").count() == 0
    screenshot(visitor, "credentials-award-public-ja-1280")
    assert axe_violations(visitor) == []
