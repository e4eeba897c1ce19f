"""Connections: by category and by provider; each provider's acceptance rate and response
time in working days; the share with supported linking.

Three grouped queries: connections per service (with their outcomes counted in the same
query), the categories of those services, and request and answer days per provider.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from linkwork.casework.lifecycle import ConnectionStatus, RejectionReason
from linkwork.directory.models import Attribute, Entity, LinkType
from linkwork.directory.taxonomy import LINKWORK_TAXONOMY_ID
from linkwork.insights import scope
from linkwork.insights.figures import percent, percentile, working_day_waits
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
    """Each service's connections in one grouped query: asked, answered, accepted, supported,
    waitlisted, refused for capacity, and the people taken on."""
    answered = Q(responded_at__isnull=False)
    return list(
        scope.records(filters)
        .connections.values(
            "service_id",
            "service__name",
            "service__organization_id",
            "service__organization__name",
            "service__funded_for_social_prescribing",
        )
        .annotate(
            n=Count("id"),
            asked=Count("id", filter=ASKED),
            answered=Count("id", filter=answered),
            accepted=Count("id", filter=answered & ~Q(status=ConnectionStatus.REJECTED)),
            supported=Count("id", filter=Q(supported_linking=True)),
            waitlisted=Count("id", filter=Q(waiting_list=True)),
            no_capacity=Count(
                "id",
                filter=Q(
                    status=ConnectionStatus.REJECTED, rejection_reason=RejectionReason.NO_CAPACITY
                ),
            ),
            people=Count("referral__person_id", distinct=True, filter=Q(status__in=TAKEN_ON)),
        )
        .order_by("service__organization__name", "service__name")
    )


def response_days(filters: Filters) -> dict[Any, Counter[int]]:
    """Working days from request to answer, per provider organisation."""
    rows = (
        scope.records(filters)
        .connections.filter(requested_at__isnull=False, responded_at__isnull=False)
        .annotate(asked_on=TruncDate("requested_at"), answered_on=TruncDate("responded_at"))
        .values("service__organization_id", "asked_on", "answered_on")
        .annotate(n=Count("id"))
        .order_by()
    )
    grouped: dict[Any, list[tuple[Any, Any, int]]] = {}
    for row in rows:
        grouped.setdefault(row["service__organization_id"], []).append(
            (row["asked_on"], row["answered_on"], row["n"])
        )
    every = [pair for pairs in grouped.values() for pair in pairs]
    span = (min(p[0] for p in every), max(p[1] for p in every)) if every else None
    return {org: working_day_waits(pairs, span) for org, pairs in grouped.items()}


def build(filters: Filters) -> Dashboard:
    services = per_service(filters)
    categories = (
        Attribute.objects.filter(
            link_entity=Entity.SERVICE,
            link_type=LinkType.CATEGORY,
            taxonomy_term__taxonomy_id=LINKWORK_TAXONOMY_ID,
            link_id__in=scope.records(filters).connections.values("service_id"),
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

    waits = response_days(filters)
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
