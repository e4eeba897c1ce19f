"""Matching against the directory in the database: the cached index, the weights in use, and
the log of what was shown for a case. Whatever comes from cases (the person's profile from a
referral, provider statistics from past connections, the case reference) is given by the
caller: casework's adapter (`casework.matching`) gives it for a referral."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone

from linkwork.directory.geography import GeocoderUnavailable, Point, area_codes, get_geocoder
from linkwork.directory.models import (
    Attribute,
    CostOption,
    Entity,
    Language,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceFormat,
    Suggestion,
    expire_after_days,
    stale_after_days,
)
from linkwork.directory.oruk.attributes import (
    AUDIENCE_TAXONOMY_ID,
)
from linkwork.directory.taxonomy import LINKWORK_TAXONOMY_ID
from linkwork.matching.engine import ProviderStats, Recommendations, rank
from linkwork.matching.facts import WEEKDAYS, ServiceFacts, Session
from linkwork.matching.index import ServiceIndex, build_index
from linkwork.matching.models import Shown, WeightSet
from linkwork.matching.profile import Profile, ProfileError, parse_profile
from linkwork.matching.weights import DEFAULT_WEIGHTS, Weights

FORMATS: dict[str, frozenset[str]] = {
    ServiceFormat.GROUP: frozenset({"group"}),
    ServiceFormat.ONE_TO_ONE: frozenset({"one_to_one"}),
    ServiceFormat.BOTH: frozenset({"group", "one_to_one"}),
}
# For each provider organisation among the services, how it answered past connections.
ProviderStatsSource = Callable[[Sequence[ServiceFacts]], Mapping[str, ProviderStats]]
# The index is rebuilt when the directory changes, and at least this often.
INDEX_MAX_AGE_SECONDS = 300
_lock = threading.Lock()
_cache: dict[str, Any] = {}


def _minutes(value: dt.time | None, default: int) -> int:
    return value.hour * 60 + value.minute if value is not None else default


def load_facts() -> list[ServiceFacts]:
    """Every service's facts, in eight queries whatever the number of services."""
    categories: dict[Any, set[str]] = defaultdict(set)
    audiences: dict[Any, set[str]] = defaultdict(set)
    for link_id, taxonomy_id, code in Attribute.objects.filter(
        link_entity=Entity.SERVICE,
        taxonomy_term__taxonomy_id__in=[LINKWORK_TAXONOMY_ID, AUDIENCE_TAXONOMY_ID],
    ).values_list("link_id", "taxonomy_term__taxonomy_id", "taxonomy_term__code"):
        (categories if taxonomy_id == LINKWORK_TAXONOMY_ID else audiences)[link_id].add(code)
    # Categories inferred for listings whose feed gave none count until a curator rejects them.
    for service_id, code in Suggestion.objects.suggested_categories().values_list(
        "service_id", "value"
    ):
        categories[service_id].add(code)
    costs: dict[Any, list[Any]] = defaultdict(list)
    for service_id, amount in CostOption.objects.values_list("service_id", "amount"):
        costs[service_id].append(amount)
    languages: dict[Any, set[str]] = defaultdict(set)
    for service_id, code in Language.objects.filter(service__isnull=False).values_list(
        "service_id", "code"
    ):
        if code:
            languages[service_id].add(code.lower()[:2])
    areas: dict[Any, set[str]] = defaultdict(set)
    for service_id, extent, uri, name in ServiceArea.objects.values_list(
        "service_id", "extent", "uri", "name"
    ):
        areas[service_id] |= area_codes(extent, uri, name)
    places: dict[Any, list[tuple[float, float]]] = defaultdict(list)
    for service_id, lat, lon in ServiceAtLocation.objects.filter(
        location__latitude__isnull=False, location__longitude__isnull=False
    ).values_list("service_id", "location__latitude", "location__longitude"):
        if lat is not None and lon is not None:
            places[service_id].append((lat, lon))
    sessions: dict[Any, list[Session]] = defaultdict(list)
    for service_id, via_place, byday, opens, closes in Schedule.objects.values_list(
        "service_id", "service_at_location__service_id", "byday", "opens_at", "closes_at"
    ):
        owner = service_id or via_place
        for day in (d.strip()[-2:] for d in byday.split(",") if d.strip()):
            if owner and day in WEEKDAYS:
                sessions[owner].append(Session(day, _minutes(opens, 0), _minutes(closes, 1440)))
    facts = []
    for row in Service.objects.values(
        "id",
        "name",
        "description",
        "organization_id",
        "organization__name",
        "status",
        "assured_date",
        "minimum_age",
        "maximum_age",
        "delivers_in_person",
        "delivers_online",
        "delivers_by_phone",
        "format",
        "referral_route",
        "capacity",
    ).order_by("id"):
        pk = row["id"]
        amounts = costs.get(pk, [])
        # Not stated (None) and not offered (False) both leave a mode out; no mode at all
        # is "delivery not stated".
        delivery = {
            mode
            for mode, on in (
                ("in_person", row["delivers_in_person"]),
                ("online", row["delivers_online"]),
                ("phone", row["delivers_by_phone"]),
            )
            if on
        }
        formats = FORMATS.get(row["format"], frozenset())
        facts.append(
            ServiceFacts(
                id=str(pk),
                name=row["name"],
                description=row["description"],
                organization_id=str(row["organization_id"]),
                organization_name=row["organization__name"],
                status=row["status"],
                assured_date=row["assured_date"],
                categories=frozenset(categories.get(pk, ())),
                audiences=frozenset(audiences.get(pk, ())),
                delivery=frozenset(delivery),
                formats=frozenset(formats),
                free=bool(amounts) and all(a is not None and a == 0 for a in amounts),
                route=row["referral_route"],
                capacity=row["capacity"],
                minimum_age=row["minimum_age"],
                maximum_age=row["maximum_age"],
                languages=frozenset(languages.get(pk, ())),
                places=tuple(places.get(pk, ())),
                sessions=tuple(sessions.get(pk, ())),
                areas=frozenset(areas.get(pk, ())),
            )
        )
    return facts


