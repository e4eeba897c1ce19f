"""What matching knows about each service, read from an Open Referral UK feed or from the
directory in the database; both give the same `ServiceFacts`.

The social prescribing facts travel as service attributes whose taxonomy term has taxonomy
"linkwork" and the term as its name (and code): `category:social`, `delivery:online`,
`audience:women_only`, `capacity:full` and so on (see `directory/oruk/attributes.py`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linkwork.directory.geography import area_codes
from linkwork.directory.oruk.attributes import ATTRIBUTE_TAXONOMY

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True, slots=True)
class Session:
    day: str
    opens: int  # minutes after midnight
    closes: int


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    id: str
    name: str
    description: str = ""
    organization_id: str = ""
    organization_name: str = ""
    status: str = "active"
    assured_date: dt.date | None = None
    categories: frozenset[str] = frozenset()
    audiences: frozenset[str] = frozenset()
    delivery: frozenset[str] = frozenset()
    formats: frozenset[str] = frozenset()
    free: bool = False
    route: str = ""
    capacity: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    languages: frozenset[str] = frozenset()
    places: tuple[tuple[float, float], ...] = ()
    sessions: tuple[Session, ...] = ()
    # ONS codes of the areas the service is for (from its service areas); empty when none
    # is stated. A service with no venue is offered only to people in one of them.
    areas: frozenset[str] = frozenset()

    @property
    def in_person(self) -> bool:
        """Delivered in person: said so, or (when no delivery mode is stated) has a venue,
        whose distance then counts: the venue is a stated fact, the mode is not guessed."""
        return "in_person" in self.delivery or (not self.delivery and bool(self.places))

    @property
    def delivery_stated(self) -> bool:
        return bool(self.delivery)

    @property
    def online_only(self) -> bool:
        return self.delivery == frozenset({"online"})


def _minutes(text: Any) -> int | None:
    if not isinstance(text, str) or len(text) < 5:
        return None
    try:
        hours, minutes = int(text[0:2]), int(text[3:5])
    except ValueError:
        return None
    if not (0 <= hours <= 24 and 0 <= minutes < 60):
        return None
    return hours * 60 + minutes


def _sessions(schedules: Iterable[Mapping[str, Any]]) -> list[Session]:
    found = []
    for schedule in schedules:
        opens = _minutes(schedule.get("opens_at"))
        closes = _minutes(schedule.get("closes_at"))
        days = [d.strip()[-2:] for d in str(schedule.get("byday") or "").split(",") if d.strip()]
        for day in days:
            if day in WEEKDAYS:
                found.append(Session(day, opens or 0, closes or 24 * 60))
    return found


def _date(text: Any) -> dt.date | None:
    if not isinstance(text, str):
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _age(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def terms_of(record: Mapping[str, Any]) -> list[str]:
    """The Linkwork vocabulary terms among a service's attributes."""
    found = []
    for attribute in record.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        detail = term.get("taxonomy_detail") or {}
        taxonomy = term.get("taxonomy") or detail.get("name")
        if taxonomy == ATTRIBUTE_TAXONOMY:
            text = term.get("name") or term.get("code")
            if isinstance(text, str):
                found.append(text)
    return found


def from_terms(terms: Iterable[str]) -> dict[str, Any]:
    """The fields that vocabulary terms set."""
    fields: dict[str, Any] = defaultdict(set)
    scalar: dict[str, str] = {}
    for term in terms:
        kind, _, value = term.partition(":")
        if kind == "category":
            fields["categories"].add(value)
        elif kind == "audience":
            fields["audiences"].add(value)
        elif kind == "delivery":
            fields["delivery"].add(value)
        elif kind == "format":
            fields["formats"].add(value)
        elif kind == "cost" and value == "free":
            scalar["free"] = "yes"
        elif kind in ("route", "capacity"):
            scalar[kind] = value
    return {
        **{key: frozenset(values) for key, values in fields.items()},
        "free": "free" in scalar,
        "route": scalar.get("route", ""),
        "capacity": scalar.get("capacity", ""),
    }


def from_oruk(record: Mapping[str, Any]) -> ServiceFacts:
    """The facts of one ORUK service record (as `/oruk/services/{id}` gives it)."""
    organization = record.get("organization") or {}
    places = []
    schedules = list(record.get("schedules") or [])
    for link in record.get("service_at_locations") or []:
        location = link.get("location") or {}
        lat, lon = location.get("latitude"), location.get("longitude")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            places.append((float(lat), float(lon)))
        schedules += link.get("schedules") or []
    languages = {
        str(language.get("code")).lower()
        for language in record.get("languages") or []
        if language.get("code")
    }
    areas: set[str] = set()
    for area in record.get("service_areas") or []:
        if isinstance(area, Mapping):
            areas |= area_codes(
                *(str(area.get(key) or "") for key in ("extent", "uri", "name", "service_area"))
            )
    return ServiceFacts(
        id=str(record["id"]),
        name=str(record.get("name") or ""),
        description=str(record.get("description") or ""),
        organization_id=str(organization.get("id") or record.get("organization_id") or ""),
        organization_name=str(organization.get("name") or ""),
        status=str(record.get("status") or "active"),
        assured_date=_date(record.get("assured_date")),
        minimum_age=_age(record.get("minimum_age")),
        maximum_age=_age(record.get("maximum_age")),
        languages=frozenset(languages),
        places=tuple(places),
        sessions=tuple(_sessions(schedules)),
        areas=frozenset(areas),
        **from_terms(terms_of(record)),
    )


def _records(document: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(document, Mapping) and isinstance(document.get("contents"), list):
        yield from document["contents"]
    elif isinstance(document, Mapping) and "id" in document:
        yield document
    elif isinstance(document, list):
        for item in document:
            yield from _records(item)
    else:
        raise ValueError("not an Open Referral UK service or page of services")


def read_feed(path: Path) -> list[ServiceFacts]:
    """Services from an ORUK JSON file (one service or a page of them) or a folder of them."""
    files = sorted(path.rglob("*.json")) if path.is_dir() else [path]
    facts: dict[str, ServiceFacts] = {}
    for file in files:
        with file.open(encoding="utf-8") as handle:
            document = json.load(handle)
        for record in _records(document):
            if "status" not in record or "name" not in record:
                continue  # an organisation, location or taxonomy record, not a service
            service = from_oruk(record)
            facts[service.id] = service
    return list(facts.values())
