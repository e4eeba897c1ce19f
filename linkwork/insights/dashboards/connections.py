"""Connections: by category and by provider; each provider's acceptance rate and response
time in working days; the share with supported linking.

Two queries: the connection facts grouped per service and working days to answer (with their
outcomes counted in the same query), and the categories of those services.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q

from linkwork.casework.lifecycle import ConnectionStatus, RejectionReason
from linkwork.directory.models import Attribute, Entity, LinkType, Service
from linkwork.directory.taxonomy import LINKWORK_TAXONOMY_ID
from linkwork.insights import scope
from linkwork.insights.figures import percent, percentile
from linkwork.insights.model import Column, Dashboard, Filters, Table
from linkwork.vocabulary.categories import CATEGORIES

TITLE = "Connections"
SUMMARY = "Connections by category and provider, acceptance, response times, supported linking."
# A connection a provider was asked to take (drafts and signposting ask nobody).
ASKED = ~Q(status__in=[ConnectionStatus.DRAFT, ConnectionStatus.SIGNPOSTED])
TAKEN_ON = (
    ConnectionStatus.ACCEPTED,
    ConnectionStatus.IN_PROGRESS,
    ConnectionStatus.ON_HOLD,
    ConnectionStatus.COMPLETED,
)


def per_service(filters: Filters) -> list[dict[str, Any]]:
    """Each service's connections in one grouped query over the connection facts: asked,
    answered, accepted, supported, waitlisted and refused for capacity; with `days`, the
    working days a provider took to answer (None when not answered or never asked).

    The facts are grouped by the service's id alone (a narrow grouping, no text), and the
    names of the services and their organisations read afterwards for the groups found."""
    rows = list(
        scope.facts(filters)
        .connections.values("service_id", "response_days")
        .annotate(
            n=Count("pk"),
            asked=Count("pk", filter=ASKED),
            answered=Count("pk", filter=Q(responded=True)),
            accepted=Count("pk", filter=Q(responded=True) & ~Q(status=ConnectionStatus.REJECTED)),
            supported=Count("pk", filter=Q(supported_linking=True)),
            waitlisted=Count("pk", filter=Q(waiting_list=True)),
            no_capacity=Count(
                "pk",
                filter=Q(
                    status=ConnectionStatus.REJECTED, rejection_reason=RejectionReason.NO_CAPACITY
                ),
            ),
        )
        .order_by()
    )
    named = service_names({row["service_id"] for row in rows})
    services: dict[Any, dict[str, Any]] = {}
    counted = ("n", "asked", "answered", "accepted", "supported", "waitlisted", "no_capacity")
    for row in rows:
        if row["service_id"] not in named:
            continue  # as an inner join with the directory would: a service no longer listed
        entry = services.setdefault(
            row["service_id"],
            {"service_id": row["service_id"], **named[row["service_id"]], "days": Counter()},
        )
        for key in counted:
            entry[key] = entry.get(key, 0) + row[key]
        if row["response_days"] is not None:
            entry["days"][row["response_days"]] += row["n"]
    return sorted(
        services.values(),
        key=lambda r: (r["service__organization__name"], r["service__name"]),
    )


NAMES = (
    "name",
    "organization_id",
    "organization__name",
    "funded_for_social_prescribing",
)


def service_names(ids: set[Any]) -> dict[Any, dict[str, Any]]:
    """The name, organisation and funding of each of these services, in one query."""
    return {
        row["id"]: {f"service__{key}": row[key] for key in NAMES}
        for row in Service.objects.filter(pk__in=sorted(ids)).values("id", *NAMES)
    }


def build(filters: Filters) -> Dashboard:
    services = per_service(filters)
    categories = (
        Attribute.objects.filter(
            link_entity=Entity.SERVICE,
            link_type=LinkType.CATEGORY,
            taxonomy_term__taxonomy_id=LINKWORK_TAXONOMY_ID,
            link_id__in=[row["service_id"] for row in services],
        )
        .values_list("link_id", "taxonomy_term__code")
        .distinct()
    )
    of_service: dict[Any, set[str]] = {}
    for service_id, code in categories:
        of_service.setdefault(service_id, set()).add(code)
    by_category: Counter[str] = Counter()
    for row in services:
        for code in of_service.get(row["service_id"], {""}):
            by_category[code] += row["n"]
    category_table = Table(
        "connections_by_category",
        "Connections by category",
        [Column("category", "Category"), Column("count", "Connections", "count")],
        [
            {"category": CATEGORIES[code].name if code in CATEGORIES else "No category", "count": n}
            for code, n in sorted(by_category.items(), key=lambda i: (-i[1], i[0]))
        ],
        chart="bar",
        note="A connection to a service in several categories counts once under each.",
    )

    waits: dict[Any, Counter[int]] = {}
    for row in services:
        waits.setdefault(row["service__organization_id"], Counter()).update(row["days"])
    providers: dict[Any, dict[str, Any]] = {}
    for row in services:
        org = row["service__organization_id"]
        entry = providers.setdefault(
            org,
            {
                "provider": row["service__organization__name"],
                "count": 0,
                "asked_count": 0,
                "answered_count": 0,
                "accepted_count": 0,
            },
        )
        entry["count"] += row["n"]
        entry["asked_count"] += row["asked"]
        entry["answered_count"] += row["answered"]
        entry["accepted_count"] += row["accepted"]
    provider_rows = []
    for org, entry in sorted(providers.items(), key=lambda i: (-i[1]["count"], i[1]["provider"])):
        days = waits.get(org, Counter())
        provider_rows.append(
            {
                **entry,
                "acceptance_percent": percent(entry["accepted_count"], entry["answered_count"]),
                "median_response_days": percentile(days, 0.5),
            }
        )
    provider_table = Table(
        "connections_by_provider",
        "Connections by provider: acceptance and response time",
        [
            Column("provider", "Provider"),
            Column("count", "Connections", "count"),
            Column("asked_count", "Requests sent", "count"),
            Column("answered_count", "Answered", "count"),
            Column("accepted_count", "Accepted", "count"),
            Column(
                "acceptance_percent",
                "Acceptance rate %",
                "percent",
                ("answered_count", "accepted_count"),
            ),
            Column(
                "median_response_days",
                "Median answer (working days)",
                "number",
                ("answered_count",),
            ),
        ],
        provider_rows,
        chart="bar",
    )
    total = sum(row["n"] for row in services)
    supported = sum(row["supported"] for row in services)
    linking = Table(
        "supported_linking",
        "Supported linking",
        [
            Column("count", "Connections", "count"),
            Column("supported_count", "With supported linking", "count"),
            Column(
                "supported_percent",
                "% with supported linking",
                "percent",
                ("count", "supported_count"),
            ),
        ],
        [
            {
                "count": total,
                "supported_count": supported,
                "supported_percent": percent(supported, total),
            }
        ],
        note="Supported linking: the link worker goes along the first time.",
    )
    return Dashboard("connections", TITLE, [category_table, provider_table, linking])
