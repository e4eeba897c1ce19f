"""Unmet need: needs with no active, recently checked service near the person's home, and
connections a provider declined or waitlisted for want of space.

"Near" is within `LINKWORK_UNMET_NEED_KM` kilometres (5 unless set) of the person's postcode
(the postcode table loaded by `linkwork import-postcodes`), counting only services met in
person: an online service is no help to someone without digital access, and the directory
cannot say who has it. A service is fresh when checked within the listing stale limit.

Five queries: the referral facts grouped by postcode and needs, those postcodes' positions,
the fresh active services' venues, their categories, and connections per service.
"""

from __future__ import annotations

import bisect
from collections import Counter
from typing import Any

from django.conf import settings
from django.db.models import Count

from linkwork.core.postcodes import InvalidPostcode, normalise_postcode
from linkwork.directory.geography import haversine_km
from linkwork.directory.models import (
    Attribute,
    Entity,
    LinkType,
    Postcode,
    Service,
    ServiceAtLocation,
    ServiceStatus,
)
from linkwork.directory.taxonomy import LINKWORK_TAXONOMY_ID
from linkwork.insights import scope
from linkwork.insights.dashboards.connections import per_service
from linkwork.insights.facts import needs_of
from linkwork.insights.figures import percent
from linkwork.insights.model import Column, Dashboard, Filters, Table
from linkwork.vocabulary.categories import categories_for_needs
from linkwork.vocabulary.needs import Need

TITLE = "Unmet need"
SUMMARY = "Needs with no fresh service nearby; connections declined or waitlisted for capacity."
KM_PER_DEGREE_LATITUDE = 111.0


def distance_km() -> float:
    return float(getattr(settings, "LINKWORK_UNMET_NEED_KM", 5))


def _normal(postcode: str) -> str:
    try:
        return normalise_postcode(postcode)
    except InvalidPostcode:
        return ""


class Venues:
    """Venues of one need's services, sorted by latitude so a search looks at a strip only."""

    def __init__(self, points: list[tuple[float, float]]) -> None:
        self.points = sorted(points)
        self.latitudes = [lat for lat, _ in self.points]

    def any_within(self, lat: float, lon: float, km: float) -> bool:
        span = km / KM_PER_DEGREE_LATITUDE
        start = bisect.bisect_left(self.latitudes, lat - span)
        end = bisect.bisect_right(self.latitudes, lat + span)
        return any(
            haversine_km(lat, lon, p_lat, p_lon) <= km for p_lat, p_lon in self.points[start:end]
        )


def _venues_by_need() -> dict[str, Venues]:
    fresh = Service.objects.fresh().filter(status=ServiceStatus.ACTIVE, delivers_in_person=True)
    places: dict[Any, list[tuple[float, float]]] = {}
    for service_id, lat, lon in ServiceAtLocation.objects.filter(
        service__in=fresh, location__latitude__isnull=False, location__longitude__isnull=False
    ).values_list("service_id", "location__latitude", "location__longitude"):
        if lat is not None and lon is not None:
            places.setdefault(service_id, []).append((lat, lon))
    by_category: dict[str, list[tuple[float, float]]] = {}
    for service_id, code in Attribute.objects.filter(
        link_entity=Entity.SERVICE,
        link_type=LinkType.CATEGORY,
        taxonomy_term__taxonomy_id=LINKWORK_TAXONOMY_ID,
        link_id__in=fresh.values("id"),
    ).values_list("link_id", "taxonomy_term__code"):
        by_category.setdefault(code, []).extend(places.get(service_id, []))
    return {
        need: Venues(
            [p for code in categories_for_needs([need]) for p in by_category.get(code, [])]
        )
        for need in Need.values
    }


def need_rows(filters: Filters) -> list[dict[str, Any]]:
    groups = [
        {"person__postcode": row["postcode"], "needs": needs_of(row["needs_key"]), "n": row["n"]}
        for row in scope.facts(filters)
        .referrals.values("postcode", "needs_key")
        .annotate(n=Count("pk"))
        .order_by()
    ]
    codes = {_normal(row["person__postcode"] or "") for row in groups} - {""}
    positions = {
        code: (lat, lon)
        for code, lat, lon in Postcode.objects.filter(postcode__in=codes).values_list(
            "postcode", "latitude", "longitude"
        )
    }
    venues = _venues_by_need()
    km = distance_km()
    total: Counter[str] = Counter()
    unmet: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    answers: dict[tuple[str, str], bool] = {}
    for row in groups:
        where = positions.get(_normal(row["person__postcode"] or ""))
        for need in set(row["needs"] or []):
            if need not in venues:
                continue
            total[need] += row["n"]
            if where is None:
                unknown[need] += row["n"]
                continue
            key = (need, _normal(row["person__postcode"]))
            if key not in answers:
                answers[key] = venues[need].any_within(where[0], where[1], km)
            if not answers[key]:
                unmet[need] += row["n"]
    labels = dict(Need.choices)
    return [
        {
            "need": labels[need],
            "count": total[need],
            "unmet_count": unmet[need],
            "unmet_percent": percent(unmet[need], total[need] - unknown[need]),
            "unknown_location_count": unknown[need],
        }
        for need in sorted(total, key=lambda need: (-unmet[need], labels[need]))
    ]


def build(filters: Filters) -> Dashboard:
    km = distance_km()
    needs = Table(
        "unmet_need",
        f"Needs with no fresh, active service within {km:g} km",
        [
            Column("need", "Need"),
            Column("count", "Referrals with this need", "count"),
            Column("unmet_count", f"No service within {km:g} km", "count"),
            Column(
                "unmet_percent",
                "% with no service nearby",
                "percent",
                ("count", "unmet_count", "unknown_location_count"),
            ),
            Column("unknown_location_count", "Home postcode not found", "count"),
        ],
        need_rows(filters),
        chart="bar",
        note="Services met in person, active and checked within the listing stale limit, in a "
        "category that meets the need.",
    )
    capacity_rows = [
        {
            "service": row["service__name"],
            "provider": row["service__organization__name"],
            "count": row["n"],
            "no_capacity_count": row["no_capacity"],
            "waitlisted_count": row["waitlisted"],
        }
        for row in per_service(filters)
        if row["no_capacity"] or row["waitlisted"]
    ]
    capacity_rows.sort(
        key=lambda r: (-(r["no_capacity_count"] + r["waitlisted_count"]), r["service"])
    )
    capacity = Table(
        "over_capacity",
        "Connections declined or waitlisted for capacity",
        [
            Column("service", "Service"),
            Column("provider", "Provider"),
            Column("count", "Connections", "count"),
            Column("no_capacity_count", "Declined: no space", "count"),
            Column("waitlisted_count", "Put on a waiting list", "count"),
        ],
        capacity_rows,
    )
    return Dashboard("unmet-need", TITLE, [needs, capacity])
