"""Figures of the outcomes dashboard (reads only), drawn as inline SVG bars by the template.

The dashboard and the summary CSV can be narrowed by prefecture, host company, cohort (the year
the internships started), programme and survey wave. Local government and consortium members see
their own prefecture only and never a person: their counts below SMALL_CELL are suppressed.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from community.choices import Prefecture
from community.models import Organization, Role

from .models import Application, OutcomeSurvey, Posting

PLACED = [Application.Status.COMPANY_ACCEPTED, Application.Status.IN_PROGRESS, Application.Status.COMPLETED]
STARTED = [Application.Status.IN_PROGRESS, Application.Status.COMPLETED]

# Counts from 1 to SMALL_CELL - 1 could point at a person: anonymised figures show "<5" instead,
# and a share of fewer than SMALL_CELL answers, or of a suppressed count, is not shown.
SMALL_CELL = 5
SUPPRESSED = "<5"

BAR_MAX, ROW = 330, 44  # SVG user units of the 400-wide chart: label above, bar below


@dataclass(frozen=True)
class Filters:
    prefecture: str = ""
    company: int | None = None
    cohort: int | None = None
    programme: int | None = None
    wave: int | None = None
    suppress: bool = False  # anonymised figures (consortium members, the summary CSV)

    def applications(self, queryset=None):
        queryset = Application.objects.all() if queryset is None else queryset
        if self.prefecture:
            queryset = queryset.filter(posting__prefecture=self.prefecture)
        if self.company:
            queryset = queryset.filter(posting__company_id=self.company)
        if self.cohort:
            queryset = queryset.filter(starts_on__year=self.cohort)
        if self.programme:
            queryset = queryset.filter(posting__programme_id=self.programme)
        return queryset


def prefecture_of_viewer(user) -> str:
    """The prefecture a viewer is limited to ("" for staff, who see all). PermissionDenied for anyone
    else: a consortium member needs a local government with a prefecture as home organization."""
    if user.is_authenticated and user.is_portal_staff:
        return ""
    if user.is_authenticated and user.has_role(Role.CONSORTIUM) and user.organization_id:
        organization = Organization.objects.filter(pk=user.organization_id).values("kind", "prefecture").first()
        if organization and organization["kind"] == Organization.Kind.LOCAL_GOVERNMENT and organization["prefecture"]:
            return organization["prefecture"]
    raise PermissionDenied(
        _("The outcomes are for staff and for local government or consortium members of a prefecture.")
    )


def _count(value: int, suppress: bool):
    return SUPPRESSED if suppress and 0 < value < SMALL_CELL else value


def _bars(rows: list[tuple[str, int]], *, suppress: bool) -> list[dict]:
    top = max((value for _label, value in rows), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(rows):
        shown = _count(value, suppress)
        width = 1 if shown == SUPPRESSED else max(round(BAR_MAX * value / top), 1)
        bars.append({"label": label, "value": shown, "width": width, "y": index * ROW, "value_x": width + 6})
    return bars


def _share(part: int, whole: int, *, suppress: bool = False) -> dict:
    # The share of a suppressed count would give it away (1 of 5 is 20 %): it is left out too.
    if suppress and (whole < SMALL_CELL or 0 < part < SMALL_CELL):
        return {"part": _count(part, True), "whole": _count(whole, True), "percent": None, "suppressed": True}
    percent = round(100 * part / whole, 1) if whole else None
    if percent is not None and percent == int(percent):
        percent = int(percent)
    return {"part": _count(part, suppress), "whole": whole, "percent": percent}


def placements(filters: Filters = Filters()):
    return filters.applications(Application.objects.filter(status__in=PLACED))


def answers(filters: Filters = Filters()) -> list[dict]:
    """One answer per completed internship: that of the chosen wave, else the latest one."""
    surveys = OutcomeSurvey.objects.filter(
        responded_at__isnull=False,
        application__in=filters.applications(Application.objects.filter(status=Application.Status.COMPLETED)),
    )
    if filters.wave:
        surveys = surveys.filter(wave=filters.wave)
    latest = {}
    rows = surveys.order_by("application_id", "wave").values(
        "application_id", "works_in_host_prefecture", "has_job_offer", "application__starts_on"
    )
    for row in rows:
        latest[row["application_id"]] = row
    return list(latest.values())


def dashboard(filters: Filters = Filters()) -> dict:
    """Every figure of the dashboard in a fixed number of queries, whatever the number of rows."""
    suppress = filters.suppress
    placed = placements(filters)
    prefectures = dict(Prefecture.choices)
    modes = dict(Posting.Mode.choices)
    by_prefecture = [
        (prefectures.get(row["posting__prefecture"], row["posting__prefecture"]), row["n"])
        for row in placed.values("posting__prefecture").annotate(n=Count("pk")).order_by("-n", "posting__prefecture")
    ]
    by_mode = [
        (modes.get(row["posting__mode"], row["posting__mode"]), row["n"])
        for row in placed.values("posting__mode").annotate(n=Count("pk")).order_by("-n", "posting__mode")
    ]
    counts = dict(
        filters.applications(Application.objects.filter(status__in=STARTED))
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    completed = counts.get(Application.Status.COMPLETED, 0)
    started = sum(counts.values())
    answered = answers(filters)
    stayed = sum(1 for row in answered if row["works_in_host_prefecture"])
    offers = sum(1 for row in answered if row["has_job_offer"])
    cohorts: dict[int, list[int]] = {}
    for row in answered:
        if row["application__starts_on"]:
            year = cohorts.setdefault(row["application__starts_on"].year, [0, 0])
            year[0] += 1 if row["works_in_host_prefecture"] else 0
            year[1] += 1
    retention = []
    for index, (year, (part, whole)) in enumerate(sorted(cohorts.items())):
        share = _share(part, whole, suppress=suppress)
        width = max(round(BAR_MAX * (share["percent"] or 0) / 100), 1)
        retention.append({**share, "label": str(year), "width": width, "y": index * ROW, "value_x": width + 6})
    height = lambda bars: max(len(bars), 1) * ROW  # noqa: E731
    prefecture_bars, mode_bars = _bars(by_prefecture, suppress=suppress), _bars(by_mode, suppress=suppress)
    total = placed.count()
    return {
        "placements": _count(total, suppress),
        "by_prefecture": prefecture_bars,
        "by_prefecture_height": height(prefecture_bars),
        "by_mode": mode_bars,
        "by_mode_height": height(mode_bars),
        "retention_by_cohort": retention,
        "retention_height": height(retention),
        "completion": _share(completed, started, suppress=suppress),
        "stayed": _share(stayed, len(answered), suppress=suppress),
        "offers": _share(offers, len(answered), suppress=suppress),
        "small_cell": SMALL_CELL,
        "suppressed": suppress,
    }


def latest_answers() -> dict[int, OutcomeSurvey]:
    """The latest answered survey of each completed internship, by application id."""
    latest = {}
    for survey in OutcomeSurvey.objects.filter(
        responded_at__isnull=False, application__status=Application.Status.COMPLETED
    ).order_by("application_id", "wave"):
        latest[survey.application_id] = survey
    return latest


SUMMARY_HEADER = [
    "prefecture",
    "programme",
    "host_company",
    "cohort",
    "survey_wave",
    "placements",
    "completed",
    "answered",
    "works_in_host_prefecture",
    "works_in_host_prefecture_percent",
    "job_offer",
    "job_offer_percent",
]


def summary_rows(filters: Filters):
    """The anonymised CSV: counts per prefecture, programme, host company and cohort, without a
    name, an address or an id of any person or row; counts below SMALL_CELL read "<5"."""
    prefectures = dict(Prefecture.choices)
    placed = (
        placements(filters)
        .values(
            "posting__prefecture", "posting__programme__name", "posting__company__organization__name", "starts_on__year"
        )
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(status=Application.Status.COMPLETED)),
        )
        .order_by(
            "posting__prefecture", "posting__programme__name", "posting__company__organization__name", "starts_on__year"
        )
    )
    key = lambda row: (  # noqa: E731
        row["posting__prefecture"],
        row["posting__programme__name"] or "",
        row["posting__company__organization__name"],
        row["starts_on__year"],
    )
    groups = {key(row): [row["n"], row["done"], 0, 0, 0] for row in placed}
    surveys = OutcomeSurvey.objects.filter(
        responded_at__isnull=False,
        application__in=filters.applications(Application.objects.filter(status=Application.Status.COMPLETED)),
    )
    if filters.wave:
        surveys = surveys.filter(wave=filters.wave)
    latest = {}
    for row in surveys.order_by("application_id", "wave").values(
        "application_id",
        "works_in_host_prefecture",
        "has_job_offer",
        "application__posting__prefecture",
        "application__posting__programme__name",
        "application__posting__company__organization__name",
        "application__starts_on__year",
    ):
        latest[row["application_id"]] = row
    for row in latest.values():
        group = groups.get(
            (
                row["application__posting__prefecture"],
                row["application__posting__programme__name"] or "",
                row["application__posting__company__organization__name"],
                row["application__starts_on__year"],
            )
        )
        if group is None:
            continue
        group[2] += 1
        group[3] += 1 if row["works_in_host_prefecture"] else 0
        group[4] += 1 if row["has_job_offer"] else 0
    yield SUMMARY_HEADER
    wave = str(filters.wave) if filters.wave else "latest"
    for (prefecture, programme, company, cohort), (total, done, answered, stayed, offers) in groups.items():
        stay_share = _share(stayed, answered, suppress=True)
        offer_share = _share(offers, answered, suppress=True)
        yield [
            prefectures.get(prefecture, prefecture),
            programme,
            company,
            cohort or "",
            wave,
            _count(total, True),
            _count(done, True),
            _count(answered, True),
            stay_share["part"],
            "" if stay_share["percent"] is None else stay_share["percent"],
            offer_share["part"],
            "" if offer_share["percent"] is None else offer_share["percent"],
        ]


def export_rows():
    """One row per placement for the CSV export (no names: the export may travel)."""
    answered = Prefetch("surveys", queryset=OutcomeSurvey.objects.filter(responded_at__isnull=False).order_by("wave"))
    applications = (
        placements().select_related("posting__company__organization").prefetch_related(answered).order_by("pk")
    )
    prefectures = dict(Prefecture.choices)
    yield [
        "application",
        "posting",
        "company",
        "prefecture",
        "mode",
        "paid",
        "status",
        "starts_on",
        "ends_on",
        "completed_on",
        "job_offer",
        "works_in_host_prefecture",
    ]
    for application in applications:
        posting = application.posting
        surveys = list(application.surveys.all())
        last = surveys[-1] if surveys else None
        yield [
            application.pk,
            posting.title,
            posting.company.organization.name,
            prefectures.get(posting.prefecture, posting.prefecture),
            posting.get_mode_display(),
            "yes" if posting.is_paid else "no",
            application.status,
            application.starts_on or "",
            application.ends_on or "",
            application.completed_at.date() if application.completed_at else "",
            "" if last is None else ("yes" if last.has_job_offer else "no"),
            "" if last is None else ("yes" if last.works_in_host_prefecture else "no"),
        ]
