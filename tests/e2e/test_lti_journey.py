"""An LMS launches the portal in Chromium: an instructor places a module with Deep Linking, a
learner follows the course link into the module's group, and a forged launch gets a clear page.
The platform is the loopback one of courses/tests/lti_platform.py, with real keys."""

import urllib.parse

import pytest
from django.urls import reverse
from django.utils import translation

from community.tests.factories import UserFactory
from courses.models import LtiDeployment, LtiPlatform
from courses.tests.factories import published_module
from courses.tests.lti_platform import INSTRUCTOR, Platform
from tests.e2e.conftest import axe_violations, screenshot

KEY = "test-only-key-encryption-secret-0123456789-abcdef"


@pytest.fixture
def platform(transactional_db, live_server, settings, monkeypatch):
    monkeypatch.setenv("CREDENTIALS_KEY_ENCRYPTION_KEY", KEY)
    settings.CREDENTIALS_KEY_ENCRYPTION_KEY = KEY
    settings.SITE_URL = live_server.url
    with Platform(host=urllib.parse.urlsplit(live_server.url).hostname) as server:
        row = LtiPlatform.objects.create(
            name="Moodle",
            issuer=server.issuer,
            client_id=server.client_id,
            auth_login_url=server.url + "/auth",
            auth_token_url=server.url + "/token",
            jwks_url=server.url + "/jwks",
        )
        LtiDeployment.objects.create(platform=row, deployment_id=server.deployment_id)
        server.tool_jwks_url = live_server.url + reverse("courses:lti_jwks")
        yield server


def course_link(platform, user, hint):
    query = urllib.parse.urlencode({"iss": platform.issuer, "login_hint": user, "lti_message_hint": hint})
    return reverse("courses:lti_login") + "?" + query


@pytest.mark.parametrize("locale", ["en-GB", "ja-JP"])
def test_instructor_places_a_module_and_a_learner_lands_in_its_group(new_page, platform, locale):
    module = published_module(owners=[UserFactory(roles=["faculty"])])
    language = locale[:2]
    platform.add_user("prof", email="prof@partner.example.edu", roles=[INSTRUCTOR], locale=locale)
    platform.add_deep_linking("pick")

    page = new_page(locale=locale)
    page.goto(course_link(platform, "prof", "pick"))
    page.wait_for_url("**" + reverse("courses:lti_deep_link"))
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, f"lti-deep-link-picker-{language}")
    page.locator(f"#item-module-{module.pk}").check()
    page.locator("main button[type=submit]").click()
    assert axe_violations(page) == []
    screenshot(page, f"lti-deep-link-return-{language}")
    page.locator("#lti-deep-link-return button").click()
    page.wait_for_url(platform.url + "/deep-link-return")
    (item,) = platform.deep_link_responses[0]["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]

    platform.add_user("aiko", email="aiko@partner.example.edu", locale=locale)
    platform.add_launch("placed", resource_link_id="placed", custom=item["custom"])
    learner = new_page(locale=locale)
    learner.goto(course_link(platform, "aiko", "placed"))
    learner.wait_for_url("**" + module.group.get_absolute_url())
    with translation.override(language):
        assert str(module.group.name) in learner.locator("h1").first.inner_text()


def test_a_forged_launch_shows_a_clear_page(new_page, platform):
    module = published_module(owners=[UserFactory(roles=["faculty"])])
    platform.add_user("aiko", email="aiko@partner.example.edu", locale="ja-JP")
    platform.add_launch("forged", custom={"jige_module": module.slug}, aud="another-tool")
    page = new_page(locale="ja-JP")
    page.goto(course_link(platform, "aiko", "forged"))
    page.wait_for_url("**" + reverse("courses:lti_launch"))
    assert "コースからのリンクを開けませんでした" in page.locator("h1").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "lti-refused-ja")
