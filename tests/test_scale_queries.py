"""Each key page costs the same number of SQL queries, at most 10, at two sizes of the scale data set.

The data set is seeded by `manage.py seed_scale` twice (a small and a ten times larger factor),
each time inside a transaction rolled back after every page has been measured once warm (the
session and badge caches filled by a first request, like any second page view).
"""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from community.models import CommunityGroup, Conversation, Role, User
from community.scale import SCALE_DOMAIN, SCALE_PREFIX
from courses.models import Module
from credentials.models import Award
from internships.models import Application
from jige_portal.celery import app as celery_app

# Marked so that pytest-django sets up the test database, which the module fixture then uses.
pytestmark = pytest.mark.django_db

FACTORS = (0.0005, 0.005)
BUDGET = 10


def _scale_user(role):
    return (
        User.objects.filter(email__endswith="@" + SCALE_DOMAIN, groups__name=role, is_active=True)
        .order_by("pk")
        .first()
    )


def _pages():
    """(name, user or None, url) of every key page, resolved in the data set just seeded."""
    student = (
        User.objects.filter(email__endswith="@" + SCALE_DOMAIN, groups__name=Role.STUDENT)
        .annotate(n=Count("awards"))
        .order_by("-n", "pk")
        .first()
    )
    staff = _scale_user(Role.STAFF)
    group = CommunityGroup.objects.get(slug=f"{SCALE_PREFIX}group-0")  # the largest: sizes are Zipf-ranked
    owner = group.memberships.get(role="owner").user
    conversation = (
        Conversation.objects.filter(created_by__email__endswith="@" + SCALE_DOMAIN)
        .annotate(n=Count("messages"))
        .order_by("-n", "pk")
        .first()
    )
    talker = conversation.created_by
    module = Module.objects.get(slug=f"{SCALE_PREFIX}module-0")
    application = (
        Application.objects.filter(posting__company__organization__slug__startswith=SCALE_PREFIX, status="completed")
        .order_by("pk")
        .first()
    )
    award = Award.objects.filter(recipient__email__endswith="@" + SCALE_DOMAIN, is_public=True).order_by("pk").first()
    finder = reverse("community:group_list") + f"?q=東京&category={group.category}"
    catalogue = reverse("courses:index") + f"?q=東京&level={module.level}&language={module.language}"
    wallet_award = student.awards.order_by("pk").first()
    # (user, url, texts of which the page must show one: proof that it rendered the scale data)
    return {
        "home": (student, reverse("home"), ()),
        "group finder (filter, 東京)": (student, finder, (group.name_en, group.name_ja)),
        "large group page": (owner, group.get_absolute_url(), (group.name_en, group.name_ja)),
        "long conversation": (talker, conversation.get_absolute_url(), (conversation.messages.latest("pk").body_html,)),
        "conversation list": (talker, reverse("community:conversation_list"), ()),
        "course catalogue (filters, 東京)": (student, catalogue, (module.title_en, module.title_ja)),
        "module page": (student, module.get_absolute_url(), (module.title_en, module.title_ja)),
        "internship list": (student, reverse("internships:index"), ()),
        "application page as staff": (
            staff,
            reverse("internships:application_detail", args=[application.pk]),
            (application.student.display_name,),
        ),
        "learner wallet": (
            student,
            reverse("credentials:wallet"),
            (wallet_award.achievement.name_en, wallet_award.achievement.name_ja),
        ),
        "public award page": (None, award.get_absolute_url(), (award.achievement.name_en, award.achievement.name_ja)),
        "verify page": (None, reverse("credentials:verify"), ()),
    }


def _measure(factor):
    cache.clear()
    call_command("seed_scale", factor=factor, no_progress=True, stdout=io.StringIO())
    counts = {}
    for name, (user, url, texts) in _pages().items():
        cache.clear()
        client = Client()
        if user is not None:
            client.force_login(user)
        client.get(url)  # warm the session and badge caches like any second page view
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        content = response.content.decode()
        assert not texts or any(text in content for text in texts), (name, texts)
        counts[name] = len(queries)
    return counts


@pytest.fixture(scope="module")
def query_counts(django_db_setup, django_db_blocker):
    """{page: {factor: queries}}, the data sets rolled back afterwards."""
    celery_app.conf.task_always_eager = True
    result = {}
    with django_db_blocker.unblock():
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
    "group finder (filter, 東京)",
    "large group page",
    "long conversation",
    "conversation list",
    "course catalogue (filters, 東京)",
    "module page",
    "internship list",
    "application page as staff",
    "learner wallet",
    "public award page",
    "verify page",
]


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
    small, large = (query_counts[page][factor] for factor in FACTORS)
    assert small == large, f"{page}: {small} queries at factor {FACTORS[0]}, {large} at {FACTORS[1]}"
    assert large <= BUDGET, f"{page}: {large} queries (budget {BUDGET})"


def test_report_query_counts(query_counts, capsys):
    """Not an assertion: prints the table the issue asks for (pytest -s shows it)."""
    with capsys.disabled():
        print("\nqueries per page at factors", FACTORS)
        for page in PAGES:
            print(f"  {page:<36} " + "  ".join(str(query_counts[page][f]) for f in FACTORS))
    assert set(query_counts) == set(PAGES)
