"""Working-day deadlines skip weekends and bank holidays (England and Wales by default)."""

import datetime as dt

import pytest

from linkwork.referrals.working_days import is_working_day, working_days_after, working_days_between

D = dt.date


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (D(2026, 11, 23), 2, D(2026, 11, 25)),  # Monday + 2 = Wednesday
        (D(2026, 11, 26), 2, D(2026, 11, 30)),  # Thursday + 2 skips the weekend
        (D(2026, 11, 28), 1, D(2026, 11, 30)),  # from a Saturday
        (D(2026, 12, 24), 2, D(2026, 12, 30)),  # Christmas Day and the Boxing Day substitute
        (D(2026, 4, 2), 2, D(2026, 4, 8)),  # Good Friday and Easter Monday 2026
        (D(2026, 5, 22), 1, D(2026, 5, 26)),  # the spring bank holiday, 25 May 2026
        (D(2026, 8, 28), 1, D(2026, 9, 1)),  # the summer bank holiday, 31 August 2026
        (D(2026, 11, 23), 10, D(2026, 12, 7)),  # a provider's 10 working days
        (D(2026, 12, 18), 10, D(2027, 1, 6)),  # 10 working days over Christmas and New Year
        (D(2026, 11, 23), 0, D(2026, 11, 23)),
    ],
)
def test_working_days_after_skips_weekends_and_bank_holidays(start, days, due):
    assert working_days_after(start, days) == due


def test_bank_holidays_are_not_working_days():
    assert not is_working_day(D(2026, 12, 25))
    assert not is_working_day(D(2026, 12, 28))  # Boxing Day falls on a Saturday in 2026
    assert is_working_day(D(2026, 12, 29))


def test_scottish_calendar_differs(settings):
    settings.LINKWORK_BANK_HOLIDAYS = "SCT"
    assert not is_working_day(D(2027, 1, 4))  # 2 January holiday, substituted in Scotland
    settings.LINKWORK_BANK_HOLIDAYS = "ENG"
    assert is_working_day(D(2027, 1, 4))


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(D(2026, 12, 24), D(2026, 12, 31)) == 3
    assert working_days_between(D(2026, 12, 31), D(2026, 12, 24)) == 0


def test_negative_days_refused():
    with pytest.raises(ValueError, match="negative"):
        working_days_after(D(2026, 1, 1), -1)