def _directory_version() -> tuple[Any, ...]:
    summary = Service.objects.aggregate(
        count=Count("id"), modified=Max("last_modified"), assured=Max("assured_date")
    )
    return (summary["count"], summary["modified"], summary["assured"])


def directory_index() -> ServiceIndex:
    """The index of the directory, rebuilt when a service changes or after five minutes."""
    version = _directory_version()
    now = time.monotonic()
    with _lock:
        cached = _cache.get("index")
        if cached and cached[0] == version and now - cached[1] < INDEX_MAX_AGE_SECONDS:
            return cached[2]
    index = build_index(load_facts())
    with _lock:
        _cache["index"] = (version, now, index)
    return index


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def active_weights() -> Weights:
    """The weights switched on, or the default set."""
    chosen = WeightSet.objects.filter(active=True).first()
    return Weights.from_json(chosen.weights) if chosen else DEFAULT_WEIGHTS


def locate(postcode: str) -> Point | None:
    """Where a postcode is, or None when it is unknown or the lookup is unavailable."""
    if not postcode:
        return None
    try:
        return get_geocoder().locate(postcode)
    except GeocoderUnavailable:
        return None


def recommend(
    person: Profile | Mapping[str, Any],
    *,
    k: int = 10,
    case_ref: uuid.UUID | None = None,
    shown_to: Any = None,
    today: dt.date | None = None,
    skip: Collection[str] = (),
    provider_stats: ProviderStatsSource | None = None,
) -> Recommendations:
    """Rank the directory for a profile (or its JSON form). With `case_ref`, what was shown is
    logged against that case for learning; `provider_stats` adds how providers answered."""
    today = today or timezone.localdate()
    profile = person if isinstance(person, Profile) else parse_profile(person, locate=locate)
    if not 1 <= k <= 50:
        raise ProfileError("k", "k must be between 1 and 50")
    weights = active_weights()
    found = rank(
        directory_index(),
        profile,
        k=k,
        weights=weights,
        today=today,
        stale_days=stale_after_days(),
        expire_days=expire_after_days(),
        provider_stats=provider_stats,
        skip=skip,
    )
    if case_ref is not None:
        Shown.objects.bulk_create(
            Shown(
                case_ref=case_ref,
                service_id=result.service_id,
                position=result.position,
                score=result.score,
                weights_version=found.weights_version,
                shown_to=shown_to if getattr(shown_to, "is_authenticated", False) else None,
            )
            for result in found.results
        )
    return found
