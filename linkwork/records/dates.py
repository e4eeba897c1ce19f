"""Calendar arithmetic for rights and retention: a month is a calendar month, not 30 days."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (or earlier, when negative); where that
    month is shorter, its last day: 31 January + 1 month is 28 February (29 in a leap year).

    This is how the ICO reads "one month" for answering a request (UK GDPR Article 12(3)):
    from the day it was received to the corresponding day of the next month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a year that has none."""
    return add_months(day, 12 * years)
