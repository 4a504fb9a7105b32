"""The signed-in member's home: what is new in their groups, unread conversations, their modules
with the next session in their time zone, their applications and their latest credential."""

import zoneinfo
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community import services
from community.tests.factories import CommunityGroupFactory, PostFactory, UserFactory
from community.tests.pages import from_cache, page, visit
from courses.home import next_session
from courses.models import Enrolment, Module, Session
from courses.tests.factories import EnrolmentFactory, ModuleFactory, SessionFactory
from credentials.tests.factories import AwardFactory
from internships.tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def running_module(**kwargs) -> Module:
    today = timezone.localdate()
    return ModuleFactory(
        status=Module.Status.PUBLISHED,
        starts_on=today - timedelta(days=7),
        ends_on=today + timedelta(days=60),
        **kwargs,
    )


def give_everything(student, n: int):
    """n groups with a post each, n unread conversations, n modules, applications and awards."""
    for i in range(n):
        group = CommunityGroupFactory()
        services.add_member(group=group, user=student)
        PostFactory(group=group, body=f"Welcome party number {i}")
        services.start_conversation(sender=UserFactory(), recipients=[student], body=f"Hello {i}")
        module = running_module()
        SessionFactory(module=module, weekday=i % 7)
        EnrolmentFactory(module=module, learner=student, status=Enrolment.Status.ENROLLED)
        ApplicationFactory(student=student)
        AwardFactory(recipient=student)


def test_a_new_student_sees_their_group_conversation_module_application_and_credential(client, student):
    student.time_zone = "Europe/Berlin"
    student.save(update_fields=["time_zone"])
    club = CommunityGroupFactory(name_en="Kansai Hiking Club")
    services.add_member(group=club, user=student)
    PostFactory(group=club, body="Hike to Mount Rokko on Saturday")
    lucas = UserFactory(display_name="Lucas Other")
    services.start_conversation(sender=lucas, recipients=[student], body="Are you coming?")
    module = running_module(title_en="Sustainable Cities")
    SessionFactory(module=module, weekday=2, starts_at=time(18, 0))
    EnrolmentFactory(module=module, learner=student, status=Enrolment.Status.ENROLLED)
    application = ApplicationFactory(student=student, posting__title_en="Software internship in Maebashi")
    AwardFactory(recipient=student, achievement__name_en="Intercultural Teamwork")

    client.force_login(student)
    html = page(client.get(reverse("home")))

    assert "New here? Three steps" not in html
    assert "Hike to Mount Rokko on Saturday" in html and "Kansai Hiking Club" in html
    assert "Lucas Other" in html and reverse("community:conversation_list") in html
    assert "Sustainable Cities" in html
    _, start = next_session(module, module.sessions.all(), timezone.now())
    assert f'datetime="{start.astimezone(BERLIN).isoformat()}"' in html and "(Europe/Berlin)" in html
    assert "Software internship in Maebashi" in html and application.get_absolute_url() in html
    assert "Intercultural Teamwork" in html


def test_a_member_with_nothing_yet_sees_empty_states_that_lead_somewhere(client, student):
    client.force_login(student)
    html = page(client.get(reverse("home")))
    assert "You have not joined any groups yet." in html
    assert f'href="{reverse("community:group_list")}"' in html
    assert "No unread messages." in html
    assert "You are not enrolled in any module." in html and f'href="{reverse("courses:index")}"' in html
    assert "You have not applied for an internship yet." in html and f'href="{reverse("internships:index")}"' in html
    assert "No credentials yet." in html and f'href="{reverse("credentials:index")}"' in html
    assert "You are a guest" not in html


def test_the_home_speaks_japanese(client, student):
    student.language = "ja"
    student.save(update_fields=["language"])
    client.force_login(student)
    html = page(client.get(reverse("home")))
    assert '<html lang="ja">' in html
    for text in (
        "参加グループの新着",
        "未読のメッセージ",
        "履修中のモジュール",
        "あなたの応募",
        "最新のクレデンシャル",
    ):
        assert text in html


