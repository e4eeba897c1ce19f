"""Open Referral UK 1.0 records, read as the 3.0 records the importer writes.

Most UK councils still publish ORUK 1.0: a page envelope (`content`, `totalElements`,
`totalPages`, `number`, `first`, `last`) or a bare array of services, each a full record whose
related tables nest as `<table>s` lists (`regular_schedules`, `service_taxonomys`,
`eligibilitys`...) with the organisation embedded. `translate` turns one such service into the
3.0 shape (`schedules`, `attributes`, `service_at_locations[].location.addresses`...), so one
checker and one writer serve both versions.

What real 1.0 feeds get wrong is normalised here, never a reason to lose the service:
- ids that are not UUIDs become a UUID5 of the feed's base and the original id (and the kind of
  record, so a service and a location numbered 12 stay apart); the service's and the
  organisation's original ids are kept on the listing (`original_id`), for curators;
- e-mail addresses lose invisible characters (no-break and zero-width spaces), a `mailto:` and
  trailing punctuation; bare domains (`www.example.org`) get `https://`; a web address that is
  not http(s) (`javascript:`, `data:`) is left out;
- a service without an organisation is filed under one placeholder organisation per feed,
  flagged (`Organization.placeholder`) for curators to name;
- `organization.url` is the website; `deliverable_type`, `attending_type` and `attending_access`
  give delivery modes (and a referral route), target-audience labels give audiences, and a cost
  that says it is free gives `cost:free`, through the reviewed `data/oruk_1_0_mapping.toml`.

A field that still cannot be read is left out by the lenient check (`validation.check`), with
its reason in the report. Only a record with no usable id or name is rejected.
"""

from __future__ import annotations

import re
import tomllib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

from linkwork.directory import models as m
from linkwork.directory.oruk.attributes import (
    ATTRIBUTE_TAXONOMY,
    FREE,
    TERMS,
    attribute_id,
    attribute_term_id,
)
from linkwork.directory.oruk.validation import show
from linkwork.directory.taxonomy import NAMESPACE

MAPPING_FILE: Final = Path(__file__).resolve().parent.parent / "data" / "oruk_1_0_mapping.toml"

# The ids Linkwork gives records of 1.0 feeds whose ids are not UUIDs.
ORUK1_NAMESPACE: Final = uuid.uuid5(NAMESPACE, "oruk-1.0")

# The lists of a 1.0 service record (table names plus "s", kept as the standard spells them).
LISTS: Final = frozenset(
    {
        "regular_schedules",
        "holiday_schedules",
        "service_taxonomys",
        "service_at_locations",
        "eligibilitys",
        "cost_options",
        "languages",
        "contacts",
        "phones",
        "service_areas",
        "fundings",
        "reviews",
    }
)
# Keys only a 1.0 service has.
_ONLY_1_0: Final = frozenset(
    {
        "regular_schedules",
        "holiday_schedules",
        "service_taxonomys",
        "eligibilitys",
        "fundings",
        "reviews",
        "deliverable_type",
        "attending_type",
        "attending_access",
    }
)
ENVELOPE_KEYS: Final = frozenset({"content", "totalElements", "totalPages"})

_UUID_RE: Final = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_INVISIBLE: Final = re.compile("[\u00a0\u200b\u200c\u200d\u2060\ufeff\u00ad\\s]+")
_EMAIL_TRAILING: Final = ".,;:!?'\")>]"
_EMAIL_SPLIT: Final = re.compile(r"[;,/\s]+|\bor\b|\band\b")
_BARE_DOMAIN: Final = re.compile(
    r"^(www\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}([/?#].*)?$"
)
_SCHEME: Final = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_LA_CODE: Final = re.compile(r"\b([ENSW][0-9]{8})\b")
LA_CODE: Final = re.compile(r"^[ENSW][0-9]{8}$")
_UNSTORABLE: Final = re.compile("[\x00\ud800-\udfff]")
_WORDS: Final = re.compile(r"[\s_\-]+")
_TIME: Final = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([aApP][mM])?$")
_AMOUNT: Final = re.compile(r"^[£$€]?\s*(-?\d+(?:\.\d+)?)$")
_WEEKDAYS: Final[Mapping[str, str]] = {
    **{name.lower(): code for code, name in zip(m.Weekday.values, m.Weekday.labels, strict=True)},
    "mon": "MO",
    "tue": "TU",
    "tues": "TU",
    "wed": "WE",
    "thu": "TH",
    "thur": "TH",
    "thurs": "TH",
    "fri": "FR",
    "sat": "SA",
    "sun": "SU",
    **{code.lower(): code for code in m.Weekday.values},
    **{str(n): code for n, code in enumerate(("MO", "TU", "WE", "TH", "FR", "SA", "SU"), 1)},
}
_COUNTRIES: Final = frozenset(
    {
        "uk",
        "united kingdom",
        "gb",
        "great britain",
        "england",
        "scotland",
        "wales",
        "northern ireland",
        "gbr",
    }
)
_PHONE_TYPES: Final[Mapping[str, str]] = {
    "mobile": "cell",
    "landline": "voice",
    "telephone": "voice",
    "phone": "voice",
    "main": "voice",
    "sms": "text",
    "minicom": "textphone",
    **{value: value for value in m.PhoneType.values},
}


