"""SITE_URL follows the port `make run` serves on, and a loopback SITE_URL in production is flagged."""

import os
import subprocess
from pathlib import Path

import pytest
from django.core.checks import run_checks

BASE_DIR = Path(__file__).resolve().parent.parent


def make_site_url(**env):
    environment = {key: value for key, value in os.environ.items() if key != "SITE_URL"} | env
    result = subprocess.run(
        ["make", "-s", "--no-print-directory", "print-SITE_URL"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.skipif(
    (BASE_DIR / ".env").exists() and "SITE_URL=" in (BASE_DIR / ".env").read_text(), reason=".env sets SITE_URL"
)
def test_make_run_derives_site_url_from_port():
    assert make_site_url(PORT="8011") == "http://127.0.0.1:8011"
    assert make_site_url() == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins_over_the_port():
    assert make_site_url(PORT="8011", SITE_URL="https://portal.jige.example") == "https://portal.jige.example"


def site_url_warnings():
    return [message for message in run_checks() if message.id == "jige.W001"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:8011", "http://[::1]:8000"])
def test_a_loopback_site_url_with_debug_off_is_flagged(settings, url):
    settings.DEBUG = False
    settings.SITE_URL = url
    assert len(site_url_warnings()) == 1


def test_a_public_site_url_or_debug_on_is_not_flagged(settings):
    settings.DEBUG = False
    settings.SITE_URL = "https://portal.jige.example"
    assert site_url_warnings() == []
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert site_url_warnings() == []
