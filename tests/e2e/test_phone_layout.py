"""The portal on a 375 px phone: a one-line header with a menu button, filters behind a button,
each page's primary action on the first screen (and kept in sight on long pages), the
conversation's compose box at the bottom of the screen, tap targets of 44 px, nothing that
scrolls sideways. Writes .tmp/screenshots/<page>-<lang>.png for a person to look at."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community import services
from community.tests.factories import PASSWORD, CommunityGroupFactory, UserFactory
from tests.e2e.conftest import axe_violations, screenshot, sign_in

WIDTH, HEIGHT = 375, 812
LOCALES = {"en": "en-GB", "ja": "ja-JP"}
LONG_TEXT = "\n\n".join(["Weekly seminars, a team project with students abroad and a journal. " * 6] * 8)

# Every visible control smaller than 44 × 44 px, except links inside a sentence (WCAG 2.5.8's
# "inline" exception: they take the height of the line of text they are part of). A checkbox
# or radio button counts together with its label, which toggles it as well.
SMALL_TARGETS = """() => {
  const found = [];
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  for (const el of document.querySelectorAll(controls)) {
    const style = getComputedStyle(el);
    let box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
    if (el.closest('.visually-hidden') || el.classList.contains('skip-link')) continue;
    if (el.tagName === 'A' && style.display === 'inline') {
      const block = el.parentElement.closest('p, li, dd, td, th, div, span');
      const own = el.textContent.trim().length;
      if (block && block.textContent.trim().length > own + 1) continue;  // a link in a sentence
    }
    if ((el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels.length) {
      let [left, top, right, bottom] = [box.left, box.top, box.right, box.bottom];
      for (const label of el.labels) {
        const r = label.getBoundingClientRect();
        left = Math.min(left, r.left); top = Math.min(top, r.top);
        right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom);
      }
      box = {width: right - left, height: bottom - top};
    }
    if (box.width < 43.5 || box.height < 43.5) {
      found.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 40)}" ` +
                 `${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return found;
}"""


def in_first_viewport(page, locator):
    box = locator.bounding_box()
    assert box is not None, "not on the page"
    return box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH


def check_phone_page(page, name, language, *, primary=None):
    """The checks every key page passes at 375 px, then its screenshot."""
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 64, f"{name}: the header is {header['height']} px high"
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), f"{name} scrolls sideways"
    if primary is not None:
        primary.wait_for()
        assert in_first_viewport(page, primary), f"{name}: the primary action is below the first screen"
    assert page.evaluate(SMALL_TARGETS) == [], name
    assert axe_violations(page) == [], name
    screenshot(page, f"{name}-{language}")


@pytest.fixture
def phone_world(db):
    from courses.tests.factories import published_module
    from internships.tests.factories import PostingFactory

    student = UserFactory(roles=["student"], email="mai@example.org", display_name="佐藤 舞")
    friend = UserFactory(roles=["student"], email="lucas@example.org", display_name="Lucas Martin")
    now = timezone.now()
    modules = [
        published_module(
            slug=f"module-{n}",
            title_en=f"Urban Futures {n}",
            title_ja=f"都市の未来 {n}",
            description_en=LONG_TEXT,
            description_ja="毎週のセミナーと海外の学生とのチームプロジェクト。" * 40,
            enrolment_opens_at=now - timedelta(days=1),
            enrolment_closes_at=now + timedelta(days=20),
        )
        for n in range(3)
    ]
    posting = PostingFactory(title_en="Marketing intern", title_ja="マーケティングインターン", description_en=LONG_TEXT)
    group = CommunityGroupFactory(
        slug="tokyo-hiking", name_en="Tokyo hiking club", name_ja="東京ハイキング部", description_en=LONG_TEXT
    )
    conversation = services.start_conversation(sender=friend, recipients=[student], body="Hi Mai!")
    for n in range(25):
        services.send_message(conversation=conversation, sender=friend if n % 2 else student, body=f"Message {n}")
    return {"student": student, "module": modules[0], "posting": posting, "group": group, "conversation": conversation}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ja"])
def test_key_pages_fit_a_phone_with_their_primary_action_on_the_first_screen(new_page, phone_world, language):
    student = phone_world["student"]
    student.language = language
    student.save()
    page = new_page(width=WIDTH, height=HEIGHT, locale=LOCALES[language])

    page.goto("/")
    check_phone_page(page, "home-visitor", language, primary=page.locator(".hero .button").first)

    sign_in(page, student.email, PASSWORD)
    check_phone_page(page, "home", language)

    page.goto("/courses/")
    first_result = page.locator(".course-card h3 a").first
    check_phone_page(page, "catalogue", language, primary=first_result)

    module = phone_world["module"]
    page.goto(module.get_absolute_url())
    enrol = page.locator(".course-enrol button[type=submit]")
    check_phone_page(page, "module", language, primary=enrol)
    # A long page: the button stays in sight halfway down and at the end.
    for fraction in (0.5, 1):
        page.evaluate(f"window.scrollTo(0, document.scrollingElement.scrollHeight * {fraction})")
        assert in_first_viewport(page, enrol), f"enrol button out of sight at {fraction:.0%} of the page"

    page.goto(phone_world["posting"].get_absolute_url())
    check_phone_page(page, "posting", language, primary=page.locator(".primary-action .button"))

    page.goto(phone_world["group"].get_absolute_url())
    check_phone_page(page, "group", language, primary=page.locator(".group__header .primary-action button").first)

    page.goto(f"/community/messages/{phone_world['conversation'].pk}/")
    compose = page.locator("#chat-form")
    check_phone_page(page, "conversation", language, primary=compose.locator("textarea"))
    for position in (0, 1):
        page.evaluate(f"window.scrollTo(0, document.scrollingElement.scrollHeight * {position})")
        box = compose.bounding_box()
        assert abs(box["y"] + box["height"] - HEIGHT) <= 1, "the compose box is not at the bottom of the screen"
    assert in_first_viewport(page, compose.locator("button[type=submit]"))


@pytest.mark.django_db(transaction=True)
def test_the_header_menu_opens_and_closes_by_keyboard_and_works_without_javascript(browser, live_server, student):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, base_url=live_server.url)
    page = context.new_page()
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    toggle = page.get_by_role("button", name="Menu")
    assert not nav.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true" and nav.is_visible()
    # The menu's links come right after the button in the focus order.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#site-menu') !== null")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and not nav.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")
    context.close()

    # Without JavaScript there is no button to press: the menu is simply open.
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/")
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").is_visible()
    assert page.locator(".menu-toggle").is_hidden()
    assert page.get_by_role("button", name="日本語").is_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    context.close()


@pytest.mark.django_db(transaction=True)
def test_filters_wait_behind_a_button_that_counts_them(new_page, phone_world):
    page = new_page(width=WIDTH, height=HEIGHT)
    page.goto("/courses/?level=undergraduate&seats=on&q=")
    summary = page.locator(".course-filters summary")
    assert summary.inner_text().startswith("Filter") and "2" in summary.inner_text()
    assert not page.get_by_label("Level").is_visible()
    summary.click()
    assert page.get_by_label("Level").is_visible()
    seats = page.get_by_label("Only modules with seats left")
    assert seats.is_checked()
    assert page.evaluate(SMALL_TARGETS) == []
    # On a desktop screen the filters are open from the start.
    desktop = new_page(width=1280, height=900)
    sign_in(desktop, phone_world["student"].email, PASSWORD)
    desktop.goto("/internships/")
    assert desktop.get_by_label("Mode").is_visible()
    desktop.goto("/community/")
    assert desktop.get_by_label("Category").is_visible()
    assert desktop.locator(".site-header").bounding_box()["height"] <= 80
