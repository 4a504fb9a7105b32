"""Each key page costs the same number of SQL queries, at most 10, at two sizes of the scale data set.

The data set is seeded by `manage.py seed_scale` twice (a small and a ten times larger factor),
each time inside a transaction rolled back after every page has been measured warm (the session
and badge caches filled by a first request, like any second page view): rendered, with the page
cache off, and served from the page cache.
"""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from community.scale import SCALE_DOMAIN
from credentials import signing
from credentials.models import Award
from jige_portal.celery import app as celery_app
from jige_portal.key_pages import key_pages

# Marked so that pytest-django sets up the test database, which the module fixture then uses.
pytestmark = pytest.mark.django_db

FACTORS = (0.0005, 0.005)
BUDGET = 10


def _request(client, page):
    if page.method == "POST":
        return client.post(page.url, page.body, content_type=page.content_type)
    return client.get(page.url)


def _measure(factor):
    cache.clear()
    call_command("seed_scale", factor=factor, no_progress=True, stdout=io.StringIO())
    # The verify endpoint's page needs one signed credential.
    award = Award.objects.select_for_update().filter(recipient__email__endswith="@" + SCALE_DOMAIN).order_by("pk")[0]
    signing.sign_award(award=award)
    counts = {}
    for page in key_pages():
        for mode, seconds in (("rendered", 0), ("cached", 300)):
            cache.clear()
            client = Client()
            if page.user is not None:
                client.force_login(page.user)
            with override_settings(PAGE_CACHE_SECONDS=seconds):
                _request(client, page)  # warm the session and badge caches like any second page view
                with CaptureQueriesContext(connection) as queries:
                    response = _request(client, page)
            assert response.status_code == 200, (page.name, mode, response.status_code)
            content = response.content.decode()
            assert not page.texts or any(text in content for text in page.texts), (page.name, page.texts)
            counts[(page.name, mode)] = len(queries)
    return counts


@pytest.fixture(scope="module")
def query_counts(django_db_setup, django_db_blocker):
    """{page: {factor: queries}}, the data sets rolled back afterwards."""
    celery_app.conf.task_always_eager = True
    result = {}
    secret = "query-count-test-key-encryption-secret-0123456789"
    with (
        django_db_blocker.unblock(),
        override_settings(CREDENTIALS_KEY_ENCRYPTION_KEY=secret),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setenv("CREDENTIALS_KEY_ENCRYPTION_KEY", secret)
        assert connection.settings_dict["NAME"].startswith("test_"), "never seed the real database"
        for factor in FACTORS:
            with transaction.atomic():
                with translation.override("en"):
                    for name, count in _measure(factor).items():
                        result.setdefault(name, {})[factor] = count
                transaction.set_rollback(True)
    cache.clear()
    return result


# Measured on this branch; these pages go over the budget and are left to the performance work.
OVER_BUDGET = {}

PAGES = [
    "home",
    "home (signed in)",
    "group finder (filter, 東京)",
    "large group feed",
    "long conversation",
    "conversation list",
    "course catalogue (filters, 東京)",
    "module page",
    "internship list",
    "application page as staff",
    "learner wallet",
    "public award page",
    "verify page",
    "verify endpoint (API)",
]
UNCACHED = {"verify endpoint (API)"}


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(page, marks=pytest.mark.xfail(strict=True, reason=OVER_BUDGET[page]))
        if page in OVER_BUDGET
        else page
        for page in PAGES
    ],
)
def test_key_page_queries_do_not_grow_with_the_data_set(query_counts, page):
    small, large = (query_counts[(page, "rendered")][factor] for factor in FACTORS)
    assert small == large, f"{page}: {small} queries at factor {FACTORS[0]}, {large} at {FACTORS[1]}"
    assert large <= BUDGET, f"{page}: {large} queries (budget {BUDGET})"


@pytest.mark.parametrize("page", PAGES)
def test_key_page_from_the_page_cache_costs_at_most_one_query(query_counts, page):
    """Served from the page cache, a page reads only the signed-in member (the verify endpoint,
    a POST, is not cached: its budget is the rendered one)."""
    small, large = (query_counts[(page, "cached")][factor] for factor in FACTORS)
    assert small == large
    assert large <= (query_counts[(page, "rendered")][FACTORS[1]] if page in UNCACHED else 1), (page, large)


def test_report_query_counts(query_counts, capsys):
    """Not an assertion: prints the table the issue asks for (pytest -s shows it)."""
    with capsys.disabled():
        print("\nqueries per page (rendered / from the page cache) at factors", FACTORS)
        for page in PAGES:
            counts = [f"{query_counts[(page, 'rendered')][f]}/{query_counts[(page, 'cached')][f]}" for f in FACTORS]
            print(f"  {page:<36} " + "  ".join(counts))
    assert {page for page, _mode in query_counts} == set(PAGES)
