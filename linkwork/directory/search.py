"""Directory search for link workers: the filters a link worker uses to find a service.

Text is searched by relevance (`fulltext.py`): words, their stems and synonyms, in the name,
the description's plain text and the organisation's name, best first.

One query builds the page of results; distance, categories, languages and next sessions for
that page come from a fixed number of further queries, whatever the page size.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import (
    Exists,
    F,
    FloatField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Power, Radians, Sqrt
from django.utils import timezone

from linkwork.directory import fulltext
from linkwork.directory.geography import Point
from linkwork.directory.models import (
    DELIVERY_MODE_FIELDS,
    Accessibility,
    Attribute,
    Capacity,
    CostOption,
    Entity,
    Language,
    LinkType,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceQuerySet,
    ServiceStatus,
    Weekday,
)
from linkwork.vocabulary.categories import CATEGORIES

EARTH_RADIUS_KM = 6371.0
PAGE_SIZE = 20
DEFAULT_DISTANCE_KM = 5.0
# With text and a place, relevance halves at this distance (see `ranked`).
DISTANCE_HALVING_KM = 3.0

# Parts of the day a person can attend, as opening-time windows.
TIMES_OF_DAY: dict[str, tuple[dt.time, dt.time, str]] = {
    "morning": (dt.time(0, 0), dt.time(12, 0), "Morning (before 12pm)"),
    "afternoon": (dt.time(12, 0), dt.time(17, 0), "Afternoon (12pm to 5pm)"),
    "evening": (dt.time(17, 0), dt.time(23, 59), "Evening (after 5pm)"),
}

# HSDS holds accessibility as free text on a location, so each feature is the phrases that
# providers use for it. Phrases are chosen so that "no lift" does not count as a lift.
ACCESSIBILITY_FEATURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "step_free": ("Step-free access", ("step-free", "there is a lift", "ramp")),
    "hearing_loop": ("Hearing loop", ("hearing loop",)),
    "accessible_toilet": ("Accessible toilet", ("accessible toilet",)),
    "quiet_room": ("Quiet room", ("quiet room",)),
    "large_print": ("Large print", ("large-print", "large print")),
    "blue_badge_parking": ("Blue Badge parking", ("blue badge",)),
}


@dataclass(frozen=True)
class Criteria:
    text: str = ""
    category: str = ""
    origin: Point | None = None
    within_km: float = DEFAULT_DISTANCE_KM
    day: str = ""
    time_of_day: str = ""
    delivery: str = ""
    free_only: bool = False
    language: str = ""
    accessibility: tuple[str, ...] = ()
    accepting_only: bool = False


@dataclass
class Result:
    service: Service
    distance_km: float | None
    categories: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    sessions: list[Schedule] = field(default_factory=list)
    free: bool = False
    stale: bool = False


def _distance_km(lat_field: str, lon_field: str, origin: Point) -> Any:
    """Equirectangular distance in SQL: accurate to metres over a town, on every database."""
    scale = math.cos(math.radians(origin.latitude))
    dy = Radians(F(lat_field)) - math.radians(origin.latitude)
    dx = (Radians(F(lon_field)) - math.radians(origin.longitude)) * scale
    return Sqrt(Power(dx, 2) + Power(dy, 2), output_field=FloatField()) * EARTH_RADIUS_KM


def _bounding_box(origin: Point, km: float) -> Q:
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    dlon = math.degrees(km / (EARTH_RADIUS_KM * math.cos(math.radians(origin.latitude))))
    return Q(
        location__latitude__gte=origin.latitude - dlat,
        location__latitude__lte=origin.latitude + dlat,
        location__longitude__gte=origin.longitude - dlon,
        location__longitude__lte=origin.longitude + dlon,
    )


def service_queryset(criteria: Criteria) -> ServiceQuerySet:
    """Services matching every criterion (they combine with AND), best first."""
    return ranked(criteria)[0]


def ranked(criteria: Criteria) -> tuple[ServiceQuerySet, dict[str, str]]:
    """Services matching every criterion, best first, and the typos corrected in the text.

    With text, services are ordered by relevance (`fulltext.relevant`: stemmed words and
    synonyms, the name weighing most). With a place as well, relevance is divided by
    `1 + km / DISTANCE_HALVING_KM`, so a service that far away needs twice the relevance of
    one next door to rank beside it; services not delivered in person have no distance and
    count as at the edge of the chosen radius. With a place and no text, nearest first; with
    neither, by name.
    """
    services = Service.objects.filter(
        status__in=[ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED]
    ).select_related("organization")
    if criteria.category:
        services = services.in_categories([criteria.category])
    if criteria.delivery:
        services = services.filter(**{DELIVERY_MODE_FIELDS[criteria.delivery]: True})
    if criteria.accepting_only:
        services = services.filter(capacity=Capacity.ACCEPTING)
    if criteria.free_only:
        paid = CostOption.objects.filter(service=OuterRef("pk"), amount__gt=0)
        services = services.filter(~Exists(paid))
    if criteria.language:
        spoken = Language.objects.filter(service=OuterRef("pk"), code__iexact=criteria.language)
        if criteria.language == "en":
            # A service that lists no languages works in English.
            listed = Language.objects.filter(service=OuterRef("pk"))
            services = services.filter(Exists(spoken) | ~Exists(listed))
        else:
            services = services.filter(Exists(spoken))
    for feature in criteria.accessibility:
        phrases = Q()
        for phrase in ACCESSIBILITY_FEATURES[feature][1]:
            phrases |= Q(description__icontains=phrase) | Q(details__icontains=phrase)
        places = Accessibility.objects.filter(phrases).values("location_id")
        offered_there = ServiceAtLocation.objects.filter(location_id__in=places)
        services = services.filter(pk__in=offered_there.values("service_id"))
    if criteria.day or criteria.time_of_day:
        services = services.filter(Exists(_sessions(criteria)))
    # Every filter above is a semi-join, so no row repeats and no DISTINCT is needed.
    if criteria.origin is not None:
        services = _near(services, criteria.origin, criteria.within_km)
    found = fulltext.relevant(services, criteria.text)
    if found is not None:
        services = cast(ServiceQuerySet, found.services)
        if criteria.origin is not None:
            km = Coalesce(F("distance_km"), Value(criteria.within_km), output_field=FloatField())
            score = F("relevance") / (Value(1.0) + km / Value(DISTANCE_HALVING_KM))
            return services.order_by(score.desc(), "name", "pk"), found.corrected
        return services.order_by(F("relevance").desc(), "name", "pk"), found.corrected
    if criteria.origin is not None:
        return services.order_by(F("distance_km").asc(nulls_last=True), "name"), {}
    return services.order_by("name"), {}


def _sessions(criteria: Criteria) -> QuerySet[Schedule]:
    sessions = Schedule.objects.filter(
        Q(service=OuterRef("pk")) | Q(service_at_location__service=OuterRef("pk"))
    )
    if criteria.day:
        sessions = sessions.filter(byday__contains=criteria.day)
    if criteria.time_of_day:
        start, end, _ = TIMES_OF_DAY[criteria.time_of_day]
        sessions = sessions.filter(opens_at__lt=end, closes_at__gt=start)
    return sessions


def _near(services: ServiceQuerySet, origin: Point, km: float) -> ServiceQuerySet:
    """Services offered at a place within `km` of `origin`, and services not delivered in
    person (online or by phone), which distance does not limit."""
    places = (
        ServiceAtLocation.objects.filter(
            _bounding_box(origin, km), location__latitude__isnull=False
        )
        .annotate(km=_distance_km("location__latitude", "location__longitude", origin))
        .filter(km__lte=km)
    )
    # The places in the box are few, so their services are fetched as a list first: the
    # database then reads those rows by primary key, and remote services by their own index,
    # instead of testing every service. Only those rows get their nearest distance.
    near = list(places.order_by().values_list("service_id", flat=True).distinct())
    nearest = (
        places.filter(service=OuterRef("pk")).order_by().values("service").annotate(best=Min("km"))
    ).values("best")
    services = services.filter(Q(pk__in=near) | Q(delivers_in_person=False))
    return services.annotate(distance_km=Subquery(nearest, output_field=FloatField()))


@dataclass
class SearchPage:
    page: Page[Service]
    results: list[Result]
    corrected: dict[str, str] = field(default_factory=dict)  # typed word -> word searched


def search(criteria: Criteria, page_number: Any = 1, *, today: dt.date | None = None) -> SearchPage:
    """One page of results, each with its distance, categories, languages and sessions."""
    services, corrected = ranked(criteria)
    rows: Any = services
    if criteria.text:
        try:
            first = (max(1, int(page_number)) - 1) * PAGE_SIZE
        except (TypeError, ValueError):
            first = 0
        rows = fulltext.RankedPages(services, expected=slice(first, first + PAGE_SIZE))
    page = Paginator(rows, PAGE_SIZE).get_page(page_number)
    results = decorate(list(page.object_list), today=today or timezone.localdate())
    return SearchPage(page=page, results=results, corrected=corrected)


def decorate(services: Sequence[Service], *, today: dt.date) -> list[Result]:
    ids = [service.pk for service in services]
    categories: dict[Any, list[str]] = defaultdict(list)
    for link_id, code in Attribute.objects.filter(
        link_entity=Entity.SERVICE, link_type=LinkType.CATEGORY, link_id__in=ids
    ).values_list("link_id", "taxonomy_term__code"):
        if code in CATEGORIES:
            categories[link_id].append(CATEGORIES[code].name)
    languages: dict[Any, list[str]] = defaultdict(list)
    for service_id, name, code in Language.objects.filter(service_id__in=ids).values_list(
        "service_id", "name", "code"
    ):
        languages[service_id].append(name or code)
    sessions: dict[Any, list[Schedule]] = defaultdict(list)
    # Two indexed reads rather than one OR across a join, which would scan every schedule.
    for schedule in Schedule.objects.filter(service_id__in=ids):
        sessions[schedule.service_id].append(schedule)
    for schedule in Schedule.objects.filter(service_at_location__service_id__in=ids).annotate(
        owner=F("service_at_location__service_id")
    ):
        sessions[schedule.owner].append(schedule)
    paid = set(
        CostOption.objects.filter(service_id__in=ids, amount__gt=0).values_list(
            "service_id", flat=True
        )
    )
    return [
        Result(
            service=service,
            distance_km=getattr(service, "distance_km", None),
            categories=sorted(categories[service.pk]),
            languages=sorted(languages[service.pk]) or ["English"],
            sessions=sorted(sessions[service.pk], key=_session_order),
            free=service.pk not in paid,
            stale=service.is_stale(today),
        )
        for service in services
    ]


def _session_order(schedule: Schedule) -> tuple[int, dt.time]:
    days = list(Weekday.values)
    first = schedule.byday.split(",")[0][-2:] if schedule.byday else ""
    return (days.index(first) if first in days else 7, schedule.opens_at or dt.time(0))
