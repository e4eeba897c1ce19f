"""Waiting times in working days (weekdays that are not bank holidays): from a referral being
received to its triage (accepted, declined or redirected), and to the person's first contact
with a link worker, as the median and the 90th percentile.

One grouped query over the referral facts: referrals counted per (working days to triage,
working days to first contact, status). Working days are counted when the referral's records
change (`insights.facts`, with `linkwork.referrals.working_days` and the deployment's bank
holidays). Percentiles are nearest-rank: the median of 1, 2, 3, 4 is 2.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count

from linkwork.insights import scope
from linkwork.insights.figures import percentile
from linkwork.insights.model import Column, Dashboard, Filters, Table
from linkwork.referrals.lifecycle import OPEN_STATUSES, Status

TITLE = "Waiting times"
SUMMARY = "Working days from referral to triage and to first contact: median and 90th percentile."


def wait_row(
    measure: str, groups: list[tuple[int | None, str, int]], waiting: frozenset[str]
) -> dict[str, object]:
    """One measure's row from (working days waited or None, status, how many) groups;
    `waiting` are the statuses in which a referral without the event is still waiting for it
    (a declined referral waits for no contact)."""
    waits: Counter[int] = Counter()
    for days, _, n in groups:
        if days is not None:
            waits[days] += n
    return {
        "measure": measure,
        "count": sum(waits.values()),
        "median_days": percentile(waits, 0.5),
        "p90_days": percentile(waits, 0.9),
        "waiting_count": sum(n for days, status, n in groups if days is None and status in waiting),
    }


COLUMNS = [
    Column("measure", "From referral received to"),
    Column("count", "Referrals", "count"),
    Column("median_days", "Median (working days)", "number", ("count",)),
    Column("p90_days", "90th percentile (working days)", "number", ("count",)),
    Column("waiting_count", "Still waiting", "count"),
]


def rows(filters: Filters) -> list[dict[str, object]]:
    grouped = list(
        scope.facts(filters)
        .referrals.values("triage_wait", "first_contact_wait", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    triage = [(row["triage_wait"], row["status"], row["n"]) for row in grouped]
    contact = [(row["first_contact_wait"], row["status"], row["n"]) for row in grouped]
    return [
        wait_row("Triage", triage, frozenset({Status.RECEIVED})),
        wait_row("First contact", contact, OPEN_STATUSES),
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
