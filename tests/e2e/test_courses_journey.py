"""Issue 5, done when: a faculty member creates a module in the admin with English and Japanese
fields; after every co-owner's approval it appears in the Japanese catalogue; a student enrols
and finds the module's group in the community."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.tests.factories import PASSWORD, OrganizationFactory, UserFactory
from courses.models import Enrolment, Module, ModuleOwner
from courses.tests.factories import restore_role_permissions
from tests.e2e.conftest import axe_violations, screenshot, sign_in


def choose_autocomplete(page, field, text):
    """Pick `text` in a Django admin autocomplete (select2) widget."""
    page.locator(f"#id_{field} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def fill_translated(page, name, text):
    """Fill `<field>_<lang>`, first opening its language tab when the tabs are active."""
    field = page.locator(f"#id_{name}")
    if not field.is_visible():
        panel = field.evaluate("el => el.closest('.ui-tabs-panel')?.id")
        page.locator(f"a[href='#{panel}']").click()
    field.fill(text)


def run_action(page, action):
    page.goto("/admin/courses/module/")
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option(action)
    page.locator("button[name=index]").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_faculty_creates_module_co_owner_approves_student_enrols_and_finds_the_group(new_page):
    restore_role_permissions()
    today = timezone.localdate()
    OrganizationFactory(slug="chiba", name_en="Chiba University", name_ja="千葉大学", is_lead=True, country="JP")
    OrganizationFactory(slug="lakeside", name_en="Lakeside State University", name_ja="レイクサイド州立大学")
    teacher = UserFactory(roles=["faculty"], email="sato@example.org", display_name="Prof. Sato", language="ja")
    co_teacher = UserFactory(roles=["faculty"], email="miller@example.org", display_name="Dr. Miller", language="en")
    student = UserFactory(roles=["student"], email="mai@example.org", display_name="Mai", language="ja")

    # 1. The faculty member builds the module in the (Japanese) admin, on a desktop screen.
    page = new_page(width=1280, height=900, locale="ja-JP")
    sign_in(page, teacher.email, PASSWORD)
    response = page.goto("/admin/courses/module/add/")
    assert response.status == 200, page.locator("body").inner_text()[:1000]
    fill_translated(page, "title_en", "Urban Futures: Tokyo and Madison")
    fill_translated(page, "summary_en", "Two cities, one team project.")
    fill_translated(page, "title_ja", "都市の未来：東京とマディソン")
    fill_translated(page, "summary_ja", "二つの都市、一つのチームプロジェクト。")
    page.locator("#id_slug").fill("urban-futures")
    choose_autocomplete(page, "lead_university", "千葉大学")
    choose_autocomplete(page, "partner_universities", "レイクサイド")
    page.locator("#id_level").select_option("undergraduate")
    page.locator("#id_discipline").select_option("social_sciences")
    page.locator("#id_language").select_option("en_ja")
    page.locator("#id_modality").select_option("online_sync")
    page.locator("#id_workload_hours").fill("40")
    page.locator("#id_credit_value").fill("2")
    page.locator("#id_term").select_option("autumn")
    page.locator("#id_starts_on").fill(str(today + timedelta(days=60)))
    page.locator("#id_ends_on").fill(str(today + timedelta(days=140)))
    page.locator("#id_seats").fill("20")
    page.locator("#id_enrolment_opens_at_0").fill(str(today - timedelta(days=1)))
    page.locator("#id_enrolment_opens_at_1").fill("09:00:00")
    page.locator("#id_enrolment_closes_at_0").fill(str(today + timedelta(days=30)))
    page.locator("#id_enrolment_closes_at_1").fill("17:00:00")
    screenshot(page, "courses-admin-add-ja-1280")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()
    assert page.locator(".errornote").count() == 0, page.locator(".errorlist").all_inner_texts()
    module = Module.objects.get(slug="urban-futures")
    assert module.title_ja == "都市の未来：東京とマディソン" and module.title_en == "Urban Futures: Tokyo and Madison"
    assert ModuleOwner.objects.filter(module=module, user=teacher).exists()
    ModuleOwner.objects.create(module=module, user=co_teacher)  # the partner university's teacher

    run_action(page, "submit_for_review")
    run_action(page, "approve_for_publishing")
    module.refresh_from_db()
    assert module.status == Module.Status.IN_REVIEW  # still waiting for the co-teacher
    page.goto(f"/admin/courses/module/{module.pk}/change/")
    assert "Dr. Miller — 未承認" in page.locator("body").inner_text()

    # 2. The co-teacher approves; the module is published.
    co_page = new_page(width=1280, height=900, locale="en-GB")
    sign_in(co_page, co_teacher.email, PASSWORD)
    run_action(co_page, "approve_for_publishing")
    module.refresh_from_db()
    assert module.status == Module.Status.PUBLISHED

    # 3. A student finds it in the Japanese catalogue with a two-character search, on a phone.
    student_page = new_page(width=375, locale="ja-JP")
    sign_in(student_page, student.email, PASSWORD)
    student_page.goto("/courses/")
    filters = student_page.locator("form.course-filters")  # not the header's "ポータルを検索"
    filters.get_by_label("検索").fill("東京")
    filters.get_by_role("button", name="モジュールを表示").click()
    student_page.get_by_role("link", name="都市の未来：東京とマディソン").click()
    assert student_page.get_by_role("heading", level=1).inner_text() == "都市の未来：東京とマディソン"
    assert axe_violations(student_page) == []
    assert student_page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(student_page, "courses-detail-ja-375")
    student_page.get_by_role("button", name="履修登録する").click()
    student_page.wait_for_load_state()
    assert "履修登録しました" in student_page.locator(".messages").inner_text()
    assert Enrolment.objects.get(module=module, learner=student).status == Enrolment.Status.ENROLLED

    # 4. ...and finds the module's group in the community.
    student_page.get_by_role("link", name="モジュールのコミュニティグループへ").click()
    student_page.wait_for_load_state()
    assert student_page.get_by_role("heading", level=1).inner_text() == "都市の未来：東京とマディソン"
    assert student_page.url.endswith(module.group.get_absolute_url())
    screenshot(student_page, "courses-group-ja-375")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [375, 1280])
def test_catalogue_pages_are_accessible_and_fit_the_screen(new_page, width):
    from courses.tests.factories import ProgrammeFactory, published_module

    module = published_module(title_en="Urban Futures", title_ja="都市の未来")
    ProgrammeFactory(title_en="Chiba Urban Lab", title_ja="千葉アーバンラボ").modules.add(module)
    page = new_page(width=width, locale="en-GB")
    for path in ["/courses/", module.get_absolute_url(), "/courses/programmes/"]:
        page.goto(path)
        assert axe_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    page.goto("/courses/")
    screenshot(page, f"courses-list-en-{width}")


@pytest.mark.django_db(transaction=True)
def test_member_course_pages_are_accessible_in_japanese(new_page):
    from courses.tests.factories import EnrolmentFactory, published_module

    teacher = UserFactory(roles=["faculty"], email="t@example.org", language="ja")
    learner = UserFactory(roles=["student"], email="l@example.org", language="ja")
    module = published_module(owners=[teacher], title_ja="都市の未来")
    EnrolmentFactory(module=module, learner=learner)
    page = new_page(locale="ja-JP")
    sign_in(page, learner.email, PASSWORD)
    page.goto("/courses/my-learning/")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "courses-my-learning-ja-375")
    teacher_page = new_page(width=1280, locale="ja-JP")
    sign_in(teacher_page, teacher.email, PASSWORD)
    teacher_page.goto(f"/courses/modules/{module.slug}/results/")
    teacher_page.locator("input[type=file]").set_input_files(
        files=[{"name": "r.csv", "mimeType": "text/csv", "buffer": b"email,attendance,grade\nnobody@example.org,x,1\n"}]
    )
    teacher_page.get_by_role("button", name="アップロード").click()
    teacher_page.wait_for_load_state()
    assert (
        "nobody@example.org はこのモジュールに履修登録していません。" in teacher_page.get_by_role("alert").inner_text()
    )
    assert axe_violations(teacher_page) == []
    screenshot(teacher_page, "courses-results-errors-ja-1280")
