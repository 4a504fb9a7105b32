"""A new app-server process is ready before its first request (jige_portal/warmup.py): the first
pages it serves import none of the portal's code and compile no template."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter: count the templates compiled, load the WSGI application as an app
# server does, then serve a few pages and report what those requests imported and compiled.
FIRST_REQUESTS = """
import json, sys
import django.template.base as base
compiled = []
compile_nodelist = base.Template.compile_nodelist
def counting(self):
    compiled.append(self.name)
    return compile_nodelist(self)
base.Template.compile_nodelist = counting
from jige_portal.wsgi import application
from django.test import Client
client = Client()
compiled.clear()
before = set(sys.modules)
statuses = {path: client.get(path).status_code for path in sys.argv[1:]}
print(json.dumps({"statuses": statuses, "imported": sorted(set(sys.modules) - before), "compiled": compiled}))
"""
PAGES = ["/", "/accounts/login/", "/courses/", "/internships/", "/credentials/verify/"]


def first_requests(warm_up: bool) -> dict:
    database = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "REDIS_URL"}}
    env.update(
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        DJANGO_SETTINGS_MODULE="jige_portal.settings",
        DEBUG="0",
        SECRET_KEY="warm-up-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="testserver",
        WARM_UP="1" if warm_up else "0",
    )
    result = subprocess.run(
        [sys.executable, "-c", FIRST_REQUESTS, *PAGES],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _portal_modules(names):
    apps = ("jige_portal", "community", "courses", "internships", "credentials", "allauth")
    return [name for name in names if name.split(".")[0] in apps]


@pytest.mark.django_db(transaction=True)
def test_a_new_worker_serves_its_first_pages_without_importing_code_or_compiling_templates():
    warm = first_requests(warm_up=True)
    assert set(warm["statuses"].values()) == {200}, warm["statuses"]
    assert warm["compiled"] == [], warm["compiled"]
    assert _portal_modules(warm["imported"]) == []

    # Without the warm-up the same first requests import the views and compile their templates.
    cold = first_requests(warm_up=False)
    assert set(cold["statuses"].values()) == {200}, cold["statuses"]
    assert "base.html" in cold["compiled"]
    assert any(name.endswith(".views") for name in _portal_modules(cold["imported"]))
