"""Deployment settings: the production environment of the README passes `check --deploy` without a
warning, and the portal refuses to start with DEBUG off and no SECRET_KEY of its own."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# The README's "Production" environment (host names and secrets are examples).
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "kX9-production-like-secret-4tQ7wLm2vRb8ZsYc1NhGdPe6JuKo3FaTiW5xEq0",
    "ALLOWED_HOSTS": "portal.example.org",
    "SITE_URL": "https://portal.example.org",
    "CONN_MAX_AGE": "60",
    "SECURE_COOKIES": "1",
    "STATIC_MANIFEST": "1",
    "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.org:587",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def manage(*args, **environment):
    """Run manage.py in a fresh process. Every variable the test cares about is set explicitly,
    so that a developer's .env (read only for variables not set) cannot change the outcome."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "DATABASE_URL", "REDIS_URL", "PYTHONPATH", "VIRTUAL_ENV"}
    }
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_documented_production_settings_pass_the_deploy_check_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output and "security.W" not in output, output
    assert "no issues" in output


def test_production_without_a_secret_key_refuses_to_start_and_says_why():
    environment = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", "--deploy", **environment)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "DEBUG=0" in result.stderr


def test_production_on_a_key_from_the_repository_refuses_to_start():
    for public in ("dev-only-insecure-key-change-me-in-production", "change-me-to-a-long-random-string"):
        result = manage("check", **{**PRODUCTION, "SECRET_KEY": public})
        assert result.returncode != 0
        assert "SECRET_KEY is not set" in result.stderr


def test_development_runs_on_the_development_key():
    result = manage("check", DEBUG="1", SECRET_KEY="")
    assert result.returncode == 0, result.stdout + result.stderr


def test_https_settings_are_off_unless_the_environment_turns_them_on():
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    off = manage("shell", "--no-imports", "-c", script, DEBUG="1", SECRET_KEY="")
    assert off.stdout.split() == ["False", "0", "False", "False"], off.stderr
    on = manage("shell", "--no-imports", "-c", script, **PRODUCTION)
    assert on.stdout.split() == ["True", "31536000", "True", "True"], on.stderr


def test_allauth_counts_clients_behind_the_same_proxies_as_the_portal():
    script = "from django.conf import settings as s; print(s.TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    result = manage("shell", "--no-imports", "-c", script, **PRODUCTION, TRUSTED_PROXY_COUNT="2")
    assert result.stdout.split() == ["2", "2"], result.stderr
