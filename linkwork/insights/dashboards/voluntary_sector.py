"""Voluntary-sector demand: the connections each provider organisation received and the people
it took on, split by whether the service is funded for social prescribing referrals, so that
demand nobody pays for is visible.

Two grouped queries over the connection facts (`per_provider`), and the names.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Count

from linkwork.directory.models import Organization
from linkwork.insights import scope
from linkwork.insights.dashboards.connections import ASKED, TAKEN_ON, service_names
from linkwork.insights.figures import percent
from linkwork.insights.model import Column, Dashboard, Filters, Table

TITLE = "Voluntary-sector demand"
SUMMARY = "Connections and people per provider, split by whether the service is funded."


def per_provider(filters: Filters) -> list[dict[str, Any]]:
    """Connections received and people taken on per provider organisation and funding, most
    received first. Two queries over the connection facts, each hashed by narrow keys: the
    requests per service (their organisation, funding and names read afterwards for the
    services found), and the distinct people taken on per organisation and funding (people
    first made distinct, then counted: no sort of every connection)."""
    connections = scope.facts(filters).connections
    asked = dict(
        connections.values("service_id")
        .annotate(n=Count("pk", filter=ASKED))
        .order_by()
        .values_list("service_id", "n")
    )
    named = service_names(set(asked))
    groups: dict[tuple[Any, Any], dict[str, Any]] = {}

    def group(organisation: Any, funded: Any) -> dict[str, Any]:
        return groups.setdefault(
            (organisation, funded),
            {
                "service__organization_id": organisation,
                "service__funded_for_social_prescribing": funded,
                "received": 0,
                "people": 0,
            },
        )

    for service_id, n in asked.items():
        if service_id in named:  # as an inner join with the directory would
            service = named[service_id]
            key = (
                service["service__organization_id"],
                service["service__funded_for_social_prescribing"],
            )
            group(*key)["received"] += n
    inner, params = (
        connections.filter(status__in=TAKEN_ON)
        .values("person_id", "service__organization_id", "service__funded_for_social_prescribing")
        .distinct()
        .query.sql_with_params()
    )
    keys = ", ".join(
        connection.ops.quote_name(c)
        for c in ("service__organization_id", "service__funded_for_social_prescribing")
    )
    # The names are the inner query's own aliases, quoted; every value is a parameter.
    sql = f"SELECT {keys}, COUNT(*) FROM ({inner}) d GROUP BY {keys}"  # noqa: S608 # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    as_id = Organization._meta.pk.to_python  # a raw cursor gives SQLite's UUIDs as text
    for organisation, funded, people in found:
        group(as_id(organisation), bool(funded))["people"] += people
    names = dict(
        Organization.objects.filter(pk__in=sorted({o for o, _ in groups})).values_list("pk", "name")
    )
    return sorted(
        (
            {**row, "service__organization__name": names.get(organisation, "")}
            for (organisation, _), row in groups.items()
        ),
        key=lambda row: (
            -row["received"],
            row["service__organization__name"],
            not row["service__funded_for_social_prescribing"],
        ),
    )


def build(filters: Filters) -> Dashboard:
    rows = per_provider(filters)
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
