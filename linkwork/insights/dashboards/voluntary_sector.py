"""Voluntary-sector demand: the connections each provider organisation received and the people
it took on, split by whether the service is funded for social prescribing referrals, so that
demand nobody pays for is visible.

One grouped query over the connection facts.
"""

from __future__ import annotations

from django.db.models import Count, Q

from linkwork.directory.models import Organization
from linkwork.insights import scope
from linkwork.insights.dashboards.connections import ASKED, TAKEN_ON
from linkwork.insights.figures import percent
from linkwork.insights.model import Column, Dashboard, Filters, Table

TITLE = "Voluntary-sector demand"
SUMMARY = "Connections and people per provider, split by whether the service is funded."


def build(filters: Filters) -> Dashboard:
    counted = list(
        scope.facts(filters)
        .connections.values(
            "service__organization_id",
            "service__funded_for_social_prescribing",
        )
        .annotate(
            received=Count("pk", filter=ASKED),
            people=Count("person_id", distinct=True, filter=Q(status__in=TAKEN_ON)),
        )
        .order_by()
    )
    # The names read after grouping, for the organisations found: the grouping stays narrow.
    names = dict(
        Organization.objects.filter(
            pk__in=sorted({row["service__organization_id"] for row in counted})
        ).values_list("pk", "name")
    )
    rows = sorted(
        (
            {**row, "service__organization__name": names[row["service__organization_id"]]}
            for row in counted
        ),
        key=lambda row: (-row["received"], row["service__organization__name"]),
    )
    table = Table(
        "voluntary_sector_demand",
        "Connections received and people supported, by provider",
        [
            Column("provider", "Provider organisation"),
            Column("funded", "Funded for social prescribing"),
            Column("received_count", "Connections received", "count"),
            Column("people_count", "People supported", "count"),
        ],
        [
            {
                "provider": row["service__organization__name"],
                "funded": "Yes" if row["service__funded_for_social_prescribing"] else "No",
                "received_count": row["received"],
                "people_count": row["people"],
            }
            for row in rows
            if row["received"] or row["people"]
        ],
        chart="bar",
    )
    funded = {True: [0, 0], False: [0, 0]}
    for row in rows:
        pair = funded[bool(row["service__funded_for_social_prescribing"])]
        pair[0] += row["received"]
        pair[1] += row["people"]
    total = funded[True][0] + funded[False][0]
    split = Table(
        "voluntary_sector_funding",
        "Funded and unfunded demand",
        [
            Column("funded", "Funded for social prescribing"),
            Column("received_count", "Connections received", "count"),
            Column("people_count", "People supported", "count"),
            Column("received_percent", "% of connections", "percent", ("received_count",)),
        ],
        [
            {
                "funded": "Yes" if flag else "No",
                "received_count": funded[flag][0],
                "people_count": funded[flag][1],
                "received_percent": percent(funded[flag][0], total),
            }
            for flag in (True, False)
        ],
        note="People supported: people a provider took on (accepted, attending or completed).",
    )
    return Dashboard("voluntary-sector", TITLE, [split, table])
