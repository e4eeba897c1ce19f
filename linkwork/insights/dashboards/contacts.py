"""Contacts by mode and outcome, and each link worker's caseload against the safe limits.

One grouped query over the contact facts (contacts made in the period); the caseloads are
today's, read by `referrals.capacity` in its fixed three queries, and the schemes in one more.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count

from linkwork.accounts.models import Scheme
from linkwork.casework.models import Mode, Outcome
from linkwork.insights import scope
from linkwork.insights.figures import percent
from linkwork.insights.model import Column, Dashboard, Filters, Table
from linkwork.referrals import capacity

TITLE = "Contacts and caseloads"
SUMMARY = "Contacts by mode and outcome; each link worker's caseload against the safe limit."


def contact_rows(filters: Filters) -> list[dict[str, object]]:
    counts: dict[str, Counter[str]] = {}
    for row in (
        scope.facts(filters).contacts.values("mode", "outcome").annotate(n=Count("pk")).order_by()
    ):
        counts.setdefault(row["mode"], Counter())[row["outcome"]] += row["n"]
    out = []
    for mode in Mode:
        given = counts.get(mode.value, Counter())
        total = sum(given.values())
        out.append(
            {
                "mode": mode.label,
                "count": total,
                "attended_count": given[Outcome.ATTENDED],
                "did_not_attend_count": given[Outcome.DID_NOT_ATTEND],
                "cancelled_count": given[Outcome.CANCELLED],
                "did_not_attend_percent": percent(given[Outcome.DID_NOT_ATTEND], total),
            }
        )
    return out


CONTACT_COLUMNS = [
    Column("mode", "Mode"),
    Column("count", "Contacts", "count"),
    Column("attended_count", "Attended", "count"),
    Column("did_not_attend_count", "Did not attend", "count"),
    Column("cancelled_count", "Cancelled", "count"),
    Column(
        "did_not_attend_percent",
        "% did not attend",
        "percent",
        ("count", "did_not_attend_count"),
    ),
]


def build(filters: Filters) -> Dashboard:
    contacts = Table(
        "contacts_by_mode",
        "Contacts by mode and outcome",
        CONTACT_COLUMNS,
        contact_rows(filters),
        chart="bar",
        note="Contacts made in the period, of referrals matching the other filters.",
    )
    schemes = list(Scheme.objects.filter(pk__in=filters.schemes).order_by("name"))
    loads = capacity.scheme_loads(schemes)
    rows = []
    for scheme in schemes:
        for load in loads.get(scheme.pk, []):
            if filters.link_worker is not None and load.worker.pk != filters.link_worker:
                continue
            rows.append(
                {
                    "link_worker": load.worker.full_name,
                    "scheme": scheme.name,
                    "active_count": load.active_people,
                    "active_weighted": load.active_weighted,
                    "active_limit": load.active_limit,
                    "year_count": load.year_people,
                    "yearly_limit": load.yearly_limit,
                    "status": load.status.label,
                }
            )
    caseloads = Table(
        "caseloads",
        "Caseload per link worker against the safe limits",
        [
            Column("link_worker", "Link worker"),
            Column("scheme", "Scheme"),
            Column("active_count", "People now", "count"),
            Column("active_weighted", "Weighted load now", "number", ("active_count",)),
            Column("active_limit", "Limit at once", "number"),
            Column("year_count", "People in the last 12 months", "count"),
            Column("yearly_limit", "Yearly limit", "number"),
            Column("status", "Status", "text", ("active_count", "year_count")),
        ],
        rows,
        note="Today's caseloads, whatever the dates chosen: complex people count 1.5, very "
        "complex 2.",
    )
    return Dashboard("contacts", TITLE, [contacts, caseloads])
