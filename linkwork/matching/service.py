"""Matching against the directory in the database: the cached index, provider statistics from
past connections, the person's profile from a referral, and the log of what was shown."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from statistics import median
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone

from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection, SupportPlan
from linkwork.directory.geography import GeocoderUnavailable, Point, get_geocoder
from linkwork.directory.models import (
    Attribute,
    CostOption,
    Entity,
    Language,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceFormat,
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
from linkwork.matching.profile import Profile, ProfileError, age_on, parse_profile
from linkwork.matching.weights import DEFAULT_WEIGHTS, Weights
from linkwork.people.models import DigitalAccess, Sex
from linkwork.referrals.models import Referral

FORMATS: dict[str, frozenset[str]] = {
    ServiceFormat.GROUP: frozenset({"group"}),
    ServiceFormat.ONE_TO_ONE: frozenset({"one_to_one"}),
    ServiceFormat.BOTH: frozenset({"group", "one_to_one"}),
}
SEXES: dict[str, str] = {Sex.FEMALE: "female", Sex.MALE: "male"}
DIGITAL: dict[str, str] = {DigitalAccess.NONE: "none", DigitalAccess.LIMITED: "limited"}
# The index is rebuilt when the directory changes, and at least this often.
INDEX_MAX_AGE_SECONDS = 300
_lock = threading.Lock()
_cache: dict[str, Any] = {}


def _minutes(value: dt.time | None, default: int) -> int:
    return value.hour * 60 + value.minute if value is not None else default


def load_facts() -> list[ServiceFacts]:
    """Every service's facts, in seven queries whatever the number of services."""
    categories: dict[Any, set[str]] = defaultdict(set)
    audiences: dict[Any, set[str]] = defaultdict(set)
    for link_id, taxonomy_id, code in Attribute.objects.filter(
        link_entity=Entity.SERVICE,
        taxonomy_term__taxonomy_id__in=[LINKWORK_TAXONOMY_ID, AUDIENCE_TAXONOMY_ID],
    ).values_list("link_id", "taxonomy_term__taxonomy_id", "taxonomy_term__code"):
        (categories if taxonomy_id == LINKWORK_TAXONOMY_ID else audiences)[link_id].add(code)
    costs: dict[Any, list[Any]] = defaultdict(list)
    for service_id, amount in CostOption.objects.values_list("service_id", "amount"):
        costs[service_id].append(amount)
    languages: dict[Any, set[str]] = defaultdict(set)
    for service_id, code in Language.objects.filter(service__isnull=False).values_list(
        "service_id", "code"
    ):
        if code:
            languages[service_id].add(code.lower()[:2])
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


def provider_stats(services: Sequence[ServiceFacts]) -> Mapping[str, ProviderStats]:
    """For each provider organisation among `services`, the median days to answer a request
    and the share accepted, from past connections (one query)."""
    organisations = {s.organization_id for s in services}
    days: dict[str, list[float]] = defaultdict(list)
    accepted: dict[str, int] = defaultdict(int)
    for organisation_id, status, requested, responded in Connection.objects.filter(
        service__organization_id__in=organisations,
        requested_at__isnull=False,
        responded_at__isnull=False,
    ).values_list("service__organization_id", "status", "requested_at", "responded_at")[:20000]:
        key = str(organisation_id)
        days[key].append((responded - requested).total_seconds() / 86400)
        if status != ConnectionStatus.REJECTED:
            accepted[key] += 1
    return {
        key: ProviderStats(
            median_days=median(values),
            acceptance_rate=accepted[key] / len(values),
            answered=len(values),
        )
        for key, values in days.items()
    }


def active_weights() -> Weights:
    """The weights switched on, or the default set."""
    chosen = WeightSet.objects.filter(active=True).first()
    return Weights.from_json(chosen.weights) if chosen else DEFAULT_WEIGHTS


def profile_for_referral(referral: Referral, *, today: dt.date | None = None) -> Profile:
    """The person as matching sees them, from the referral, the person and the plan. Identity
    preferences are never inferred: only what the person opted into counts, and nothing on
    the record says that yet, so none are set."""
    today = today or timezone.localdate()
    person = referral.person
    plan = SupportPlan.objects.filter(referral=referral).first()
    what_matters = " ".join(
        part
        for part in (
            plan.what_matters if plan else "",
            referral.what_matters,
            referral.reason,
        )
        if part
    )
    point = _locate(person.postcode)
    language = (person.preferred_language or "en").lower()[:2]
    if language == "en":
        languages: tuple[str, ...] = ("en",)
    elif person.interpreter_needed:
        languages = (language,)
    else:
        languages = ("en", language)
    return Profile(
        needs=tuple(referral.needs),
        what_matters=what_matters,
        age=age_on(person.date_of_birth, today),
        sex=SEXES.get(person.sex, "not_known"),
        languages=languages,
        latitude=point.latitude if point else None,
        longitude=point.longitude if point else None,
        digital_access=DIGITAL.get(person.digital_access, "confident"),
    )


def _locate(postcode: str) -> Point | None:
    if not postcode:
        return None
    try:
        return get_geocoder().locate(postcode)
    except GeocoderUnavailable:
        return None


def recommend(
    person: Referral | Profile | Mapping[str, Any],
    *,
    k: int = 10,
    shown_to: Any = None,
    today: dt.date | None = None,
    skip: Collection[str] = (),
) -> Recommendations:
    today = today or timezone.localdate()
    if isinstance(person, Referral):
        profile = profile_for_referral(person, today=today)
    elif isinstance(person, Profile):
        profile = person
    else:
        profile = parse_profile(person, locate=_locate)
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
        provider_stats=provider_stats,
        skip=skip,
    )
    if isinstance(person, Referral):
        Shown.objects.bulk_create(
            Shown(
                referral=person,
                service_id=result.service_id,
                position=result.position,
                score=result.score,
                weights_version=found.weights_version,
                shown_to=shown_to if getattr(shown_to, "is_authenticated", False) else None,
            )
            for result in found.results
        )
    return found
