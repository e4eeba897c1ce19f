"""The filters of the Open Referral UK API, as query conditions that combine with AND.

Services are searched by relevance (`directory/fulltext.py`: stemmed words and synonyms in the
name, the description's plain text and the organisation's name); the other lists' free-text
search matches every word in the name or the description, case-insensitively. Distance
from a postcode is the haversine distance, after a bounding box on the indexed coordinates has
cut the candidates down to the few nearby locations.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, TypeVar

from django.db.models import ExpressionWrapper, F, FloatField, Model, Q, QuerySet, Value
from django.db.models.functions import ASin, Cos, Least, Power, Sin, Sqrt

from linkwork.directory.fulltext import relevant
from linkwork.directory.geography import EARTH_RADIUS_KM, Point, haversine_km
from linkwork.directory.models import Attribute, Entity, ServiceAtLocation
from linkwork.directory.oruk.attributes import TERMS_BY_ID, service_term_condition

# A longer search is someone pasting a paragraph: the first words are plenty.
MAX_SEARCH_WORDS: Final = 8
EARTH_RADIUS_M: Final = EARTH_RADIUS_KM * 1000
_RADIANS: Final = math.pi / 180
R = TypeVar("R", bound=Model)


def search_condition(text: str | None, fields: Sequence[str]) -> Q:
    """Every word of `text` appears in at least one of `fields`."""
    condition = Q()
    for word in (text or "").split()[:MAX_SEARCH_WORDS]:
        either = Q()
        for name in fields:
            either |= Q(**{f"{name}__icontains": word})
        condition &= either
    return condition


@dataclass(frozen=True)
class ServiceFilters:
    """The service filters of the ORUK API; None means not given."""

    search: str | None = None
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: datetime | None = None

    def apply(self, records: QuerySet[R], prefix: str = "") -> tuple[QuerySet[R], bool]:
        """The records that pass every filter; `prefix` "service__" for services at locations.
        With search text they are annotated with `relevance` (and the second value is True)."""
        records = records.filter(self.condition(prefix))
        found = relevant(records, self.search, anchor=f"{prefix}name")
        if found is None:
            return records, False
        return found.services, True

    def condition(self, prefix: str = "") -> Q:
        """Every filter but the search text."""
        condition = Q()
        if self.taxonomy_term_id is not None:
            term = TERMS_BY_ID.get(self.taxonomy_term_id)
            if term is not None:
                condition &= service_term_condition(term, prefix)
            else:
                linked = Attribute.objects.filter(
                    link_entity=Entity.SERVICE, taxonomy_term_id=self.taxonomy_term_id
                ).values("link_id")
                condition &= Q(**{f"{prefix}id__in": linked})
        if self.taxonomy_id is not None:
            linked = Attribute.objects.filter(
                link_entity=Entity.SERVICE, taxonomy_term__taxonomy_id=self.taxonomy_id
            ).values("link_id")
            condition &= Q(**{f"{prefix}id__in": linked})
        if self.organization_id is not None:
            condition &= Q(**{f"{prefix}organization_id": self.organization_id})
        if self.modified_after is not None:
            condition &= Q(**{f"{prefix}last_modified__gte": self.modified_after})
        return condition


def taxonomy_term_condition(
    *,
    search: str | None,
    taxonomy_id: uuid.UUID | None,
    parent_id: uuid.UUID | None,
    top_only: bool,
) -> Q:
    condition = search_condition(search, ("name", "description", "code"))
    if taxonomy_id is not None:
        condition &= Q(taxonomy_id=taxonomy_id)
    if parent_id is not None:
        condition &= Q(parent_id=parent_id)
    if top_only:
        condition &= Q(parent__isnull=True)
    return condition


def _box(centre: Point, within_m: float) -> Q:
    """Locations in a box that holds the circle: a degree of latitude is the same length
    everywhere, a degree of longitude shrinks with the cosine of the latitude."""
    margin = 1.001 * within_m / EARTH_RADIUS_M / _RADIANS
    box = Q(
        location__latitude__gte=centre.latitude - margin,
        location__latitude__lte=centre.latitude + margin,
    )
    shrink = math.cos(centre.latitude * _RADIANS)
    if shrink > 1e-6:
        box &= Q(
            location__longitude__gte=centre.longitude - margin / shrink,
            location__longitude__lte=centre.longitude + margin / shrink,
        )
    return box


def within(records: QuerySet[ServiceAtLocation], centre: Point, within_m: float) -> list[uuid.UUID]:
    """Ids of the services at locations within `within_m` metres of `centre`, nearest first.

    The box picks the few candidates on the coordinates index; the haversine distance keeps
    those really inside the circle and orders them (ties by id, so pages never overlap).
    """
    candidates = records.filter(_box(centre, within_m)).values_list(
        "id", "location__latitude", "location__longitude"
    )
    ranked = []
    for record_id, latitude, longitude in candidates:
        if latitude is None or longitude is None:
            continue
        metres = 1000 * haversine_km(centre.latitude, centre.longitude, latitude, longitude)
        if metres <= within_m:
            ranked.append((metres, record_id))
    ranked.sort()
    return [record_id for _, record_id in ranked]


def by_distance(records: QuerySet[ServiceAtLocation], centre: Point) -> QuerySet[ServiceAtLocation]:
    """Every service at a location, nearest to `centre` first, those without coordinates last.

    The haversine distance is computed in SQL here, as every row is ranked.
    """
    latitude, longitude = F("location__latitude"), F("location__longitude")
    half_dphi = (latitude - Value(centre.latitude)) * Value(_RADIANS / 2)
    half_dlambda = (longitude - Value(centre.longitude)) * Value(_RADIANS / 2)
    a = Power(Sin(half_dphi), 2) + Value(math.cos(centre.latitude * _RADIANS)) * Cos(
        latitude * Value(_RADIANS)
    ) * Power(Sin(half_dlambda), 2)
    distance = ExpressionWrapper(
        Value(2 * EARTH_RADIUS_M) * ASin(Least(Value(1.0), Sqrt(a))), output_field=FloatField()
    )
    return records.annotate(distance_m=distance).order_by(
        F("distance_m").asc(nulls_last=True), "id"
    )
