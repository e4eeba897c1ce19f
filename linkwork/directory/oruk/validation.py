"""Checks that an Open Referral UK 3.0 / HSDS 3.0 record can be imported, field by field.

Written from the ORUK 3.0 JSON Schemas and the HSDS 3.0 reference: every record type lists its
fields (type, required or not, allowed values, ranges) and the records nested in it. The module
never reads the published schemas; the tests compare the two. ORUK's fields are a subset of
HSDS's, so one list serves both.

A problem names the field by its path inside the record, such as `schedules[0].byday`. Errors
reject the whole record. Warnings are for values Linkwork cannot keep although the record is
right without them (coordinates off the globe, a language with neither a name nor a code): the
record is imported without them and the report says what was left out.

Two lenient readings, because real feeds do both: a `null` is read as an omitted field, and so
is an empty string in a field that has a format (a date, a URI, an email address).
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

from linkwork.core import links
from linkwork.directory import models as m


class Type(StrEnum):
    TEXT = "text"
    UUID = "uuid"
    EMAIL = "email"
    URI = "uri"
    DATE = "date"
    DATETIME = "date-time"
    TIME = "time"
    NUMBER = "number"
    INTEGER = "integer"


@dataclass(frozen=True)
class Field:
    """One field of a record as the standard defines it, and where Linkwork keeps it."""

    type: Type = Type.TEXT
    required: bool = False
    not_blank: bool = False
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    # An extra check of text values: returns what is wrong, or None.
    check: Callable[[str], str | None] | None = None
    # The model attribute that keeps the value; None means the field's own name, "" nowhere.
    attr: str | None = None
    # An older or deprecated name, read only when the main field is not given.
    fallback: bool = False
    # For `*_id` fields: the record type named.
    reference: str = ""
    # Codes stored in upper case (currency, country).
    upper: bool = False


@dataclass(frozen=True)
class Nested:
    """Records nested in a record.

    `many`: a list of child records, each linked back to this one by its field `link`
    (`link_id` for attributes, which link by table name and id). Otherwise a single record
    this one refers to by its own field `link` (a service's `organization`).
    `owned`: the list is the whole set of such children, so an import removes the others.
    """

    record: str
    many: bool
    link: str
    owned: bool = True


@dataclass(frozen=True)
class RecordType:
    name: str
    model: type[m.HsdsRecord]
    fields: Mapping[str, Field]
    nested: Mapping[str, Nested]
    # Fields of the standard that Linkwork has no place for: read past, and counted.
    not_stored: frozenset[str] = frozenset()

    def attr(self, key: str) -> str:
        spec = self.fields[key]
        return key if spec.attr is None else spec.attr

    def max_length(self, key: str) -> int | None:
        return _max_length(self.model, self.attr(key))


@cache
def _max_length(model: type[m.HsdsRecord], attr: str) -> int | None:
    if not attr:
        return None
    model_field = model._meta.get_field(attr)
    if not isinstance(model_field, models.CharField):
        return None
    return model_field.max_length


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    warning: bool = False
    # For warnings: the paths of the values or nested records the import leaves out.
    drops: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass
class Checked:
    """What `check` found in one record."""

    problems: list[Problem] = field(default_factory=list)
    # `record_type.field` for every field read past because Linkwork does not keep it.
    not_stored: list[str] = field(default_factory=list)
    # `record_type.field` for every list left unread because the record is a list item.
    unread: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    @property
    def dropped(self) -> frozenset[str]:
        return frozenset(path for p in self.problems for path in p.drops)


# Field types -------------------------------------------------------------------------------

_UUID_RE: Final = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_URI_RE: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
_DATE_RE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_RE: Final = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$"
)
_TIME_RE: Final = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$")
_DAY_RE: Final = re.compile(r"^(?:([+-]?)(\d{1,2}))?(MO|TU|WE|TH|FR|SA|SU)$")
_NUMBER_LIST_RE: Final = re.compile(r"^[+-]?\d{1,3}$")
_UNSTORABLE_RE: Final = re.compile("[\x00\ud800-\udfff]")
_CURRENCY_RE: Final = re.compile(r"^[A-Za-z]{3}$")
_COUNTRY_RE: Final = re.compile(r"^[A-Za-z]{2}$")


def show(value: Any) -> str:
    """A value as it appears in the JSON, shortened: `"XX"`, `12345`, `false`."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    # Lone surrogates (valid in JSON, not in UTF-8) are shown escaped, so a report prints.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= 60 else text[:57] + "..."


def parse_date(text: str) -> date | None:
    if not _DATE_RE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_datetime(text: str) -> datetime | None:
    """An ISO 8601 date and time; one without a time zone is read as UTC."""
    if not _DATETIME_RE.match(text):
        return None
    try:
        value = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_time(text: str) -> tuple[time, float | None] | None:
    """A time of day and its UTC offset in hours, if it has one."""
    if not _TIME_RE.match(text):
        return None
    try:
        value = time.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    offset = value.utcoffset()
    hours = offset.total_seconds() / 3600 if offset is not None else None
    return value.replace(tzinfo=None), hours


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _format_problem(spec: Field, value: str) -> str | None:
    """What is wrong with a text value of a field with a format, or None."""
    if spec.type is Type.UUID and not _UUID_RE.match(value):
        return f"{show(value)} is not a UUID"
    if spec.type is Type.EMAIL and not _is_email(value):
        return f"{show(value)} is not an email address"
    if spec.type is Type.URI and not _URI_RE.match(links.normalise(value)):
        return f"{show(value)} is not a URI (it needs a scheme, such as https://)"
    if spec.type is Type.DATE and parse_date(value) is None:
        return f"{show(value)} is not a date (YYYY-MM-DD)"
    if spec.type is Type.DATETIME and parse_datetime(value) is None:
        return f"{show(value)} is not a date and time (such as 2025-03-15T10:30:00Z)"
    if spec.type is Type.TIME and parse_time(value) is None:
        return f"{show(value)} is not a time of day (HH:MM or HH:MM:SS)"
    return None


def parse_value(spec: Field, value: Any) -> Any:
    """A checked value as the model keeps it (dates as dates, amounts as decimals...)."""
    if spec.type is Type.UUID:
        return uuid.UUID(value)
    if spec.type is Type.DATE:
        return parse_date(value)
    if spec.type is Type.DATETIME:
        return parse_datetime(value)
    if spec.type is Type.TIME:
        parsed = parse_time(value)
        return parsed[0] if parsed else None
    if spec.type is Type.INTEGER:
        return int(value)
    if spec.type is Type.NUMBER:
        return float(value)
    if spec.type is Type.URI:
        return links.normalise(value)
    return value.upper() if spec.upper else value


# Checks of particular fields ---------------------------------------------------------------


def _days(text: str) -> str | None:
    for part in (p.strip() for p in text.split(",")):
        match = _DAY_RE.match(part)
        if not match or (match.group(2) and not 1 <= int(match.group(2)) <= 53):
            return f"{show(part)} is not a day (MO to SU, optionally after a number, as in 1SA)"
    return None


def _numbers(noun: str, high: int) -> Callable[[str], str | None]:
    def check(text: str) -> str | None:
        for part in (p.strip() for p in text.split(",")):
            if not _NUMBER_LIST_RE.match(part) or not 1 <= abs(int(part)) <= high:
                return f"{show(part)} is not a {noun} (1 to {high}, or -{high} to -1)"
        return None

    return check


def _currency(text: str) -> str | None:
    return None if _CURRENCY_RE.match(text) else f"{show(text)} is not an ISO 4217 currency code"


def _country(text: str) -> str | None:
    if _COUNTRY_RE.match(text):
        return None
    return f"{show(text)} is not an ISO 3166-1 country code (two letters, such as GB)"


# The record types ----------------------------------------------------------------------------

_ID: Final = Field(Type.UUID, required=True)
_DAYS: Final = tuple(m.Weekday.values)


def _ref(record: str) -> Field:
    return Field(Type.UUID, reference=record)


def _attributes() -> dict[str, Nested]:
    return {"attributes": Nested("attribute", many=True, link="link_id")}


def _record_type(
    name: str,
    model: type[m.HsdsRecord],
    fields: dict[str, Field],
    nested: dict[str, Nested] | None = None,
    not_stored: tuple[str, ...] = (),
) -> RecordType:
    return RecordType(
        name=name,
        model=model,
        fields=MappingProxyType({"id": _ID, **fields}),
        nested=MappingProxyType({**(nested or {}), **_attributes()}),
        not_stored=frozenset({*not_stored, "metadata"}),
    )


RECORD_TYPES: Final[Mapping[str, RecordType]] = MappingProxyType(
    {
        t.name: t
        for t in (
            _record_type(
                "organization",
                m.Organization,
                {
                    "name": Field(required=True, not_blank=True),
                    "alternate_name": Field(),
                    "description": Field(required=True),
                    "email": Field(Type.EMAIL),
                    "website": Field(Type.URI),
                    "tax_status": Field(),
                    "tax_id": Field(),
                    "year_incorporated": Field(Type.INTEGER, low=1000, high=9999),
                    "legal_status": Field(),
                    "logo": Field(),
                    "uri": Field(Type.URI),
                    "parent_organization_id": _ref("organization"),
                },
                {
                    "organization_identifiers": Nested(
                        "organization_identifier", many=True, link="organization_id"
                    ),
                    "funding": Nested("funding", many=True, link="organization_id"),
                    "contacts": Nested("contact", many=True, link="organization_id"),
                    "phones": Nested("phone", many=True, link="organization_id"),
                    "locations": Nested("location", many=True, link="organization_id", owned=False),
                    "services": Nested("service", many=True, link="organization_id", owned=False),
                },
                not_stored=("programs",),
            ),
            _record_type(
                "organization_identifier",
                m.OrganizationIdentifier,
                {
                    "organization_id": _ref("organization"),
                    "identifier_scheme": Field(),
                    "identifier_type": Field(required=True, not_blank=True),
                    "identifier": Field(required=True, not_blank=True),
                },
            ),
            _record_type(
                "service",
                m.Service,
                {
                    "organization_id": _ref("organization"),
                    "name": Field(required=True, not_blank=True),
                    "alternate_name": Field(),
                    "description": Field(),
                    "url": Field(Type.URI),
                    "email": Field(Type.EMAIL),
                    "status": Field(required=True, choices=tuple(m.ServiceStatus.values)),
                    "interpretation_services": Field(),
                    "application_process": Field(),
                    "fees_description": Field(),
                    "fees": Field(attr="fees_description", fallback=True),
                    "wait_time": Field(),
                    "accreditations": Field(),
                    "eligibility_description": Field(),
                    "minimum_age": Field(Type.INTEGER, low=0, high=150),
                    "maximum_age": Field(Type.INTEGER, low=0, high=150),
                    "assured_date": Field(Type.DATE),
                    "assurer_email": Field(Type.EMAIL),
                    "licenses": Field(),
                    "alert": Field(),
                    "last_modified": Field(Type.DATETIME),
                },
                {
                    "organization": Nested("organization", many=False, link="organization_id"),
                    "phones": Nested("phone", many=True, link="service_id"),
                    "schedules": Nested("schedule", many=True, link="service_id"),
                    "service_areas": Nested("service_area", many=True, link="service_id"),
                    "service_at_locations": Nested(
                        "service_at_location", many=True, link="service_id"
                    ),
                    "languages": Nested("language", many=True, link="service_id"),
                    "funding": Nested("funding", many=True, link="service_id"),
                    "cost_options": Nested("cost_option", many=True, link="service_id"),
                    "contacts": Nested("contact", many=True, link="service_id"),
                },
                not_stored=("program", "program_id", "required_documents", "capacities"),
            ),
            _record_type(
                "service_at_location",
                m.ServiceAtLocation,
                {
                    "service_id": _ref("service"),
                    "location_id": _ref("location"),
                    "description": Field(),
                },
                {
                    "service": Nested("service", many=False, link="service_id"),
                    "location": Nested("location", many=False, link="location_id"),
                    "contacts": Nested("contact", many=True, link="service_at_location_id"),
                    "phones": Nested("phone", many=True, link="service_at_location_id"),
                    "schedules": Nested("schedule", many=True, link="service_at_location_id"),
                },
            ),
            _record_type(
                "location",
                m.Location,
                {
                    "location_type": Field(required=True, choices=tuple(m.LocationType.values)),
                    "url": Field(Type.URI),
                    "organization_id": _ref("organization"),
                    "name": Field(),
                    "alternate_name": Field(),
                    "description": Field(),
                    "transportation": Field(),
                    "latitude": Field(Type.NUMBER),
                    "longitude": Field(Type.NUMBER),
                    "external_identifier": Field(),
                    "external_identifier_type": Field(),
                },
                {
                    "languages": Nested("language", many=True, link="location_id"),
                    "addresses": Nested("address", many=True, link="location_id"),
                    "contacts": Nested("contact", many=True, link="location_id"),
                    "accessibility": Nested("accessibility", many=True, link="location_id"),
                    "phones": Nested("phone", many=True, link="location_id"),
                    "schedules": Nested("schedule", many=True, link="location_id"),
                },
            ),
            _record_type(
                "address",
                m.Address,
                {
                    "location_id": _ref("location"),
                    "attention": Field(),
                    "address_1": Field(required=True),
                    "address_2": Field(),
                    "city": Field(required=True),
                    "region": Field(),
                    "state_province": Field(required=True),
                    "postal_code": Field(required=True),
                    "country": Field(required=True, check=_country, upper=True),
                    "address_type": Field(required=True, choices=tuple(m.LocationType.values)),
                },
            ),
            _record_type(
                "phone",
                m.Phone,
                {
                    "location_id": _ref("location"),
                    "service_id": _ref("service"),
                    "organization_id": _ref("organization"),
                    "contact_id": _ref("contact"),
                    "service_at_location_id": _ref("service_at_location"),
                    "number": Field(required=True, not_blank=True),
                    "extension": Field(Type.INTEGER, low=0, high=2_147_483_647),
                    "type": Field(choices=tuple(m.PhoneType.values)),
                    "description": Field(),
                },
                {"languages": Nested("language", many=True, link="phone_id")},
            ),
            _record_type(
                "contact",
                m.Contact,
                {
                    "organization_id": _ref("organization"),
                    "service_id": _ref("service"),
                    "service_at_location_id": _ref("service_at_location"),
                    "location_id": _ref("location"),
                    "name": Field(),
                    "title": Field(),
                    "department": Field(),
                    "email": Field(Type.EMAIL),
                },
                {"phones": Nested("phone", many=True, link="contact_id")},
            ),
            _record_type(
                "schedule",
                m.Schedule,
                {
                    "service_id": _ref("service"),
                    "location_id": _ref("location"),
                    "service_at_location_id": _ref("service_at_location"),
                    "valid_from": Field(Type.DATE),
                    "valid_to": Field(Type.DATE),
                    "dtstart": Field(Type.DATE),
                    "timezone": Field(Type.NUMBER, low=-12, high=14),
                    "until": Field(Type.DATE),
                    "count": Field(Type.INTEGER, low=0, high=2_147_483_647),
                    "wkst": Field(choices=_DAYS),
                    "freq": Field(choices=tuple(m.Frequency.values)),
                    "interval": Field(Type.INTEGER, low=1, high=32767),
                    "byday": Field(check=_days),
                    "byweekno": Field(check=_numbers("week number", 53)),
                    "bymonthday": Field(check=_numbers("day of the month", 31)),
                    "byyearday": Field(check=_numbers("day of the year", 366)),
                    "description": Field(),
                    "opens_at": Field(Type.TIME),
                    "closes_at": Field(Type.TIME),
                    "schedule_link": Field(Type.URI),
                    "attending_type": Field(),
                    "notes": Field(),
                },
            ),
            _record_type(
                "cost_option",
                m.CostOption,
                {
                    "service_id": _ref("service"),
                    "valid_from": Field(Type.DATE),
                    "valid_to": Field(Type.DATE),
                    "option": Field(),
                    "currency": Field(check=_currency, upper=True),
                    "amount": Field(Type.NUMBER, low=0, high=99_999_999.99),
                    "amount_description": Field(),
                },
            ),
            _record_type(
                "language",
                m.Language,
                {
                    "service_id": _ref("service"),
                    "location_id": _ref("location"),
                    "phone_id": _ref("phone"),
                    "name": Field(),
                    "code": Field(),
                    "note": Field(),
                },
            ),
            _record_type(
                "accessibility",
                m.Accessibility,
                {
                    "location_id": _ref("location"),
                    "description": Field(),
                    "details": Field(),
                    "url": Field(Type.URI),
                    "accessibility": Field(attr="description", fallback=True),
                },
            ),
            _record_type(
                "service_area",
                m.ServiceArea,
                {
                    "service_id": _ref("service"),
                    "name": Field(),
                    "description": Field(),
                    "extent": Field(),
                    "extent_type": Field(choices=tuple(m.ExtentType.values)),
                    "uri": Field(),
                    "service_area": Field(attr="name", fallback=True),
                },
            ),
            _record_type(
                "funding",
                m.Funding,
                {
                    "organization_id": _ref("organization"),
                    "service_id": _ref("service"),
                    "source": Field(),
                },
            ),
            _record_type(
                "taxonomy",
                m.Taxonomy,
                {
                    "name": Field(required=True, not_blank=True),
                    "description": Field(required=True),
                    "uri": Field(Type.URI),
                    "version": Field(),
                },
                {
                    "taxonomy_terms": Nested(
                        "taxonomy_term", many=True, link="taxonomy_id", owned=False
                    )
                },
            ),
            _record_type(
                "taxonomy_term",
                m.TaxonomyTerm,
                {
                    "code": Field(),
                    "name": Field(required=True, not_blank=True),
                    "description": Field(required=True),
                    "parent_id": _ref("taxonomy_term"),
                    "taxonomy": Field(attr="taxonomy_detail"),
                    "taxonomy_id": _ref("taxonomy"),
                    "language": Field(),
                    "term_uri": Field(Type.URI),
                    "term": Field(attr="name", fallback=True),
                },
                {"taxonomy_detail": Nested("taxonomy", many=False, link="taxonomy_id")},
            ),
            _record_type(
                "attribute",
                m.Attribute,
                {
                    "link_id": Field(Type.UUID, attr=""),
                    "link_entity": Field(attr=""),
                    "link_type": Field(),
                    "taxonomy_term_id": _ref("taxonomy_term"),
                    "value": Field(),
                    "label": Field(),
                },
                {"taxonomy_term": Nested("taxonomy_term", many=False, link="taxonomy_term_id")},
            ),
        )
    }
)

# Record types that may stand alone as a whole record in a feed or a file.
TOP_LEVEL: Final = (
    "service",
    "organization",
    "service_at_location",
    "location",
    "taxonomy",
    "taxonomy_term",
)


# The check -------------------------------------------------------------------------------


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _at(path: str) -> str:
    return path or "the top of the record"


@dataclass
class _Seen:
    record_type: str
    path: str
    scalars: dict[str, Any]


def _enclosing_item(path: str) -> str:
    """The nearest list item a path lies in (`schedules[0]` for `schedules[0].byday`), or ""
    when it lies in the record itself."""
    end = path.rfind("]")
    return path[: end + 1] if end >= 0 else ""


class _Checker:
    def __init__(self, *, lenient: bool = False) -> None:
        self.result = Checked()
        self.ids: dict[str, _Seen] = {}
        self.lenient = lenient

    def error(self, path: str, message: str, *, required: bool = False) -> None:
        """A problem: rejects the record, or, when lenient, drops the field (or, for a required
        one, the list item it lies in) and keeps the record; a required field of the record
        itself still rejects it."""
        if not self.lenient:
            self.result.problems.append(Problem(path, message))
            return
        if not required:
            self.warn(path, f"{message}; the field was left out", path)
            return
        item = _enclosing_item(path)
        if not item:
            self.result.problems.append(Problem(path, message))
            return
        self.warn(path, f"{message}; {item} was left out", item)

    def warn(self, path: str, message: str, *drops: str) -> None:
        self.result.problems.append(Problem(path, message, warning=True, drops=drops))

    def record(
        self, rtype: RecordType, data: Any, path: str, *, list_item: bool, parent: str
    ) -> None:
        if not isinstance(data, dict):
            self.error(path, f"{show(data)} is not an object")
            return
        self.remember(rtype, data, path)
        for key, value in data.items():
            if value is None:
                continue
            if key in rtype.fields:
                self.field(rtype, key, value, _join(path, key))
            elif key in rtype.nested:
                self.nested(rtype, key, value, _join(path, key), list_item=list_item)
            else:
                self.result.not_stored.append(f"{rtype.name}.{key}")
        for key, spec in rtype.fields.items():
            if spec.required and data.get(key) in (None, ""):
                if data.get(key) == "" and not spec.not_blank and spec.type is Type.TEXT:
                    continue
                self.error(_join(path, key), "is required", required=True)
        _RULES.get(rtype.name, _no_rule)(self, data, path, parent)

    def field(self, rtype: RecordType, key: str, value: Any, path: str) -> None:
        spec = rtype.fields[key]
        need = spec.required
        if spec.type in (Type.NUMBER, Type.INTEGER):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                self.error(path, f"{show(value)} is not a number", required=need)
            elif spec.type is Type.INTEGER and value != int(value):
                self.error(path, f"{show(value)} is not a whole number", required=need)
            elif spec.low is not None and value < spec.low:
                self.error(path, f"{show(value)} is below {spec.low:g}", required=need)
            elif spec.high is not None and value > spec.high:
                self.error(path, f"{show(value)} is above {spec.high:g}", required=need)
            return
        if not isinstance(value, str):
            self.error(path, f"{show(value)} is not text", required=need)
            return
        if _UNSTORABLE_RE.search(value):
            self.error(
                path,
                "holds a character no database can store (NUL or a lone surrogate)",
                required=need,
            )
            return
        if spec.not_blank and not value.strip():
            self.error(path, "is empty", required=need)
            return
        if spec.type is not Type.TEXT:
            if value == "":
                return
            if spec.type is Type.URI and links.scheme_of(value):
                # Only http(s) addresses are kept (`core.links`): any other, `javascript:` and
                # `data:` first, is left out with its reason and the record is kept.
                reason = links.problem(links.normalise(value))
                if reason and need:
                    self.error(path, f"{show(value)} {reason}", required=True)
                    return
                if reason:
                    self.warn(path, f"{show(value)} {reason}; the field was left out", path)
                    return
            problem = _format_problem(spec, value)
            if problem:
                self.error(path, problem, required=need)
                return
        if spec.choices and value not in spec.choices:
            self.error(
                path, f"{show(value)} is not one of {', '.join(spec.choices)}", required=need
            )
            return
        if spec.check is not None and value:
            problem = spec.check(value)
            if problem:
                self.error(path, problem, required=need)
                return
        limit = rtype.max_length(key)
        if limit is not None and len(value) > limit:
            self.error(
                path,
                f"is {len(value)} characters long; Linkwork keeps at most {limit}",
                required=need,
            )

    def nested(
        self, rtype: RecordType, key: str, value: Any, path: str, *, list_item: bool
    ) -> None:
        spec = rtype.nested[key]
        child = RECORD_TYPES[spec.record]
        if not spec.many:
            self.record(child, value, path, list_item=list_item, parent=rtype.name)
            return
        if list_item:
            self.result.unread.append(f"{rtype.name}.{key}")
            return
        if not isinstance(value, list):
            self.error(path, f"{show(value)} is not a list")
            return
        for index, item in enumerate(value):
            self.record(child, item, f"{path}[{index}]", list_item=False, parent=rtype.name)

    def remember(self, rtype: RecordType, data: Mapping[str, Any], path: str) -> None:
        """Every record in a record needs its own id; the same record may appear more than
        once (HSDS repeats a phone under each record it belongs to), but always the same."""
        record_id = data.get("id")
        if not isinstance(record_id, str) or not _UUID_RE.match(record_id):
            return
        key = record_id.lower()
        scalars = {k: v for k, v in data.items() if k in rtype.fields and v is not None}
        seen = self.ids.get(key)
        if seen is None:
            self.ids[key] = _Seen(rtype.name, path, scalars)
            return
        where = _join(path, "id")
        if seen.record_type != rtype.name:
            self.error(
                where,
                f"{show(record_id)} is already the id of the {seen.record_type} at "
                f"{_at(seen.path)}; every record needs its own id",
                required=True,
            )
            return
        for name, value in scalars.items():
            if name in seen.scalars and seen.scalars[name] != value:
                self.error(
                    _join(path, name),
                    f"{show(value)} differs from {show(seen.scalars[name])} in the same "
                    f"{rtype.name} at {_at(seen.path)}",
                )


# Rules across the fields of one record ---------------------------------------------------------

_Rule = Callable[[_Checker, Mapping[str, Any], str, str], None]


def _no_rule(checker: _Checker, data: Mapping[str, Any], path: str, parent: str) -> None:
    return None


def _number(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def _not_after(checker: _Checker, data: Mapping[str, Any], path: str, start: str, end: str) -> None:
    first, last = data.get(start), data.get(end)
    if not isinstance(first, str) or not isinstance(last, str):
        return
    if parse_date(first) and parse_date(last) and first > last:
        checker.error(_join(path, start), f"{show(first)} is after {end} {show(last)}")


def _own_parent(key: str, noun: str) -> _Rule:
    def rule(checker: _Checker, data: Mapping[str, Any], path: str, parent: str) -> None:
        value, own = data.get(key), data.get("id")
        if isinstance(value, str) and isinstance(own, str) and value.lower() == own.lower():
            checker.error(_join(path, key), f"{noun} cannot be its own parent")

    return rule


def _service_rule(checker: _Checker, data: Mapping[str, Any], path: str, parent: str) -> None:
    low, high = _number(data, "minimum_age"), _number(data, "maximum_age")
    if low is not None and high is not None and low > high:
        checker.error(_join(path, "minimum_age"), f"{low:g} is above maximum_age {high:g}")
    if (
        parent != "organization"
        and data.get("organization") is None
        and data.get("organization_id") is None
    ):
        checker.error(
            _join(path, "organization"),
            "is required: every service belongs to an organization",
            required=True,
        )


def _service_at_location_rule(
    checker: _Checker, data: Mapping[str, Any], path: str, parent: str
) -> None:
    if parent != "service" and data.get("service") is None and data.get("service_id") is None:
        checker.error(_join(path, "service"), "is required (or service_id)", required=True)
    if data.get("location") is None and data.get("location_id") is None:
        checker.error(_join(path, "location"), "is required (or location_id)", required=True)


def _location_rule(checker: _Checker, data: Mapping[str, Any], path: str, parent: str) -> None:
    latitude, longitude = data.get("latitude"), data.get("longitude")
    if latitude is None and longitude is None:
        return
    lat, lon = _number(data, "latitude"), _number(data, "longitude")
    if (lat is None and latitude is not None) or (lon is None and longitude is not None):
        return  # already an error: not a number
    reason = ""
    if lat is None or lon is None:
        given = "latitude" if lat is not None else "longitude"
        reason = f"{given} is given without {'longitude' if lat is not None else 'latitude'}"
    elif not -90 <= lat <= 90:
        reason = f"latitude {show(latitude)} is outside -90 to 90"
    elif not -180 <= lon <= 180:
        reason = f"longitude {show(longitude)} is outside -180 to 180"
    if reason:
        checker.warn(
            _join(path, "latitude" if "latitude" in reason.split()[0] else "longitude"),
            f"{reason}, so the location's coordinates were not imported",
            _join(path, "latitude"),
            _join(path, "longitude"),
        )


def _language_rule(checker: _Checker, data: Mapping[str, Any], path: str, parent: str) -> None:
    if not data.get("name") and not data.get("code"):
        checker.warn(path, "has neither a name nor a code, so this language was not imported", path)


def _attribute_rule(checker: _Checker, data: Mapping[str, Any], path: str, parent: str) -> None:
    if data.get("taxonomy_term") is None and data.get("taxonomy_term_id") is None:
        checker.error(
            _join(path, "taxonomy_term"),
            "is required (or taxonomy_term_id): an attribute links a taxonomy term",
            required=True,
        )


def _dates_rule(checker: _Checker, data: Mapping[str, Any], path: str, parent: str) -> None:
    _not_after(checker, data, path, "valid_from", "valid_to")


_RULES: Final[Mapping[str, _Rule]] = MappingProxyType(
    {
        "service": _service_rule,
        "organization": _own_parent("parent_organization_id", "an organization"),
        "taxonomy_term": _own_parent("parent_id", "a taxonomy term"),
        "service_at_location": _service_at_location_rule,
        "location": _location_rule,
        "language": _language_rule,
        "attribute": _attribute_rule,
        "schedule": _dates_rule,
        "cost_option": _dates_rule,
    }
)


def check(
    record_type: str,
    data: Any,
    *,
    list_item: bool = False,
    within: str = "",
    lenient: bool = False,
) -> Checked:
    """Check one record (with the records nested in it) of `record_type`.

    `list_item`: the record comes from a list page, which carries one-to-one fields only, so
    its lists are not read. `within`: the record type it sits in, when the caller took it out
    of one (a service listed in an organization needs no `organization` of its own).
    `lenient`: a field that cannot be read is left out with a warning, and so is a nested
    list item missing a required field; only the record's own required fields reject it (the
    reading of ORUK 1.0 feeds, which are normalised first and then read this way).
    """
    checker = _Checker(lenient=lenient)
    checker.record(RECORD_TYPES[record_type], data, "", list_item=list_item, parent=within)
    return checker.result


def record_id(data: Any) -> str:
    """The id of a record as given, for messages: a UUID, the raw value, or `(no id)`."""
    value = data.get("id") if isinstance(data, dict) else None
    if isinstance(value, str) and value:
        return value
    return show(value) if value is not None else "(no id)"
