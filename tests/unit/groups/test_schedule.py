"""The days a group meets, from its recurrence."""

from __future__ import annotations

import datetime as dt

from linkwork.groups.models import Recurrence
from linkwork.groups.schedule import meeting_days

TUESDAY = 1


def _days(recurrence: str, first_on: dt.date, start: dt.date, end: dt.date) -> list[dt.date]:
    return list(
        meeting_days(
            recurrence=recurrence, weekday=TUESDAY, first_on=first_on, start=start, end=end
        )
    )


def test_weekly_group_meets_every_tuesday_from_its_first_session():
    days = _days(Recurrence.WEEKLY, dt.date(2026, 3, 4), dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert days == [
        dt.date(2026, 3, 10),
        dt.date(2026, 3, 17),
        dt.date(2026, 3, 24),
        dt.date(2026, 3, 31),
    ]


def test_fortnightly_group_keeps_its_weeks_whatever_the_start():
    first = dt.date(2026, 3, 3)  # a Tuesday
    from_first = _days(Recurrence.FORTNIGHTLY, first, first, dt.date(2026, 4, 30))
    later = _days(Recurrence.FORTNIGHTLY, first, dt.date(2026, 3, 11), dt.date(2026, 4, 30))
    assert from_first == [
        dt.date(2026, 3, 3),
        dt.date(2026, 3, 17),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 14),
        dt.date(2026, 4, 28),
    ]
    assert later == from_first[1:]


def test_monthly_group_meets_on_the_first_tuesday():
    days = _days(Recurrence.MONTHLY, dt.date(2026, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 4, 1))
    assert days == [dt.date(2026, 1, 6), dt.date(2026, 2, 3), dt.date(2026, 3, 3)]


def test_no_days_before_the_first_session():
    assert (
        _days(Recurrence.WEEKLY, dt.date(2027, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        == []
    )
