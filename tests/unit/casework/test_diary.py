"""The diary's days and weeks, and what a calendar event says (initials and reference only)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from linkwork.casework import diary
from linkwork.casework.models import Mode


@pytest.mark.parametrize(
    ("day", "view", "first", "last"),
    [
        (dt.date(2026, 12, 9), "day", dt.date(2026, 12, 9), dt.date(2026, 12, 9)),
        (dt.date(2026, 12, 9), "week", dt.date(2026, 12, 7), dt.date(2026, 12, 13)),
        # A Sunday belongs to the week that began the Monday before.
        (dt.date(2026, 12, 13), "week", dt.date(2026, 12, 7), dt.date(2026, 12, 13)),
        (dt.date(2026, 12, 14), "week", dt.date(2026, 12, 14), dt.date(2026, 12, 20)),
    ],
)
def test_span_of_a_day_or_week(day, view, first, last):
    span = diary.span_of(day, view)
    assert (span.first, span.last) == (first, last)
    assert len(span.dates()) == (7 if view == "week" else 1)
    assert span.next - span.previous == dt.timedelta(days=2 * span.days)


def test_a_week_across_the_clocks_going_back_is_seven_days():
    # The clocks go back on Sunday 25 October 2026: that week has an hour more.
    span = diary.span_of(dt.date(2026, 10, 25), "week")
    assert (span.first, span.last) == (dt.date(2026, 10, 19), dt.date(2026, 10, 25))
    utc = dt.UTC
    assert span.end.astimezone(utc) - span.start.astimezone(utc) == dt.timedelta(days=7, hours=1)


def _appointment(mode: str, place: str = "") -> SimpleNamespace:
    person = SimpleNamespace(given_name="rosa", family_name="Reed")
    return SimpleNamespace(mode=mode, place=place, referral=SimpleNamespace(person=person))


def test_initials_are_capitals_of_each_name():
    assert diary.initials(_appointment(Mode.PHONE)) == "RR"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mode", "place", "shown"),
    [
        (Mode.IN_PERSON, "Millbrook Library", "Millbrook Library"),
        (Mode.HOME_VISIT, "Flat 2, 1 High Street", "Home visit"),
        (Mode.PHONE, "07700 900123", "Phone"),
        (Mode.VIDEO, "https://meet.example/abc", "Video call"),
    ],
)
def test_an_event_never_carries_a_home_address_or_number(mode, place, shown):
    assert diary.where(_appointment(mode, place)) == shown  # type: ignore[arg-type]
