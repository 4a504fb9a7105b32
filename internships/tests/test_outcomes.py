"""The outcomes dashboard: placements by prefecture and mode, completion rate, who stayed; CSV export."""

import csv
import io
import re

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from community.tests.factories import UserFactory
from internships.models import Application, OutcomeSurvey

from .factories import ApplicationFactory, PostingFactory

S = Application.Status


@pytest.fixture
def placements(company):
    now = timezone.now()
    gunma_onsite = PostingFactory(company=company, prefecture="10", mode="on_site")
    miyagi_remote = PostingFactory(company=company, prefecture="04", mode="remote")
    made = {}
    for index, (posting, status) in enumerate(
        [
            (gunma_onsite, S.COMPLETED),
            (gunma_onsite, S.COMPLETED),
            (gunma_onsite, S.IN_PROGRESS),
            (miyagi_remote, S.COMPLETED),
            (miyagi_remote, S.SUBMITTED),  # not a placement
        ]
    ):
        made[index] = ApplicationFactory(
            posting=posting,
            student=UserFactory(),
            status=status,
            staff_approved_at=now,
            completed_at=now if status == S.COMPLETED else None,
        )
    OutcomeSurvey.objects.create(
        application=made[0], wave=6, responded_at=now, works_in_host_prefecture=True, has_job_offer=True
    )
    OutcomeSurvey.objects.create(
        application=made[1], wave=6, responded_at=now, works_in_host_prefecture=False, has_job_offer=True
    )
    OutcomeSurvey.objects.create(application=made[3], wave=6)  # not answered
    return made


@pytest.mark.django_db
def test_dashboard_figures_and_charts(client, staff_member, placements):
    staff_member.language = "en"
    staff_member.save(update_fields=["language"])
    client.force_login(staff_member)
    response = client.get(reverse("internships:outcomes"))
    context = response.context
    assert context["placements"] == 4
    assert [(bar["label"], bar["value"]) for bar in context["by_prefecture"]] == [("Gunma", 3), ("Miyagi", 1)]
    assert [(bar["label"], bar["value"]) for bar in context["by_mode"]] == [("On-site", 3), ("Remote", 1)]
    assert context["completion"] == {"part": 3, "whole": 4, "percent": 75}
    assert context["stayed"] == {"part": 1, "whole": 2, "percent": 50}
    html = response.content.decode()
    assert html.count('class="bar-chart__svg"') == 2
    assert 'class="bar-chart__bar"' in html
    # The charts are drawn by the server: no script or stylesheet from elsewhere, no chart script.
    assert not re.search(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//', html)
    assert re.findall(r"<script[^>]*>", html) == [f'<script src="{static("js/portal.js")}" defer>']


@pytest.mark.django_db
def test_csv_export(client, staff_member, placements):
    client.force_login(staff_member)
    response = client.get(reverse("internships:outcomes_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "application"
    assert len(rows) == 5  # header + 4 placements
    first = next(row for row in rows if row[0] == str(placements[0].pk))
    assert first[-2:] == ["yes", "yes"]


@pytest.mark.django_db
def test_csv_export_does_not_let_company_text_run_as_a_formula(client, staff_member, placements):
    posting = placements[0].posting
    posting.title_en = '=HYPERLINK("http://evil.example")'
    posting.save()
    client.force_login(staff_member)
    staff_member.language = "en"
    staff_member.save(update_fields=["language"])
    rows = list(csv.reader(io.StringIO(client.get(reverse("internships:outcomes_csv")).content.decode("utf-8-sig"))))
    titles = {row[1] for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example")' in titles
    assert not any(title.startswith("=") for title in titles)
