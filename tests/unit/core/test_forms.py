"""The date field judges "in the past" by the day in Europe/London, whatever zone the
process clock is in."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django import forms

from linkwork.core.forms import DatePartsField

UTC = zoneinfo.ZoneInfo("UTC")


def parts(day: dt.date) -> dict[str, str]:
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def test_past_date_is_judged_by_the_london_day_not_the_process_clock(time_machine):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST); the process clock says UTC.
    time_machine.move_to(dt.datetime(2028, 6, 30, 23, 30, tzinfo=UTC), tick=False)
    field = DatePartsField(what="Date of birth", past=True)
    assert field.clean(parts(dt.date(2028, 6, 30))) == dt.date(2028, 6, 30)
    with pytest.raises(forms.ValidationError, match="must be in the past"):
        field.clean(parts(dt.date(2028, 7, 1)))


def test_29_february_is_a_real_date_and_in_the_past_the_next_day(time_machine):
    time_machine.move_to(dt.datetime(2028, 3, 1, 9, tzinfo=zoneinfo.ZoneInfo("Europe/London")))
    field = DatePartsField(what="Date of birth", past=True)
    assert field.clean(parts(dt.date(2028, 2, 29))) == dt.date(2028, 2, 29)
    with pytest.raises(forms.ValidationError, match="must be a real date"):
        field.clean({"day": "29", "month": "2", "year": "2027"})
