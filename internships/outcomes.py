"""Figures of the outcomes dashboard (reads only), drawn as inline SVG bars by the template."""

from django.db.models import Count, Prefetch

from community.choices import Prefecture

from .models import Application, OutcomeSurvey, Posting

PLACED = [Application.Status.COMPANY_ACCEPTED, Application.Status.IN_PROGRESS, Application.Status.COMPLETED]
STARTED = [Application.Status.IN_PROGRESS, Application.Status.COMPLETED]


BAR_MAX, ROW = 330, 44  # SVG user units of the 400-wide chart: label above, bar below


def _bars(rows: list[tuple[str, int]]) -> list[dict]:
    top = max((value for _label, value in rows), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(rows):
        width = max(round(BAR_MAX * value / top), 1)
        bars.append({"label": label, "value": value, "width": width, "y": index * ROW, "value_x": width + 6})
    return bars


def _share(part: int, whole: int) -> dict:
    return {"part": part, "whole": whole, "percent": round(100 * part / whole) if whole else None}


def placements():
    return Application.objects.filter(status__in=PLACED)


def dashboard() -> dict:
    placed = placements()
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
        Application.objects.filter(status__in=STARTED).values_list("status").annotate(n=Count("pk")).order_by()
    )
    completed = counts.get(Application.Status.COMPLETED, 0)
    started = sum(counts.values())
    answered = latest_answers()
    stayed = sum(1 for survey in answered.values() if survey.works_in_host_prefecture)
    offers = sum(1 for survey in answered.values() if survey.has_job_offer)
    height = lambda bars: max(len(bars), 1) * ROW  # noqa: E731
    prefecture_bars, mode_bars = _bars(by_prefecture), _bars(by_mode)
    return {
        "placements": placed.count(),
        "by_prefecture": prefecture_bars,
        "by_prefecture_height": height(prefecture_bars),
        "by_mode": mode_bars,
        "by_mode_height": height(mode_bars),
        "completion": _share(completed, started),
        "stayed": _share(stayed, len(answered)),
        "offers": _share(offers, len(answered)),
    }


def latest_answers() -> dict[int, OutcomeSurvey]:
    """The latest answered survey of each completed internship, by application id."""
    latest = {}
    for survey in OutcomeSurvey.objects.filter(
        responded_at__isnull=False, application__status=Application.Status.COMPLETED
    ).order_by("application_id", "wave"):
        latest[survey.application_id] = survey
    return latest


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
