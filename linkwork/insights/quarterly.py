"""The quarterly return: referrals by route, people supported, contacts, waiting times and
outcome completion for one quarter, as one XLSX workbook with a sheet for each table (the
same columns as the CSV exports), small numbers suppressed.

Quarters are calendar quarters ("2026-Q2" is April to June 2026); without one, the last
complete quarter.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Count

from linkwork.casework.models import Outcome
from linkwork.insights import scope
from linkwork.insights.dashboards import contacts, outcomes, referrals, waits
from linkwork.insights.model import Column, Filters, Table

QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
MONTHS = ("January", "April", "July", "October")
LAST_MONTHS = ("March", "June", "September", "December")


def _bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    after = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, after - dt.timedelta(days=1)


def _quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def last_complete(today: dt.date) -> tuple[int, int]:
    year, quarter = _quarter_of(today)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def parse_quarter(text: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the quarter `text` ("2026-Q2") names, or of the last complete
    quarter when it is empty. A malformed quarter is an error naming the expected form."""
    if not text:
        return _bounds(*last_complete(today))
    match = QUARTER.match(text.strip())
    if not match:
        raise ValueError("Give the quarter as YYYY-QN, for example 2026-Q2.")
    return _bounds(int(match[1]), int(match[2]))


def quarter_name(start: dt.date) -> str:
    year, quarter = _quarter_of(start)
    return f"{year}-Q{quarter}"


def recent_quarters(today: dt.date, count: int = 4) -> list[tuple[str, str]]:
    """The last `count` complete quarters, newest first: (value, words)."""
    year, quarter = last_complete(today)
    found = []
    for _ in range(count):
        found.append(
            (f"{year}-Q{quarter}", f"{MONTHS[quarter - 1]} to {LAST_MONTHS[quarter - 1]} {year}")
        )
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return found


def people_supported(filters: Filters) -> Table:
    found = scope.records(filters)
    referred = found.referrals.aggregate(n=Count("person_id", distinct=True))["n"]
    supported = found.contacts.filter(outcome=Outcome.ATTENDED).aggregate(
        n=Count("referral__person_id", distinct=True)
    )["n"]
    return Table(
        "people_supported",
        "People referred and supported",
        [Column("measure", "Measure"), Column("count", "People", "count")],
        [
            {"measure": "People referred", "count": referred},
            {"measure": "People with a link worker contact", "count": supported},
        ],
    )


def tables(filters: Filters) -> list[Table]:
    """The return's tables for `filters` (their dates are the quarter's)."""
    routes = next(t for t in referrals.build(filters).tables if t.slug == "referrals_by_route")
    completion = next(t for t in outcomes.build(filters).tables if t.slug == "outcome_completion")
    return [
        routes,
        people_supported(filters),
        Table(
            "contacts_by_mode",
            "Contacts by mode and outcome",
            contacts.CONTACT_COLUMNS,
            contacts.contact_rows(filters),
        ),
        Table("waiting_times", "Waiting times in working days", waits.COLUMNS, waits.rows(filters)),
        completion,
    ]