# The keys the translation reads; the others are reported as not kept.
_ORGANIZATION_READ: Final = frozenset(
    {
        "id",
        "name",
        "alternate_name",
        "description",
        "email",
        "url",
        "website",
        "logo",
        "uri",
        "tax_status",
        "tax_id",
        "legal_status",
        "year_incorporated",
        "services",
    }
)
_SERVICE_READ: Final = frozenset(
    {
        "id",
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "interpretation_services",
        "application_process",
        "wait_time",
        "fees",
        "accreditations",
        "licenses",
        "assured_date",
        "deliverable_type",
        "attending_type",
        "attending_access",
        "organization",
        "organization_id",
        *(LISTS - {"reviews"}),
    }
)


def _uuid5(name: str) -> str:
    # A feed may hold lone surrogates (valid JSON, not UTF-8): hashed escaped.
    return str(uuid.uuid5(ORUK1_NAMESPACE, name.encode("utf-8", "backslashreplace").decode()))


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(_UUID_RE.match(value))


def is_envelope(document: Any) -> bool:
    """A 1.0 page of services: `{"content": [...], "totalElements": n, "totalPages": n, ...}`."""
    return (
        isinstance(document, dict)
        and isinstance(document.get("content"), list)
        and bool(ENVELOPE_KEYS - {"content"} & set(document))
    )


def looks_1_0(record: Any) -> bool:
    """Whether a service record is in the 1.0 shape: 1.0-only keys, an embedded organisation
    giving `url` rather than `website`, or an id that is not a UUID."""
    if not isinstance(record, dict):
        return False
    if _ONLY_1_0 & set(record):
        return True
    organization = record.get("organization")
    if isinstance(organization, dict) and "url" in organization and "website" not in organization:
        return True
    given = record.get("id")
    return given is not None and given != "" and not is_uuid(given)


def is_whole(record: Mapping[str, Any]) -> bool:
    """A full 1.0 record rather than a page's summary: it carries one of the lists."""
    return bool(LISTS & set(record))


# The reviewed mapping --------------------------------------------------------------------------


@dataclass(frozen=True)
class Mapping10:
    delivery: Mapping[str, tuple[str, ...]]
    route: Mapping[str, tuple[str, ...]]
    audiences: Mapping[str, tuple[str, ...]]
    free: frozenset[str]


def _words(text: str) -> str:
    return _WORDS.sub(" ", text.strip().lower()).strip()


@cache
def mapping() -> Mapping10:
    data = tomllib.loads(MAPPING_FILE.read_text("utf-8"))
    for key in ("authored_by", "checked_by"):
        if not str(data.get(key, "")).strip():
            raise ValueError(f"{MAPPING_FILE.name}: {key} is required (a reviewed file)")
    return Mapping10(
        delivery={k: tuple(_words(p) for p in v) for k, v in data["delivery"].items()},
        route={k: tuple(_words(p) for p in v) for k, v in data["route"].items()},
        audiences={_words(k): tuple(v) for k, v in data["audiences"].items()},
        free=frozenset(_words(p) for p in data["free"]["phrases"]),
    )


def _says(text: str, phrases: Iterable[str]) -> bool:
    """Whether `text` has one of `phrases` as whole words."""
    pattern = _phrases_pattern(tuple(phrases))
    return pattern is not None and pattern.search(text) is not None


@cache
def _phrases_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    return re.compile(rf"(?<![a-z])(?:{'|'.join(re.escape(p) for p in phrases)})(?![a-z])")


# Translating one record ------------------------------------------------------------------------


