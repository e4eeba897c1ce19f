"""The dates a group meets, from its recurrence: a pure function of dates, so it is tested
without a database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from linkwork.groups.models import Recurrence

# How far ahead sessions are made.
WEEKS_AHEAD = 8


def _first_weekday_of_month(year: int, month: int, weekday: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7)


def meeting_days(
    *, recurrence: str, weekday: int, first_on: dt.date, start: dt.date, end: dt.date
) -> Iterator[dt.date]:
    """The days from `start` to `end` (both included) on which the group meets: never before
    its first session. Weekly and fortnightly groups meet on `weekday`, fortnightly ones every
    second week counted from the week of `first_on`; monthly ones on the first `weekday` of
    each month."""
    start = max(start, first_on)
    if start > end:
        return
    if recurrence == Recurrence.MONTHLY:
        year, month = start.year, start.month
        while True:
            day = _first_weekday_of_month(year, month, weekday)
            if day > end:
                return
            if day >= start:
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    step = 14 if recurrence == Recurrence.FORTNIGHTLY else 7
    # The first meeting on or after the first session, then every `step` days.
    anchor = first_on + dt.timedelta(days=(weekday - first_on.weekday()) % 7)
    if start > anchor:
        behind = (start - anchor).days
        anchor += dt.timedelta(days=-(-behind // step) * step)
    day = anchor
    while day <= end:
        yield day
        day += dt.timedelta(days=step)
