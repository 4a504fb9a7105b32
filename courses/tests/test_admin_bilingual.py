"""The module admin edits both languages of every text: inline rows show English and Japanese side
by side, and a module in review or published cannot be saved or submitted with a text missing in
either language."""

import pytest
from django.urls import reverse

from courses.models import LearningOutcome, Module, Session
from courses.tests.factories import LearningOutcomeFactory, ModuleFactory, SessionFactory, published_module
from courses.tests.test_issuer_approval import admin_form_data

pytestmark = pytest.mark.django_db

MISSING_EN = "a module in review or published is shown to members in English and Japanese"


@pytest.fixture
def english_faculty(faculty):
    faculty.language = "en"
    faculty.save(update_fields=["language"])
    return faculty


@pytest.fixture
def live_module(english_faculty):
    module = published_module(owners=[english_faculty])
    SessionFactory(module=module, label_en="Kick-off", label_ja="キックオフ")
    LearningOutcomeFactory(module=module, text_en="Compare two cities", text_ja="二つの都市を比べる")
    return module


def change_url(module):
    return reverse("admin:courses_module_change", args=[module.pk])


def edit(client, module, **changes):
    data = admin_form_data(client.get(change_url(module)))
    data.update(changes)
    return client.post(change_url(module), data)


def errors_of(response) -> str:
    """Every error message on the page the admin sent back, form and inline rows."""
    assert response.status_code == 200, "the admin saved the module"
    messages = [str(e) for errors in response.context["adminform"].form.errors.values() for e in errors]
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            messages += [f"{name}: {e}" for name, errors in form.errors.items() for e in errors]
    return "\n".join(messages)


def test_session_and_outcome_rows_show_english_and_japanese_side_by_side(client, english_faculty, live_module):
    client.force_login(english_faculty)
    response = client.get(change_url(live_module))
    html = response.content.decode()
    for name in ("sessions-0-label_en", "sessions-0-label_ja", "outcomes-0-text_en", "outcomes-0-text_ja"):
        assert f'name="{name}"' in html
    # Plain fields, not modeltranslation's tab fields (those would be hidden behind a switch).
    assert 'class="vTextField mt' not in html.split('id="sessions-group"')[1]
    headings = [field["label"] for inline in response.context["inline_admin_formsets"] for field in inline.fields()]
    assert {"label (English)", "label (日本語)", "learning outcome (English)", "learning outcome (日本語)"} <= {
        str(label) for label in headings
    }
    assert 'lang="ja"' in html and 'name="sessions-0-label_ja"' in html


def test_both_languages_of_a_new_row_are_saved(client, english_faculty, live_module):
    client.force_login(english_faculty)
    data = admin_form_data(client.get(change_url(live_module)))
    data.update(
        {
            "sessions-TOTAL_FORMS": 2,
            "sessions-1-weekday": 4,
            "sessions-1-starts_at": "10:00",
            "sessions-1-duration_minutes": 90,
            "sessions-1-label_en": "Team presentations",
            "sessions-1-label_ja": "チーム発表",
        }
    )
    response = client.post(change_url(live_module), data)
    assert response.status_code == 302, errors_of(response)
    session = live_module.sessions.get(weekday=4)
    assert (session.label_en, session.label_ja) == ("Team presentations", "チーム発表")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title_ja": ""}, "Enter the title in Japanese"),
        ({"summary_ja": "  "}, "Enter the summary in Japanese"),
        ({"description_en": "Two cities, one project."}, "Enter the description in Japanese"),
        ({"outcomes-0-text_ja": ""}, "text_ja: Enter the learning outcome in Japanese"),
        ({"sessions-0-label_en": ""}, "label_en: Enter the label in English"),
    ],
)
def test_a_published_module_with_a_text_missing_in_one_language_is_refused(
    client, english_faculty, live_module, changes, expected
):
    client.force_login(english_faculty)
    response = edit(client, live_module, **changes)
    errors = errors_of(response)
    assert expected in errors and MISSING_EN in errors
    live_module.refresh_from_db()
    assert live_module.title_ja and live_module.summary_ja.strip() and not live_module.description_en
    assert live_module.outcomes.get().text_ja == "二つの都市を比べる"
    assert live_module.sessions.get().label_en == "Kick-off"


def test_the_refusal_is_worded_in_the_editors_language(client, faculty):
    module = published_module(owners=[faculty])
    LearningOutcomeFactory(module=module)
    client.force_login(faculty)  # the faculty persona prefers Japanese
    errors = errors_of(edit(client, module, **{"outcomes-0-text_ja": "", "title_ja": ""}))
    assert "日本語のタイトルを入力してください" in errors
    assert "日本語の到達目標を入力してください" in errors
    assert "審査中・公開中のモジュールは、メンバーに英語と日本語で表示されます" in errors


def test_a_module_in_review_is_held_to_the_same_rule(client, english_faculty):
    module = ModuleFactory(owners=[english_faculty], status=Module.Status.IN_REVIEW)
    client.force_login(english_faculty)
    assert "Enter the title in Japanese" in errors_of(edit(client, module, title_ja=""))


def test_a_session_without_a_label_in_either_language_is_fine(client, english_faculty, live_module):
    client.force_login(english_faculty)
    response = edit(client, live_module, **{"sessions-0-label_en": "", "sessions-0-label_ja": ""})
    assert response.status_code == 302, errors_of(response)
    assert not live_module.sessions.get().label_ja


def test_a_deleted_row_with_a_missing_translation_does_not_hold_up_the_save(client, english_faculty, live_module):
    client.force_login(english_faculty)
    response = edit(client, live_module, **{"outcomes-0-text_ja": "", "outcomes-0-DELETE": "on"})
    assert response.status_code == 302, errors_of(response)
    assert not live_module.outcomes.exists()


def test_a_draft_may_be_saved_with_its_japanese_texts_still_to_come(client, english_faculty):
    module = ModuleFactory(owners=[english_faculty])
    LearningOutcomeFactory(module=module, text_ja="")
    client.force_login(english_faculty)
    response = edit(client, module, title_ja="", summary_ja="")
    assert response.status_code == 302, errors_of(response)
    module.refresh_from_db()
    assert not module.title_ja and module.status == Module.Status.DRAFT


def test_submitting_a_draft_with_a_missing_translation_for_review_is_refused(client, english_faculty):
    module = ModuleFactory(owners=[english_faculty], summary_ja="")
    LearningOutcome.objects.create(module=module, text_en="Present in a team", text_ja="")
    Session.objects.create(module=module, weekday=1, starts_at="18:00", label_ja="導入")
    client.force_login(english_faculty)
    response = client.post(
        reverse("admin:courses_module_changelist"),
        {"action": "submit_for_review", "_selected_action": [module.pk]},
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert any("Enter the summary in Japanese" in message for message in shown)
    assert any("Learning outcome “Present in a team”: Enter the learning outcome in Japanese" in m for m in shown)
    assert any("Enter the label in English" in message for message in shown)
    assert not any("Submitted for review" in message for message in shown)
    module.refresh_from_db()
    assert module.status == Module.Status.DRAFT
    assert not module.approvals.exists()


def test_a_complete_draft_is_submitted_for_review(client, english_faculty):
    module = ModuleFactory(owners=[english_faculty])
    LearningOutcomeFactory(module=module)
    client.force_login(english_faculty)
    client.post(
        reverse("admin:courses_module_changelist"), {"action": "submit_for_review", "_selected_action": [module.pk]}
    )
    module.refresh_from_db()
    assert module.status == Module.Status.IN_REVIEW
