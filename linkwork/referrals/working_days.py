"""Working days: weekdays that are not bank holidays, for triage and response deadlines.

Bank holidays come from the `holidays` package's UK calendar for the deployment's nation
(LINKWORK_BANK_HOLIDAYS: ENG for England and Wales, SCT for Scotland, NIR for Northern
Ireland).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=4)
def _calendar(nation: str) -> holidays.HolidayBase:
    # England and Wales share bank holidays; the package calls the pair ENG.
    return holidays.country_holidays("GB", subdiv=nation, years=range(2015, 2040))


def bank_holidays() -> holidays.HolidayBase:
    return _calendar(getattr(settings, "LINKWORK_BANK_HOLIDAYS", "ENG"))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays()


def working_days_after(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (which need not be a working day)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`; 0 when `end` is not later."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
