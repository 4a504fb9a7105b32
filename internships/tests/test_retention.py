"""The retention KPI for a prefecture's consortium: filters with known percentages, the consortium
role limited to its own prefecture, anonymised CSV with small cells suppressed."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import Organization, Role
from community.tests.factories import OrganizationFactory, UserFactory
from internships.models import Application, OutcomeSurvey, Programme

from .factories import ApplicationFactory, HostCompanyFactory, PostingFactory

GUNMA, MIYAGI = "10", "04"


def _cohort(posting, *, year: int, six: list[bool], twelve: list[bool] = ()):
    """One completed intern per six-month answer (True: works in the host prefecture); the first
    len(twelve) of them answered the twelve-month survey too."""
    now = timezone.now()
    made = []
    for index, stayed in enumerate(six):
        application = ApplicationFactory(
            posting=posting,
            student=UserFactory(verified=False, password=None),  # no hashing: fast
            status=Application.Status.COMPLETED,
            staff_approved_at=now,
            starts_on=date(year, 4, 1),
            completed_at=now,
        )
        OutcomeSurvey.objects.create(
            application=application, wave=6, responded_at=now, works_in_host_prefecture=stayed, has_job_offer=stayed
        )
        if index < len(twelve):
            OutcomeSurvey.objects.create(
                application=application,
                wave=12,
                responded_at=now,
                works_in_host_prefecture=twelve[index],
                has_job_offer=True,
            )
        made.append(application)
    return made


@pytest.fixture
def world(db):
    """Gunma: company A in the Glocal Leadership Program (cohort 2025: 4 of 10 stayed at +6 months,
    1 of 5 at +12), company B (cohort 2024: 3 of 5 at +6). Miyagi: company C (2025: 5 of 5)."""
    glp = Programme.objects.create(
        name_en="Glocal Leadership Program", name_ja="グローカル・リーダーシップ・プログラム", slug="glp"
    )
    company_a = HostCompanyFactory(organization__name_en="Akagi Works", organization__prefecture=GUNMA)
    company_b = HostCompanyFactory(organization__name_en="Tomioka Silk Tech", organization__prefecture=GUNMA)
    company_c = HostCompanyFactory(organization__name_en="Sendai Harbour", organization__prefecture=MIYAGI)
    a = PostingFactory(company=company_a, prefecture=GUNMA, programme=glp)
    b = PostingFactory(company=company_b, prefecture=GUNMA)
    c = PostingFactory(company=company_c, prefecture=MIYAGI)
    _cohort(a, year=2025, six=[True] * 4 + [False] * 6, twelve=[True] + [False] * 4)
    _cohort(b, year=2024, six=[True] * 3 + [False] * 2)
    _cohort(c, year=2025, six=[True] * 5)
    return {"glp": glp, "a": company_a, "b": company_b, "c": company_c}


def _consortium_member(prefecture: str, **kwargs):
    government = OrganizationFactory(
        name_en=f"Prefectural government {prefecture}",
        slug=f"prefecture-{prefecture}",
        kind=Organization.Kind.LOCAL_GOVERNMENT,
        country="JP",
        prefecture=prefecture,
    )
    return UserFactory(roles=[Role.CONSORTIUM], organization=government, **kwargs)


@pytest.fixture
def gunma_consortium(db):
    return _consortium_member(GUNMA, display_name="Gunma Consortium", email="kpi@pref.gunma.example")


@pytest.fixture
def miyagi_consortium(db):
    return _consortium_member(MIYAGI, display_name="Miyagi Consortium", email="kpi@pref.miyagi.example")


def _stayed(client, **query):
    response = client.get(reverse("internships:outcomes"), query)
    assert response.status_code == 200
    return response.context["stayed"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "part", "whole", "percent"),
    [
        ({"wave": "6"}, 12, 20, 60),
        ({"wave": "6", "prefecture": GUNMA}, 7, 15, 46.7),
        ({"wave": "6", "prefecture": GUNMA, "cohort": "2025"}, 4, 10, 40),
        ({"wave": "6", "programme": "glp"}, 4, 10, 40),
        ({"wave": "12", "cohort": "2025"}, 1, 5, 20),
        ({"wave": "6", "company": "b"}, 3, 5, 60),
        ({"wave": "6", "cohort": "2024"}, 3, 5, 60),
        # The latest answer: twelve months for five of company A's interns (1 stayed), six for the
        # other five (none of whom stayed).
        ({"company": "a"}, 1, 10, 10),
    ],
)
def test_each_filter_gives_the_known_share_working_in_the_host_prefecture(
    client, staff_member, world, query, part, whole, percent
):
    if "programme" in query:
        query["programme"] = str(world["glp"].pk)
    if "company" in query:
        query["company"] = str(world[query["company"]].pk)
    client.force_login(staff_member)
    assert _stayed(client, **query) == {"part": part, "whole": whole, "percent": percent}


@pytest.mark.django_db
def test_every_chart_has_its_numbers_as_a_table(client, staff_member, world):
    staff_member.language = "en"
    staff_member.save(update_fields=["language"])
    client.force_login(staff_member)
    html = client.get(reverse("internships:outcomes"), {"wave": "6", "prefecture": GUNMA}).content.decode()
    assert html.count('class="bar-chart__svg"') == 3
    assert html.count('<table class="bar-chart__table">') == 3
    # Retention by cohort: 2024 3 of 5 (60 %), 2025 4 of 10 (40 %).
    assert '<th scope="row">2024</th><td>3</td><td>5</td><td>60 %</td>' in html
    assert '<th scope="row">2025</th><td>4</td><td>10</td><td>40 %</td>' in html
    assert '<th scope="row">Gunma</th><td>15</td>' in html


@pytest.mark.django_db
def test_a_consortium_member_sees_their_own_prefecture_whatever_the_request_asks(client, gunma_consortium, world):
    client.force_login(gunma_consortium)
    assert _stayed(client, wave="6") == {"part": 7, "whole": 15, "percent": 46.7}
    assert _stayed(client, wave="6", prefecture=MIYAGI) == {"part": 7, "whole": 15, "percent": 46.7}
    html = client.get(reverse("internships:outcomes")).content.decode()
    assert "Sendai Harbour" not in html and 'name="prefecture"' not in html


@pytest.mark.django_db
def test_a_consortium_member_of_another_prefecture_sees_nothing_of_this_one(client, miyagi_consortium, world):
    client.force_login(miyagi_consortium)
    # Gunma's company is no choice of theirs: the filter is refused and Miyagi's five placements shown.
    response = client.get(reverse("internships:outcomes"), {"company": world["a"].pk, "prefecture": GUNMA})
    html = response.content.decode()
    assert response.context["placements"] == 5
    assert "Gunma" not in html and "Akagi Works" not in html and "Tomioka" not in html
    rows = _csv(client, company=world["a"].pk, prefecture=GUNMA)
    assert [row[:3] for row in rows[1:]] == [["Miyagi", "", "Sendai Harbour"]]


def _csv(client, **query):
    response = client.get(reverse("internships:outcomes_summary_csv"), query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_the_summary_csv_is_anonymised_and_suppresses_small_cells(client, gunma_consortium, world):
    client.force_login(gunma_consortium)
    rows = _csv(client, wave="12")
    header, body = rows[0], rows[1:]
    assert "application" not in header and "email" not in ",".join(header)
    by_company = {row[2]: dict(zip(header, row, strict=True)) for row in body}
    assert set(by_company) == {"Akagi Works", "Tomioka Silk Tech"}
    akagi = by_company["Akagi Works"]
    assert akagi["programme"] == "Glocal Leadership Program" and akagi["cohort"] == "2025"
    assert (akagi["placements"], akagi["answered"], akagi["works_in_host_prefecture"]) == ("10", "5", "<5")
    # A share would give the suppressed count away (1 of 5): it is left out too.
    assert akagi["works_in_host_prefecture_percent"] == ""
    assert (akagi["job_offer"], akagi["job_offer_percent"]) == ("5", "100")
    tomioka = by_company["Tomioka Silk Tech"]
    # Nobody of 2024 answered at twelve months: no share of zero answers.
    assert (tomioka["answered"], tomioka["works_in_host_prefecture_percent"]) == ("0", "")
    text = "\n".join(",".join(row) for row in rows)
    students = Application.objects.values_list("student__email", "student__display_name", "pk")
    for email, name, _pk in students:
        assert email not in text and name not in text
    assert "@" not in text


@pytest.mark.django_db
def test_a_consortium_member_sees_fewer_than_five_as_suppressed(client, gunma_consortium, world):
    client.force_login(gunma_consortium)
    response = client.get(reverse("internships:outcomes"), {"wave": "12", "company": world["a"].pk})
    assert response.context["stayed"] == {"part": "<5", "whole": 5, "percent": None, "suppressed": True}
    offers = client.get(reverse("internships:outcomes"), {"wave": "6", "company": world["b"].pk}).context["offers"]
    assert offers == {"part": "<5", "whole": 5, "percent": None, "suppressed": True}
    # Staff see the numbers themselves.
    html = client.get(reverse("internships:outcomes"), {"cohort": "2030"}).content.decode()
    assert "Counts below 5" in html or "5未満" in html


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["student", "company_contact", "faculty"])
def test_the_dashboard_and_the_summary_are_refused_to_other_roles(client, request, persona, world):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("internships:outcomes")).status_code == 403
    assert client.get(reverse("internships:outcomes_summary_csv")).status_code == 403
    assert client.get(reverse("internships:outcomes_csv")).status_code == 403


@pytest.mark.django_db
def test_a_consortium_role_without_a_local_government_sees_nothing(client, world):
    member = UserFactory(roles=[Role.CONSORTIUM], organization=world["a"].organization)
    client.force_login(member)
    assert client.get(reverse("internships:outcomes")).status_code == 403


@pytest.mark.django_db
def test_the_per_placement_csv_stays_with_staff(client, gunma_consortium, world):
    client.force_login(gunma_consortium)
    assert client.get(reverse("internships:outcomes_csv")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("interns", [3, 30])
def test_the_filtered_dashboard_holds_its_query_budget(client, staff_member, django_assert_max_num_queries, interns):
    company = HostCompanyFactory()
    programme = Programme.objects.create(name_en="Programme", slug="programme")
    posting = PostingFactory(company=company, programme=programme)
    _cohort(posting, year=2025, six=[index % 2 == 0 for index in range(interns)], twelve=[True] * (interns // 3))
    client.force_login(staff_member)
    query = {"prefecture": GUNMA, "company": company.pk, "cohort": 2025, "programme": programme.pk, "wave": 6}
    with django_assert_max_num_queries(14):
        response = client.get(reverse("internships:outcomes"), query)
    assert response.context["stayed"]["whole"] == interns
    with django_assert_max_num_queries(8):
        assert client.get(reverse("internships:outcomes_summary_csv"), query).status_code == 200