@dataclass
class Translated:
    """A 1.0 service as a 3.0 record, and what the translation did."""

    data: dict[str, Any]
    # (record type, id) -> model fields the 3.0 record has no key for.
    extras: dict[tuple[str, uuid.UUID], dict[str, Any]] = field(default_factory=dict)
    # Values normalised (kept, in a corrected form): for the report's warnings.
    notes: list[str] = field(default_factory=list)
    # Values left out, each with its reason: the report's dropped fields.
    dropped: list[str] = field(default_factory=list)
    # `service.fundings`...: 1.0 fields and lists Linkwork does not keep.
    not_kept: list[str] = field(default_factory=list)
    # Set when the record cannot be imported at all.
    failure: str = ""
    original_id: str = ""


class _Translator:
    def __init__(self, base: str, result: Translated) -> None:
        self.base = base
        self.result = result

    # ids

    def id_for(self, kind: str, given: Any, fallback: str) -> str:
        """A UUID for a record: its own when it has one, else a UUID5 of the feed's base and
        the id given, else of where it sits in its parent."""
        if is_uuid(given):
            return str(given).lower()
        if isinstance(given, int | str) and not isinstance(given, bool) and str(given).strip():
            return _uuid5(f"{self.base}|{kind}|{str(given).strip()}")
        return _uuid5(f"{self.base}|{kind}|at|{fallback}")

    def keep_extra(self, kind: str, record_id: str, **values: Any) -> None:
        self.result.extras.setdefault((kind, uuid.UUID(record_id)), {}).update(values)

    # values

    def text(self, data: Mapping[str, Any], key: str, path: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.result.dropped.append(f"{path}: {show(value)} is not text; left out")
            return None
        return value

    def email(self, value: Any, path: str) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.result.dropped.append(f"{path}: {show(value)} is not an email address; left out")
            return None
        text = _INVISIBLE.sub(" ", value).strip()
        text = re.sub(r"^mailto:", "", text, flags=re.IGNORECASE).strip().strip("<>")
        parts = [p.strip().strip(_EMAIL_TRAILING).lstrip("<(") for p in _EMAIL_SPLIT.split(text)]
        parts = [p for p in parts if p and "@" in p]
        if not parts:
            self.result.dropped.append(f"{path}: {show(value)} is not an email address; left out")
            return None
        cleaned = parts[0]
        if cleaned != value:
            extra = f" (the first of {len(parts)})" if len(parts) > 1 else ""
            self.result.notes.append(f"{path}: {show(value)} read as {show(cleaned)}{extra}")
        return cleaned

    def url(self, value: Any, path: str) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.result.dropped.append(f"{path}: {show(value)} is not a web address; left out")
            return None
        text = _INVISIBLE.sub("", value).strip().rstrip(".,;")
        if not text:
            return None
        scheme = _SCHEME.match(text)
        if scheme and not text.lower().startswith(("http://", "https://")):
            if scheme.group(1).lower() in ("http", "https"):
                text = re.sub(r"^https?:/*", f"{scheme.group(1).lower()}://", text, flags=re.I)
            elif _BARE_DOMAIN.match(text):
                text = f"https://{text}"
            else:
                self.result.dropped.append(
                    f"{path}: {show(value)} is not a web address (only http and https are "
                    f"kept); left out"
                )
                return None
        elif not scheme:
            if text.startswith("//"):
                text = f"https:{text}"
            elif _BARE_DOMAIN.match(text):
                text = f"https://{text}"
            else:
                self.result.dropped.append(f"{path}: {show(value)} is not a web address; left out")
                return None
        if text != value:
            self.result.notes.append(f"{path}: {show(value)} read as {show(text)}")
        return text

    def number(self, value: Any, path: str, *, whole: bool = False) -> float | int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            self.result.dropped.append(f"{path}: {show(value)} is not a number; left out")
            return None
        if isinstance(value, int | float):
            number: float | int = value
        else:
            match = _AMOUNT.match(str(value).strip()) if isinstance(value, str) else None
            if match is None:
                self.result.dropped.append(f"{path}: {show(value)} is not a number; left out")
                return None
            number = float(match.group(1))
        if whole:
            if number != int(number):
                self.result.dropped.append(f"{path}: {show(value)} is not a whole number; left out")
                return None
            return int(number)
        return number

    def date(self, value: Any, path: str) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}([T ].*)?$", value.strip()):
            return value.strip()[:10]
        self.result.dropped.append(f"{path}: {show(value)} is not a date; left out")
        return None

    def time(self, value: Any, path: str) -> str | None:
        if value is None or value == "":
            return None
        match = _TIME.match(value.strip()) if isinstance(value, str) else None
        if match is None:
            self.result.dropped.append(f"{path}: {show(value)} is not a time of day; left out")
            return None
        hours, minutes, seconds, half = match.groups()
        hour = int(hours)
        if half:
            hour = hour % 12 + (12 if half.lower() == "pm" else 0)
        if hour > 23 or int(minutes) > 59:
            self.result.dropped.append(f"{path}: {show(value)} is not a time of day; left out")
            return None
        return f"{hour:02d}:{minutes}:{seconds or '00'}"

    def items(
        self, data: Mapping[str, Any], key: str, path: str
    ) -> list[tuple[int, dict[str, Any]]]:
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            self.result.dropped.append(f"{path}.{key}: {show(value)} is not a list; left out")
            return []
        out = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                out.append((index, item))
            else:
                self.result.dropped.append(
                    f"{path}.{key}[{index}]: {show(item)} is not a record; left out"
                )
        return out

    # records

    def organization(self, service: Mapping[str, Any]) -> dict[str, Any]:
        given = service.get("organization")
        if isinstance(given, dict):
            name = self.text(given, "name", "organization.name")
            if name and name.strip():
                return self._organization(given)
            self.result.notes.append(
                "organization: has no name; the service is filed under the feed's placeholder "
                "organisation for a curator to name"
            )
        elif given is not None:
            self.result.dropped.append(f"organization: {show(given)} is not a record; left out")
        else:
            self.result.notes.append(
                "organization: none given; the service is filed under the feed's placeholder "
                "organisation for a curator to name"
            )
        placeholder = self.id_for("organization", None, "placeholder")
        self.keep_extra("organization", placeholder, placeholder=True)
        return {
            "id": placeholder,
            "name": "Organisation not given by the feed",
            "description": f"Made by the import of {self.base} for services that name no "
            "organisation. A curator should name it.",
        }

    def _organization(self, given: Mapping[str, Any]) -> dict[str, Any]:
        path = "organization"
        original = given.get("id")
        org_id = self.id_for("organization", original, f"service/{self.result.original_id}")
        if original is not None and not is_uuid(original):
            self.keep_extra("organization", org_id, original_id=str(original)[:255])
        out: dict[str, Any] = {"id": org_id}
        for key in ("name", "alternate_name", "tax_status", "tax_id", "legal_status"):
            value = self.text(given, key, f"{path}.{key}")
            if value is not None:
                out[key] = value.strip() if key == "name" else value
        out["description"] = self.text(given, "description", f"{path}.description") or ""
        if (email := self.email(given.get("email"), f"{path}.email")) is not None:
            out["email"] = email
        website = given.get("website") if given.get("website") else given.get("url")
        if (url := self.url(website, f"{path}.url")) is not None:
            out["website"] = url
        for key in ("logo", "uri"):
            if (link := self.url(given.get(key), f"{path}.{key}")) is not None:
                out[key] = link
        year = self.number(given.get("year_incorporated"), f"{path}.year_incorporated", whole=True)
        if year is not None:
            out["year_incorporated"] = year
        for key in sorted(set(given) - _ORGANIZATION_READ):
            if given[key] not in (None, "", []):
                self.result.not_kept.append(f"organization.{key}")
        return out

    def service(self, data: Mapping[str, Any]) -> dict[str, Any] | None:
        for key in sorted(set(data) - _SERVICE_READ):
            if data[key] not in (None, "", []) and not key.endswith(
                ("target_audience", "target_audiences")
            ):
                self.result.not_kept.append(f"service.{key}")
        given_id = data.get("id")
        if given_id is None or (isinstance(given_id, str) and not given_id.strip()):
            self.result.failure = "has no id"
            return None
        if not isinstance(given_id, str | int) or isinstance(given_id, bool):
            self.result.failure = f"id {show(given_id)} is not text or a number"
            return None
        self.result.original_id = str(given_id).strip()
        if _UNSTORABLE.search(self.result.original_id):
            self.result.failure = (
                "id: holds a character no database can store (NUL or a lone surrogate)"
            )
            return None
        name = data.get("name")
        if not isinstance(name, str) or not _INVISIBLE.sub("", name):
            self.result.failure = "name: has no name"
            return None
        service_id = self.id_for("service", given_id, "")
        if not is_uuid(given_id):
            self.keep_extra("service", service_id, original_id=self.result.original_id[:255])
        out: dict[str, Any] = {"id": service_id, "name": _INVISIBLE.sub(" ", name).strip()}
        for key in (
            "alternate_name",
            "description",
            "interpretation_services",
            "application_process",
            "wait_time",
            "accreditations",
            "licenses",
        ):
            value = self.text(data, key, key)
            if value is not None:
                out[key] = value
        fees = self.text(data, "fees", "fees")
        if fees is not None:
            out["fees_description"] = fees
        status = data.get("status")
        if isinstance(status, str) and status.strip().lower() in m.ServiceStatus.values:
            out["status"] = status.strip().lower()
        else:
            out["status"] = m.ServiceStatus.ACTIVE
            if status not in (None, ""):
                self.result.notes.append(f"status: {show(status)} is not a status; read as active")
        if (url := self.url(data.get("url"), "url")) is not None:
            out["url"] = url
        if (email := self.email(data.get("email"), "email")) is not None:
            out["email"] = email
        if (assured := self.date(data.get("assured_date"), "assured_date")) is not None:
            out["assured_date"] = assured
        out["organization"] = self.organization(data)
        terms = self.delivery(data)
        self.eligibility(data, out, terms)
        out["schedules"] = self.schedules(data, "", service_id)
        out["service_at_locations"] = self.places(data, service_id)
        out["cost_options"] = self.costs(data, service_id, terms)
        out["languages"] = [
            lang
            for index, item in self.items(data, "languages", "")
            if (lang := self.language(item, f"languages[{index}]", service_id, index))
        ]
        out["contacts"] = [
            self.contact(item, f"contacts[{index}]", service_id, index)
            for index, item in self.items(data, "contacts", "")
        ]
        out["phones"] = [
            self.phone(item, f"phones[{index}]", f"{service_id}/phone/{index}")
            for index, item in self.items(data, "phones", "")
        ]
        out["service_areas"] = self.areas(data, service_id)
        out["funding"] = [
            {"id": self.id_for("funding", item.get("id"), f"{service_id}/{index}"), "source": src}
            for index, item in self.items(data, "fundings", "")
            if (src := self.text(item, "source", f"fundings[{index}].source"))
        ]
        attributes = self.taxonomies(data, service_id, terms)
        for term in dict.fromkeys(terms):
            attributes.append(_vocabulary_attribute(service_id, term))
        if attributes:
            out["attributes"] = attributes
        for key in ("reviews",):
            if data.get(key):
                self.result.not_kept.append(f"service.{key}")
        return out

    def delivery(self, data: Mapping[str, Any]) -> list[str]:
        """Vocabulary terms from `deliverable_type`, `attending_type` and `attending_access`."""
        rules = mapping()
        terms: list[str] = []
        for key in ("deliverable_type", "attending_type", "attending_access"):
            value = data.get(key)
            values = value if isinstance(value, list) else [value]
            for item in values:
                if item in (None, ""):
                    continue
                if not isinstance(item, str):
                    self.result.dropped.append(f"{key}: {show(item)} is not text; left out")
                    continue
                said = _words(item)
                found = [
                    f"delivery:{mode}"
                    for mode, phrases in rules.delivery.items()
                    if _says(said, phrases)
                ]
                routes = [
                    f"route:{route}"
                    for route, phrases in rules.route.items()
                    if _says(said, phrases)
                ]
                found += routes
                if not found and key != "deliverable_type":
                    self.result.notes.append(
                        f"{key}: {show(item)} names no delivery mode Linkwork knows; kept as "
                        f"the feed's own text only"
                    )
                terms += found
        if len({t for t in terms if t.startswith("route:")}) > 1:
            terms = [t for t in terms if not t.startswith("route:")]
        return [t for t in dict.fromkeys(terms) if t in TERMS]

    def audience_terms(self, label: Any) -> list[str]:
        if not isinstance(label, str):
            return []
        slugs = mapping().audiences.get(_words(label), ())
        return [f"audience:{slug}" for slug in slugs if f"audience:{slug}" in TERMS]

    def eligibility(self, data: Mapping[str, Any], out: dict[str, Any], terms: list[str]) -> None:
        texts: list[str] = []
        lows: list[int] = []
        highs: list[int] = []
        for index, item in self.items(data, "eligibilitys", ""):
            path = f"eligibilitys[{index}]"
            label = self.text(item, "eligibility", f"{path}.eligibility")
            if label and label.strip():
                texts.append(label.strip())
                terms += self.audience_terms(label)
            low = self.number(item.get("minimum_age"), f"{path}.minimum_age", whole=True)
            high = self.number(item.get("maximum_age"), f"{path}.maximum_age", whole=True)
            if isinstance(low, int):
                lows.append(low)
            if isinstance(high, int):
                highs.append(high)
            for key in set(item) - {
                "id",
                "service_id",
                "eligibility",
                "minimum_age",
                "maximum_age",
            }:
                self.result.not_kept.append(f"eligibility.{key}")
        for key in data:
            if key.endswith(("target_audience", "target_audiences")):
                value = data[key]
                for label in value if isinstance(value, list) else [value]:
                    if isinstance(label, dict):
                        label = label.get("name") or label.get("label")
                    terms += self.audience_terms(label)
        if texts:
            out["eligibility_description"] = "; ".join(dict.fromkeys(texts))
        if lows:
            out["minimum_age"] = min(lows)
        if highs:
            out["maximum_age"] = max(highs)

    def schedules(self, data: Mapping[str, Any], path: str, owner: str) -> list[dict[str, Any]]:
        out = []
        prefix = f"{path}." if path else ""
        for index, item in self.items(data, "regular_schedules", path):
            where = f"{prefix}regular_schedules[{index}]"
            schedule: dict[str, Any] = {
                "id": self.id_for("schedule", item.get("id"), f"{owner}/regular/{index}")
            }
            weekday = item.get("weekday")
            byday = item.get("byday")
            if isinstance(byday, str) and byday.strip():
                schedule["byday"] = byday.strip().upper().replace(" ", "")
            elif weekday not in (None, ""):
                code = _WEEKDAYS.get(str(weekday).strip().lower()) or _WEEKDAYS.get(
                    str(weekday).strip().upper()
                )
                if code is None:
                    self.result.dropped.append(
                        f"{where}.weekday: {show(weekday)} is not a day; left out"
                    )
                else:
                    schedule["byday"] = code
            freq = item.get("freq")
            if isinstance(freq, str) and freq.strip():
                word = freq.strip().upper()
                if word == "FORTNIGHTLY":
                    schedule["freq"], schedule["interval"] = "WEEKLY", 2
                else:
                    schedule["freq"] = word
            elif "byday" in schedule:
                schedule["freq"] = m.Frequency.WEEKLY
            interval = self.number(item.get("interval"), f"{where}.interval", whole=True)
            if interval is not None:
                schedule["interval"] = interval
            for key in ("opens_at", "closes_at"):
                if (value := self.time(item.get(key), f"{where}.{key}")) is not None:
                    schedule[key] = value
            for key in ("valid_from", "valid_to", "dtstart"):
                if (value := self.date(item.get(key), f"{where}.{key}")) is not None:
                    schedule[key] = value
            for key in ("bymonthday", "description"):
                if (value := self.text(item, key, f"{where}.{key}")) is not None:
                    schedule[key] = value
            out.append(schedule)
        for index, item in self.items(data, "holiday_schedules", path):
            where = f"{prefix}holiday_schedules[{index}]"
            closed = item.get("closed")
            schedule = {
                "id": self.id_for("holiday_schedule", item.get("id"), f"{owner}/holiday/{index}")
            }
            for key, target in (("start_date", "valid_from"), ("end_date", "valid_to")):
                if (value := self.date(item.get(key), f"{where}.{key}")) is not None:
                    schedule[target] = value
            if closed in (True, "true", "True", 1):
                schedule["description"] = "Closed (holiday)"
            else:
                schedule["description"] = "Holiday opening"
                for key in ("opens_at", "closes_at"):
                    if (value := self.time(item.get(key), f"{where}.{key}")) is not None:
                        schedule[key] = value
            out.append(schedule)
        return out

    def places(self, data: Mapping[str, Any], service_id: str) -> list[dict[str, Any]]:
        out = []
        for index, item in self.items(data, "service_at_locations", ""):
            path = f"service_at_locations[{index}]"
            location = item.get("location")
            if not isinstance(location, dict):
                self.result.dropped.append(f"{path}: has no location; left out")
                continue
            sal_id = self.id_for("service_at_location", item.get("id"), f"{service_id}/{index}")
            place: dict[str, Any] = {"id": sal_id, "location": self.location(location, path)}
            schedules = self.schedules(item, path, sal_id)
            if schedules:
                place["schedules"] = schedules
            out.append(place)
        return out

    def location(self, data: Mapping[str, Any], path: str) -> dict[str, Any]:
        path = f"{path}.location"
        loc_id = self.id_for("location", data.get("id"), path + f"/{self.result.original_id}")
        out: dict[str, Any] = {"id": loc_id, "location_type": m.LocationType.PHYSICAL}
        for key in ("name", "alternate_name", "description", "transportation"):
            if (value := self.text(data, key, f"{path}.{key}")) is not None:
                out[key] = value
        lat = self.number(data.get("latitude"), f"{path}.latitude")
        lon = self.number(data.get("longitude"), f"{path}.longitude")
        if lat is not None and lon is not None:
            if lat == 0 and lon == 0:
                self.result.dropped.append(
                    f"{path}.latitude: 0, 0 is no place (a feed's empty coordinates); left out"
                )
            else:
                out["latitude"], out["longitude"] = lat, lon
        addresses = []
        for index, item in self.items(data, "physical_addresses", path):
            addresses.append(
                self.address(item, f"{path}.physical_addresses[{index}]", loc_id, index)
            )
        if addresses:
            out["addresses"] = addresses
        access = []
        for index, item in self.items(data, "accessibility_for_disabilities", path):
            where = f"{path}.accessibility_for_disabilities[{index}]"
            entry: dict[str, Any] = {
                "id": self.id_for("accessibility", item.get("id"), f"{loc_id}/{index}")
            }
            for key, target in (("accessibility", "description"), ("details", "details")):
                if (value := self.text(item, key, f"{where}.{key}")) is not None:
                    entry[target] = value
            access.append(entry)
        if access:
            out["accessibility"] = access
        return out

    def address(
        self, data: Mapping[str, Any], path: str, loc_id: str, index: int
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id_for("address", data.get("id"), f"{loc_id}/{index}"),
            "address_type": m.LocationType.PHYSICAL,
        }
        lines = [
            value.strip()
            for key in ("address_1", "address_2", "address_3", "address_4")
            if (value := self.text(data, key, f"{path}.{key}"))
        ]
        out["address_1"] = lines[0] if lines else ""
        if len(lines) > 1:
            out["address_2"] = ", ".join(lines[1:])
        for key in ("attention", "city", "region", "state_province"):
            value = self.text(data, key, f"{path}.{key}")
            out[key] = value.strip() if value else ""
        postcode = self.text(data, "postal_code", f"{path}.postal_code") or ""
        out["postal_code"] = _INVISIBLE.sub(" ", postcode).strip().upper()
        country = self.text(data, "country", f"{path}.country") or "GB"
        if _words(country) in _COUNTRIES:
            country = "GB"
        out["country"] = country
        return out

    def costs(
        self, data: Mapping[str, Any], service_id: str, terms: list[str]
    ) -> list[dict[str, Any]]:
        out = []
        rules = mapping()
        for index, item in self.items(data, "cost_options", ""):
            path = f"cost_options[{index}]"
            cost: dict[str, Any] = {
                "id": self.id_for("cost_option", item.get("id"), f"{service_id}/{index}"),
                "currency": "GBP",
            }
            for key in ("option", "amount_description"):
                if (value := self.text(item, key, f"{path}.{key}")) is not None:
                    cost[key] = value
            for key in ("valid_from", "valid_to"):
                if (value := self.date(item.get(key), f"{path}.{key}")) is not None:
                    cost[key] = value
            amount = item.get("amount")
            said = " ".join(_words(str(cost.get(k, ""))) for k in ("option", "amount_description"))
            if isinstance(amount, str) and _words(amount) in rules.free:
                amount = 0
            number = self.number(amount, f"{path}.amount")
            if number is None and amount in (None, "") and _says(said, ("free",)):
                number = 0
                self.result.notes.append(f"{path}: says it is free; read as amount 0")
            if number is not None:
                cost["amount"] = number
            out.append(cost)
        fees = data.get("fees")
        if not out and isinstance(fees, str) and _words(fees) in rules.free:
            terms.append(FREE)
        return out

    def language(
        self, data: Mapping[str, Any], path: str, service_id: str, index: int
    ) -> dict[str, Any] | None:
        name = self.text(data, "language", f"{path}.language")
        if not name or not name.strip():
            return None
        out: dict[str, Any] = {
            "id": self.id_for("language", data.get("id"), f"{service_id}/{index}")
        }
        name = name.strip()
        if re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$", name):
            out["code"] = name
        else:
            out["name"] = name
        return out

    def phone(self, data: Mapping[str, Any], path: str, fallback: str) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id_for("phone", data.get("id"), fallback)}
        number = self.text(data, "number", f"{path}.number") or ""
        out["number"] = _INVISIBLE.sub(" ", number).strip()
        if (description := self.text(data, "description", f"{path}.description")) is not None:
            out["description"] = description
        kind = data.get("type")
        if isinstance(kind, str) and kind.strip():
            mapped = _PHONE_TYPES.get(kind.strip().lower())
            if mapped in m.PhoneType.values:
                out["type"] = mapped
            else:
                self.result.dropped.append(
                    f"{path}.type: {show(kind)} is not a phone type; left out"
                )
        extension = self.number(data.get("extension"), f"{path}.extension", whole=True)
        if extension is not None:
            out["extension"] = extension
        return out

    def contact(
        self, data: Mapping[str, Any], path: str, service_id: str, index: int
    ) -> dict[str, Any]:
        contact_id = self.id_for("contact", data.get("id"), f"{service_id}/{index}")
        out: dict[str, Any] = {"id": contact_id}
        for key in ("name", "title", "department"):
            if (value := self.text(data, key, f"{path}.{key}")) is not None:
                out[key] = value
        if (email := self.email(data.get("email"), f"{path}.email")) is not None:
            out["email"] = email
        phones = [
            self.phone(item, f"{path}.phones[{i}]", f"{contact_id}/phone/{i}")
            for i, item in self.items(data, "phones", path)
        ]
        if phones:
            out["phones"] = phones
        return out

    def areas(self, data: Mapping[str, Any], service_id: str) -> list[dict[str, Any]]:
        out = []
        for index, item in self.items(data, "service_areas", ""):
            path = f"service_areas[{index}]"
            area_id = self.id_for("service_area", item.get("id"), f"{service_id}/{index}")
            area: dict[str, Any] = {"id": area_id}
            name = self.text(item, "name", f"{path}.name") or self.text(
                item, "service_area", f"{path}.service_area"
            )
            if name:
                area["name"] = name
            for key in ("description", "extent"):
                if (value := self.text(item, key, f"{path}.{key}")) is not None:
                    area[key] = value
            if (uri := self.url(item.get("uri"), f"{path}.uri")) is not None:
                area["uri"] = uri
            for key in ("identifier", "service_area", "uri", "name"):
                value = item.get(key)
                found = _LA_CODE.search(value) if isinstance(value, str) else None
                if found:
                    self.keep_extra("service_area", area_id, local_authority_code=found.group(1))
                    break
            out.append(area)
        return out

    def taxonomies(
        self, data: Mapping[str, Any], service_id: str, terms: list[str]
    ) -> list[dict[str, Any]]:
        out = []
        for index, item in self.items(data, "service_taxonomys", ""):
            path = f"service_taxonomys[{index}]"
            taxonomy = item.get("taxonomy")
            if not isinstance(taxonomy, dict):
                self.result.dropped.append(
                    f"{path}.taxonomy: {show(taxonomy)} is not a term; left out"
                )
                continue
            name = self.text(taxonomy, "name", f"{path}.taxonomy.name")
            if not name or not name.strip():
                self.result.dropped.append(f"{path}.taxonomy: has no name; left out")
                continue
            vocabulary = self.text(taxonomy, "vocabulary", f"{path}.taxonomy.vocabulary") or ""
            if "audience" in vocabulary.lower():
                terms += self.audience_terms(name)
            term_id = self.id_for("taxonomy_term", taxonomy.get("id"), f"{vocabulary}/{name}")
            term: dict[str, Any] = {"id": term_id, "name": name.strip(), "description": ""}
            original = taxonomy.get("id")
            if original is not None and not is_uuid(original) and str(original).strip():
                term["code"] = str(original).strip()[:100]
            if vocabulary:
                term["taxonomy"] = vocabulary
            out.append(
                {
                    "id": self.id_for("attribute", item.get("id"), f"{service_id}/{term_id}"),
                    "taxonomy_term_id": term_id,
                    "taxonomy_term": term,
                    "link_type": "service_taxonomy",
                }
            )
        return out


def _vocabulary_attribute(service_id: str, term: str) -> dict[str, Any]:
    """A Linkwork vocabulary term (`delivery:online`) as an attribute of the service."""
    term_id = str(attribute_term_id(term))
    return {
        "id": str(attribute_id(uuid.UUID(service_id), term)),
        "taxonomy_term_id": term_id,
        "taxonomy_term": {
            "id": term_id,
            "name": term,
            "code": term,
            "taxonomy": ATTRIBUTE_TAXONOMY,
            "description": TERMS[term],
        },
    }


def translate(record: Mapping[str, Any], base: str) -> Translated:
    """One 1.0 service record as a 3.0 service record."""
    result = Translated(data={})
    data = _Translator(base, result).service(record)
    if data is not None:
        result.data = data
    result.not_kept = sorted(set(result.not_kept))
    return result


def service_area_for(service_id: str, code: str) -> tuple[dict[str, Any], uuid.UUID]:
    """The service area `--area CODE` states for a service, and its id."""
    area_id = uuid.uuid5(ORUK1_NAMESPACE, f"area|{service_id}|{code}")
    return (
        {
            "id": str(area_id),
            "name": code,
            "description": "The local authority area the feed serves (stated at import).",
        },
        area_id,
    )
