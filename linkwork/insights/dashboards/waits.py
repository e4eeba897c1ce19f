"""Waiting times in working days (weekdays that are not bank holidays): from a referral being
received to its triage (accepted, declined or redirected), and to the person's first contact
with a link worker, as the median and the 90th percentile.

Two grouped queries: referrals counted per (day received, day of the event). Working days are
counted once for each distinct pair of days (`linkwork.referrals.working_days`, with the
deployment's bank holidays). Percentiles are nearest-rank: the median of 1, 2, 3, 4 is 2.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from linkwork.insights import scope
from linkwork.insights.figures import percentile, working_day_waits
from linkwork.insights.model import Column, Dashboard, Filters, Table
from linkwork.referrals.lifecycle import OPEN_STATUSES, Status
from linkwork.referrals.models import Referral

TITLE = "Waiting times"
SUMMARY = "Working days from referral to triage and to first contact: median and 90th percentile."


Group = tuple[dt.date, dt.date | None, str, int]


def _groups(referrals: QuerySet[Referral], event: Any) -> list[Group]:
    rows = (
        referrals.annotate(event_at=event)
        .annotate(start_day=TruncDate("received_at"), end_day=TruncDate("event_at"))
        .values("start_day", "end_day", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(row["start_day"], row["end_day"], row["status"], row["n"]) for row in rows]


def wait_row(measure: str, groups: list[Group], waiting: frozenset[str]) -> dict[str, object]:
    """One measure's row; `waiting` are the statuses in which a referral without the event
    is still waiting for it (a declined referral waits for no contact)."""
    waits = working_day_waits((start, end, n) for start, end, _, n in groups)
    return {
        "measure": measure,
        "count": sum(waits.values()),
        "median_days": percentile(waits, 0.5),
        "p90_days": percentile(waits, 0.9),
        "waiting_count": sum(
            n for _, end, status, n in groups if end is None and status in waiting
        ),
    }


COLUMNS = [
    Column("measure", "From referral received to"),
    Column("count", "Referrals", "count"),
    Column("median_days", "Median (working days)", "number", ("count",)),
    Column("p90_days", "90th percentile (working days)", "number", ("count",)),
    Column("waiting_count", "Still waiting", "count"),
]


def rows(filters: Filters) -> list[dict[str, object]]:
    referrals = scope.records(filters).referrals
    return [
        wait_row("Triage", _groups(referrals, scope.triaged_at()), frozenset({Status.RECEIVED})),
        wait_row("First contact", _groups(referrals, scope.first_contact_at()), OPEN_STATUSES),
    ]


def build(filters: Filters) -> Dashboard:
    table = Table(
        "waiting_times",
        "Waiting times in working days",
        COLUMNS,
        rows(filters),
        note="Working days exclude weekends and bank holidays. Referrals still waiting are "
        "counted, not timed.",
    )
    return Dashboard("waits", TITLE, [table])