def test_company_contacts_get_their_company_not_applications(client):
    from internships.tests.factories import HostCompanyFactory

    company = HostCompanyFactory()
    contact = UserFactory(roles=["company_contact"], organization=company.organization)
    client.force_login(contact)
    html = page(client.get(reverse("home")))
    assert reverse("internships:company_home") in html
    assert "Your applications" not in html


def test_visitors_keep_the_marketing_page(client):
    assert "New here? Three steps" in page(client.get(reverse("home")))


@pytest.mark.parametrize("rows", [3, 30])
def test_the_home_has_a_query_budget_whatever_the_rows(client, student, rows, django_assert_max_num_queries):
    give_everything(student, rows)
    client.force_login(student)
    client.get(reverse("home"))  # warms the cached roles and badges, as any earlier page would
    with django_assert_max_num_queries(14):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Welcome party number" in page(response)


def test_the_query_count_is_the_same_at_3_and_30_rows(student, other_student, settings):
    settings.PAGE_CACHE_SECONDS = 0
    from django.test import Client

    counts = []
    for member, rows in ((student, 3), (other_student, 30)):
        give_everything(member, rows)
        client = Client()
        client.force_login(member)
        client.get(reverse("home"))
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("home"))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_new_post_in_a_group_shows_on_the_cached_home_at_once(client, student, other_student):
    club = CommunityGroupFactory()
    services.add_member(group=club, user=student)
    client.force_login(student)
    visit(client, reverse("home"))
    assert from_cache(visit(client, reverse("home")))
    services.create_post(group=club, author=student, body="Picnic on Sunday")
    assert "Picnic on Sunday" in page(visit(client, reverse("home")))


def test_the_next_session_is_the_first_that_has_not_ended_within_the_module():
    module = Module(starts_on=date(2026, 4, 6), ends_on=date(2026, 7, 31), time_zone="Asia/Tokyo")
    wednesday = Session(weekday=2, starts_at=time(18, 0), duration_minutes=90)
    friday = Session(weekday=4, starts_at=time(9, 0), duration_minutes=90)

    def next_start(now):
        found = next_session(module, [wednesday, friday], now)
        return found and found[1]

    assert next_start(datetime(2026, 3, 1, tzinfo=TOKYO)) == datetime(2026, 4, 8, 18, 0, tzinfo=TOKYO)
    # Under way (19:00 in Tokyo) still counts; once it ended, Friday's is next.
    assert next_start(datetime(2026, 4, 8, 10, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))) == datetime(
        2026, 4, 8, 18, 0, tzinfo=TOKYO
    )
    assert next_start(datetime(2026, 4, 8, 19, 31, tzinfo=TOKYO)) == datetime(2026, 4, 10, 9, 0, tzinfo=TOKYO)
    assert next_start(datetime(2026, 7, 31, 12, 0, tzinfo=TOKYO)) is None


def test_a_post_line_is_shared_but_follows_an_edit_a_renamed_author_and_group_and_the_language(
    client, student, other_student
):
    club = CommunityGroupFactory(name_en="Kansai Hiking Club", name_ja="関西ハイキング部")
    for member in (student, other_student):
        services.add_member(group=club, user=member)
    author = UserFactory(display_name="Mei Tanaka")
    post = PostFactory(group=club, author=author, body="Hike to Mount Rokko on Saturday")
    client.force_login(other_student)
    assert "Mei Tanaka in Kansai Hiking Club" in page(visit(client, reverse("home")))  # the line is stored

    client.force_login(student)
    html = page(visit(client, reverse("home")))
    assert "Hike to Mount Rokko on Saturday" in html and "Mei Tanaka in Kansai Hiking Club" in html

    services.edit_post(post=post, by=author, body="Hike moved to Sunday")
    author.display_name = "Mei Sato"
    author.save()
    club.name_en = "Kansai Hikers"
    club.save()
    html = page(visit(client, reverse("home")))
    assert "Hike moved to Sunday" in html and "Mei Sato in Kansai Hikers" in html
    assert "Mount Rokko" not in html
    student.language = "ja"
    student.save()
    html = page(visit(client, reverse("home")))
    assert "関西ハイキング部 の Mei Sato さん" in html  # the group's Japanese name, the Japanese sentence
