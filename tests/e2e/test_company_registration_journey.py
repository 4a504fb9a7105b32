"""A company registers itself in Japanese at phone size, staff approve it, its public page opens;
a consortium member filters their prefecture's outcomes on a phone, with the numbers in tables."""

import re

import pytest
from allauth.account.models import EmailAddress

from community.models import Organization, Role
from community.tests.factories import PASSWORD, OrganizationFactory, UserFactory
from internships.models import HostCompany
from internships.tests.factories import ApplicationFactory, PostingFactory
from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.conftest import sign_in as signed_in


def sign_in(page, email):
    signed_in(page, email, PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_a_company_registers_in_japanese_and_staff_approve_it(new_page):
    staff = UserFactory(roles=[Role.STAFF], language="en", email="ops@example.org", display_name="Ops")

    page = new_page(locale="ja-JP")
    page.goto("/internships/companies/register/")
    page.get_by_label("企業名（英語）").fill("Haruna Robotics")
    page.get_by_label("企業名（日本語）").fill("榛名ロボティクス株式会社")
    page.locator("#id_company-prefecture").select_option("10")
    page.get_by_label("業種").select_option("manufacturing")
    page.get_by_label("規模").select_option("50-299")
    page.get_by_role("group", name="職場で使う言語").get_by_label("日本語").check()
    page.get_by_label("企業紹介（日本語）").fill("群馬の農業用ロボットを作っています。")
    page.locator("#id_email").fill("hr@haruna.example")
    page.locator("#id_password1").fill("a-long-unusual-passphrase-42")
    page.locator("#id_password2").fill("a-long-unusual-passphrase-42")
    page.locator("#id_display_name").fill("伊藤")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "company-register-ja-375")
    page.get_by_role("button", name="企業を登録する").click()
    page.wait_for_url(lambda url: "/companies/register/" not in url)
    company = HostCompany.objects.get(organization__name_en="Haruna Robotics")
    assert company.status == HostCompany.Status.PENDING
    # The contact follows the link of allauth's confirmation e-mail.
    EmailAddress.objects.filter(email="hr@haruna.example").update(verified=True)

    staff_page = new_page(width=1280, height=900)
    sign_in(staff_page, staff.email)
    staff_page.goto("/internships/staff/companies/")
    staff_page.get_by_role("button", name=re.compile(r"^Approve\W*Haruna Robotics$")).click()
    staff_page.get_by_text("is approved.").wait_for()

    public = new_page(locale="ja-JP")
    public.goto("/internships/companies/haruna-robotics/")
    public.get_by_role("heading", name="榛名ロボティクス株式会社").wait_for()
    assert public.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(public) == []


@pytest.mark.django_db(transaction=True)
def test_a_consortium_member_filters_the_outcomes_on_a_phone(new_page):
    government = OrganizationFactory(
        name_en="Gunma Prefecture", slug="gunma", kind=Organization.Kind.LOCAL_GOVERNMENT, country="JP", prefecture="10"
    )
    UserFactory(roles=[Role.CONSORTIUM], email="kpi@pref.gunma.example", organization=government, language="en")
    posting = PostingFactory(prefecture="10")
    for _index in range(6):
        ApplicationFactory(posting=posting, student=UserFactory(password=None), status="in_progress")
    page = new_page()
    sign_in(page, "kpi@pref.gunma.example")
    page.goto("/internships/staff/outcomes/")
    page.get_by_label("Survey wave").select_option("6")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(lambda url: "wave=6" in url)
    page.get_by_text("Figures of internships in Gunma").wait_for()
    assert page.locator("select[name=prefecture]").count() == 0
    assert page.locator("table.bar-chart__table").count() >= 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "outcomes-consortium-375")
    assert axe_violations(page) == []
