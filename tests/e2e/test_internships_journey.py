"""Issue 6 done-when: a student applies in Japanese, staff approve in the queue, the company accepts,
and the student sees the new status and the notification."""

import pytest
from django.utils import translation

from community.models import Role
from community.tests.factories import PASSWORD, UserFactory
from internships.models import Application
from internships.pdf import minimal_pdf
from internships.tests.factories import HostCompanyFactory, PostingFactory, WorkEligibilityFactory
from tests.e2e.conftest import screenshot
from tests.e2e.conftest import sign_in as signed_in


def sign_in(page, email):
    signed_in(page, email, PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_apply_in_japanese_approve_accept_and_see_it(new_page, tmp_path):
    student = UserFactory(roles=[Role.STUDENT], language="ja", email="aiko@example.org", display_name="Aiko")
    staff = UserFactory(roles=[Role.STAFF], language="en", email="ops@example.org", display_name="Ops")
    company = HostCompanyFactory(organization__name_en="Akagi Precision", organization__name_ja="赤城精密")
    UserFactory(
        roles=[Role.COMPANY_CONTACT],
        language="ja",
        email="hr@akagi.example.jp",
        display_name="Kobayashi",
        organization=company.organization,
    )
    PostingFactory(
        company=company,
        title_en="Factory data intern",
        title_ja="工場データ可視化インターン",
        is_paid=True,
        monthly_pay_yen=150000,
    )
    WorkEligibilityFactory(student=student)  # a permission on file: the paid internship can be approved
    cv_path = tmp_path / "cv.pdf"
    cv_path.write_bytes(minimal_pdf("Aiko"))

    # The student finds the posting in Japanese and applies, at phone size.
    page = new_page(locale="ja-JP")
    sign_in(page, student.email)
    page.goto("/internships/?q=工場")
    page.get_by_role("link", name="工場データ可視化インターン").click()
    page.get_by_role("link", name="応募する").click()
    page.get_by_label("志望動機").fill("群馬の製造業で働きたいです。")
    page.get_by_label("履歴書（PDF）").set_input_files(str(cv_path))
    screenshot(page, "internships-apply-ja-375")
    page.get_by_role("button", name="応募を送信する").click()
    page.get_by_text("応募をスタッフの審査に送りました。").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    application = Application.objects.get(student=student)
    assert application.status == Application.Status.SUBMITTED

    # Staff approve it in the queue (desktop).
    staff_page = new_page(width=1280, height=900)
    sign_in(staff_page, staff.email)
    staff_page.goto("/internships/staff/queue/")
    screenshot(staff_page, "internships-queue-desktop")
    staff_page.get_by_label("Select the application of Aiko").check()
    staff_page.get_by_role("button", name="Approve the selected applications").click()
    staff_page.get_by_text("Approved: 1.").wait_for()

    # The company contact accepts it, in Japanese.
    company_page = new_page(width=1280, height=900, locale="ja-JP")
    sign_in(company_page, "hr@akagi.example.jp")
    company_page.goto("/internships/company/")
    company_page.get_by_role("link", name="Aiko").click()
    with translation.override("ja"):
        accepted = str(Application.Status.COMPANY_ACCEPTED.label)
    company_page.get_by_role("button", name=f"「{accepted}」にする").click()
    company_page.get_by_text(f"応募は「{accepted}」になりました。").wait_for()

    # The student sees the new status and the notification.
    page.reload()
    assert accepted in page.locator(".application-status").inner_text()
    screenshot(page, "internships-application-ja-375")
    page.goto("/community/notifications/")
    page.get_by_text("赤城精密がAikoさんの「工場データ可視化インターン」への応募を受け入れました。").wait_for()
    screenshot(page, "internships-notification-ja-375")
    application.refresh_from_db()
    assert application.status == Application.Status.COMPANY_ACCEPTED
    assert [e.event for e in application.events.all()] == [
        "internships.application.submitted",
        "internships.application.approved",
        "internships.application.accepted",
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [375, 1280])
def test_list_and_outcomes_fit_the_screen(new_page, width):
    from django.utils import timezone

    from internships.tests.factories import ApplicationFactory

    staff = UserFactory(roles=[Role.STAFF], language="ja", email="ops@example.org")
    company = HostCompanyFactory()
    for mode, prefecture in (("on_site", "10"), ("remote", "04"), ("hybrid", "10")):
        posting = PostingFactory(company=company, mode=mode, prefecture=prefecture)
        ApplicationFactory(
            posting=posting,
            student=UserFactory(),
            status=Application.Status.COMPLETED,
            staff_approved_at=timezone.now(),
            completed_at=timezone.now(),
        )
    page = new_page(width=width, height=900, locale="ja-JP")
    page.goto("/internships/")
    assert page.get_by_role("heading", level=1).inner_text() == "インターンシップ"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"internships-index-ja-{width}")
    sign_in(page, staff.email)
    page.goto("/internships/staff/outcomes/")
    assert page.locator("svg.bar-chart__svg").count() == 2
    assert page.locator("svg.bar-chart__svg rect").count() == 5  # 2 prefectures + 3 modes
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"internships-outcomes-ja-{width}")
