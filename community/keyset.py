"""Keyset pagination for the long, newest-first lists (a group's posts, the member's feed,
notifications).

`?page=N` costs an OFFSET that grows with N and a COUNT of the whole list; here a page is
continued from the last row shown (`?after=<microseconds>-<pk>`, the row's position in the
order `-created_at, -pk`), which the (…, created_at) indexes answer in the same time on the
first page and the thousandth. The trade-off: no "page 7 of 300", only newer and older.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PARAM = "after"


def cursor_of(row, field="created_at") -> str:
    moment = getattr(row, field)
    return f"{(moment - EPOCH) // timedelta(microseconds=1)}-{row.pk}"


def parse_cursor(value: str) -> tuple[datetime, int] | None:
    """The position in a cursor, or None for anything that is not one (then: the first page)."""
    micros, _, pk = (value or "").partition("-")
    if not (micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()) or len(micros) > 18:
        return None
    try:
        return EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except OverflowError:
        return None


@dataclass
class KeysetPage:
    object_list: list
    next_cursor: str  # "" on the last page
    is_first: bool

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor) or not self.is_first


def older_than(moment, pk, *, field="created_at") -> Q:
    """The rows after the position (moment, pk) in the order `-field, -pk`."""
    return Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk})


def keyset_page(request, queryset, *, per_page=20, field="created_at") -> KeysetPage:
    """The page of `queryset` (newest first) that follows the request's cursor."""
    position = parse_cursor(request.GET.get(PARAM, ""))
    queryset = queryset.order_by(f"-{field}", "-pk")
    if position is not None:
        queryset = queryset.filter(older_than(*position, field=field))
    return page_of(list(queryset[: per_page + 1]), per_page=per_page, is_first=position is None, field=field)


def page_of(rows: list, *, per_page: int, is_first: bool, field="created_at") -> KeysetPage:
    """The page made of the rows a query read for it: up to `per_page + 1`, newest first, from
    the cursor's position on (one more than the page tells whether an older page follows)."""
    more = len(rows) > per_page
    rows = rows[:per_page]
    return KeysetPage(
        object_list=rows,
        next_cursor=cursor_of(rows[-1], field) if more and rows else "",
        is_first=is_first,
    )
