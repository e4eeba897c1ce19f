"""Import Open Referral UK 3.0 / HSDS 3.0 records into the directory.

A source is an ORUK API (its base URL: `/services` is read page by page, then each
`/services/{id}` whose list entry is not already a full record), a JSON file (one record, a page
of records, or an HSDS tabular package written as JSON), a folder of JSON files, or an HSDS
tabular package folder (`datapackage.json` and CSV files). Documents that are not records (the
API root document, the validator's dashboards) are skipped, and the report says why.

Each record is checked by `validation.check` and then written whole or not at all: a record
with an error is rejected with every reason, never half written. Records are written in
batches (`write_batch`): the rows a batch reads are loaded in one query per table and the rows
it writes are inserted together, in one transaction; a batch the database refuses is written
again record by record, each in a savepoint of its own, so only the records at fault are
rejected. Records are upserted by id, so importing the same
source again changes nothing. Every row written leaves metadata through
`versioning.record_changes`; rows the source no longer lists are removed and leave a `delete`
metadata row.

How the records map onto the directory:
- Fields keep their HSDS names; `fees`, the ORUK `accessibility` and `service_area` texts and
  the `term` of a taxonomy term are read when the current field is not given.
- A record read whole (not a list item) is the truth: an optional field it omits is emptied.
  A list page carries one-to-one fields only, so a list item leaves what it omits as it is,
  and its lists are not read (the report says which).
- A list in a whole record is the whole set: children of that kind the record no longer lists
  are removed, or unlinked when another record still lists them (HSDS lets a phone belong to
  a service, its location and its contact at once).
- Sources repeat records (a service in its list page, its own page and its organization's
  page) and the copies do not always agree: within one import the first record to give a field
  of a row wins, later ones that disagree leave it and say so. So importing the same source
  again is a no-op, however its copies differ.
- Links between records (`organization_id`, `parent_id`, `taxonomy_id`...) are only ever set,
  never cleared by omission. An optional link to a record that is neither in the import nor in
  the directory is left out with a warning; it is made at the end of the import if the record
  came later in the same import.
- Attributes whose taxonomy term has `taxonomy` "linkwork" carry social prescribing's own
  facts (`delivery:online`, `route:referral`, `category:social`...); they are set on the
  service by `attributes.apply_attribute_terms`. Attributes of any other taxonomy are kept as
  Taxonomy, TaxonomyTerm and Attribute rows as given.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Protocol

from django.db import DataError, IntegrityError, connections, models, router, transaction
from django.utils import timezone

from linkwork.audit import auditor
from linkwork.directory import models as m
from linkwork.directory.oruk import legacy, tabular
from linkwork.directory.oruk.attributes import (
    ATTRIBUTE_TAXONOMY,
    AUDIENCE_TAXONOMY_NAME,
    FREE,
    TERMS_BY_ID,
    apply_attribute_terms,
    attribute_id,
)
from linkwork.directory.oruk.validation import (
    RECORD_TYPES,
    Checked,
    RecordType,
    Type,
    check,
    parse_time,
    parse_value,
    record_id,
    show,
)
from linkwork.directory.taxonomy import ensure_linkwork_taxonomy, term_id
from linkwork.directory.text import plain_text, sanitise_html
from linkwork.directory.versioning import changes, creation_values, record_changes
from linkwork.vocabulary.categories import AUDIENCES, CATEGORIES, TAXONOMY_NAME

# Rows are written parents first, so that every link points at a row already there.
WRITE_ORDER: Final[tuple[type[m.HsdsRecord], ...]] = (
    m.Taxonomy,
    m.TaxonomyTerm,
    m.Organization,
    m.OrganizationIdentifier,
    m.Location,
    m.Address,
    m.Accessibility,
    m.Service,
    m.ServiceAtLocation,
    m.Contact,
    m.Phone,
    m.Schedule,
    m.CostOption,
    m.Language,
    m.ServiceArea,
    m.Funding,
    m.Attribute,
)

# The links by which a row belongs to a record; a row that still belongs to another record
# when one record stops listing it is unlinked, not removed.
OWNER_FIELDS: Final[Mapping[type[m.HsdsRecord], tuple[str, ...]]] = {
    m.Contact: ("organization_id", "service_id", "service_at_location_id", "location_id"),
    m.Phone: (
        "location_id",
        "service_id",
        "organization_id",
        "contact_id",
        "service_at_location_id",
    ),
    m.Schedule: ("service_id", "location_id", "service_at_location_id"),
    m.Language: ("service_id", "location_id", "phone_id"),
    m.Funding: ("organization_id", "service_id"),
}

# Fields a whole record may leave out without emptying them.
KEEP_WHEN_OMITTED: Final = frozenset({(m.Service, "last_modified")})

# Friendlier words for the database constraints a record can still break.
CONSTRAINT_MESSAGES: Final[Mapping[str, str]] = {
    "dir_sal_unique": "the service is already at this location under another "
    "service_at_location id",
    "dir_attr_unique_link": "the record already has this taxonomy term, with the same "
    "link_type, under another attribute id",
    "dir_term_code_unique_in_taxonomy": "another term of the same taxonomy already has this code",
}

SYSTEM_NAME: Final = "Linkwork"

# Keys whose presence marks a service as a whole record rather than a list entry.
_SERVICE_LISTS: Final = frozenset(
    key for key, nested in RECORD_TYPES["service"].nested.items() if nested.many
)


_UUID_TEXT: Final = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class SourceError(Exception):
    """The source cannot be read at all: nothing was imported from it."""


class FetchError(Exception):
    """A URL could not be read, or did not answer with JSON."""


class Fetcher(Protocol):
    def get_json(self, url: str) -> Any:
        """The JSON document at `url`; raises FetchError."""
        ...


class UrlFetcher:
    """Reads JSON over HTTP(S) with `urllib`."""

    # A page of an API bigger than this is not a page: refuse it rather than fill memory.
    MAX_BYTES: Final = 64 * 1024 * 1024

    def __init__(self, *, timeout: float = 30.0) -> None:
        self.timeout = timeout

    def get_json(self, url: str) -> Any:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(f"{url}: only http and https URLs are read")
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url, headers={"Accept": "application/json", "User-Agent": "Linkwork import-oruk"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 # nosec B310
                body = response.read(self.MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise FetchError(f"HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(str(reason)) from exc
        if len(body) > self.MAX_BYTES:
            raise FetchError(f"the answer is bigger than {self.MAX_BYTES // (1024 * 1024)} MB")
        try:
            return json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FetchError(f"not JSON ({exc})") from exc


# What a source yields --------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """One record to import, and where it came from."""

    record_type: str
    data: Any
    where: str
    list_item: bool = False
    within: str = ""
    # Set when the record could not be obtained: it is rejected with this reason.
    failure: str = ""
    # Read from an ORUK 1.0 feed (see `legacy`): checked leniently, a field that cannot be
    # read is left out rather than rejecting the record.
    lenient: bool = False
    # (record type, id) -> model fields the 3.0 record has no key for (`original_id`...).
    extras: Mapping[tuple[str, uuid.UUID], Mapping[str, Any]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    # What reading the record normalised (warnings) and left out (dropped fields).
    notes: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    not_kept: tuple[str, ...] = ()
    # The id the source gave, when the record is filed under another.
    original_id: str = ""


@dataclass(frozen=True)
class Skipped:
    """A document or row that is not a record, or could not be read."""

    where: str
    reason: str
    # True when something that may have held records could not be read.
    lost: bool = False


@dataclass(frozen=True)
class Note:
    text: str


Item = Candidate | Skipped | Note


# The report ------------------------------------------------------------------------------------


class Status(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass
class Outcome:
    record_type: str
    id: str
    where: str
    status: Status
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Fields (or list items) left out of the record, each with its reason.
    dropped: list[str] = field(default_factory=list)
    # The id the source gave, when Linkwork files the record under another.
    original_id: str = ""

    def label(self) -> str:
        if self.original_id and self.original_id != self.id:
            return f"{self.record_type} {self.original_id} ({self.id})"
        return f"{self.record_type} {self.id}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.record_type,
            "id": self.id,
            "where": self.where,
            "status": self.status.value,
            "problems": [f"{self.label()}: {p}" for p in self.problems],
            "warnings": [f"{self.label()}: {w}" for w in self.warnings],
            # Only for records read from ORUK 1.0 feeds.
            **({"original_id": self.original_id} if self.original_id else {}),
            **({"dropped": [f"{self.label()}: {d}" for d in self.dropped]} if self.dropped else {}),
        }


@dataclass
class ImportReport:
    source: str
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # `record_type.field` -> how many times a field Linkwork does not keep was read past.
    not_stored: Counter[str] = field(default_factory=Counter)
    # `record_type.field` -> how many list items carried a list that was not read.
    unread: Counter[str] = field(default_factory=Counter)

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status is status)

    @property
    def counts(self) -> dict[str, int]:
        return {status.value: self.count(status) for status in Status}

    @property
    def rejected(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status is Status.REJECTED]

    @property
    def dropped(self) -> list[Outcome]:
        """Records imported with some of their fields left out."""
        return [o for o in self.outcomes if o.dropped and o.status is not Status.REJECTED]

    @property
    def imported(self) -> int:
        return sum(1 for o in self.outcomes if o.status is not Status.REJECTED)

    @property
    def complete(self) -> bool:
        """Everything the source held was imported, every field of it (skipped documents held
        no records)."""
        return not self.rejected and not self.dropped and not any(s.lost for s in self.skipped)

    def as_dict(self) -> dict[str, Any]:
        by_type: dict[str, dict[str, int]] = {}
        for outcome in self.outcomes:
            counts = by_type.setdefault(outcome.record_type, {s.value: 0 for s in Status})
            counts[outcome.status.value] += 1
        return {
            "source": self.source,
            "counts": self.counts,
            "by_type": by_type,
            "rejected": [o.as_dict() for o in self.rejected],
            "dropped": [o.as_dict() for o in self.dropped],
            "warnings": [
                o.as_dict() for o in self.outcomes if o.warnings and o.status is not Status.REJECTED
            ],
            "skipped": [
                {"where": s.where, "reason": s.reason, "lost": s.lost} for s in self.skipped
            ],
            "notes": self.notes,
            "not_stored": dict(sorted(self.not_stored.items())),
            "unread_lists": dict(sorted(self.unread.items())),
        }


# Reading sources -------------------------------------------------------------------------------

_HINTS: Final = (
    "service_at_location",
    "taxonomy_term",
    "organization",
    "taxonomy",
    "service",
    "location",
)
_SERVICE_KEYS: Final = frozenset(
    {
        "status",
        "service_at_locations",
        "cost_options",
        "service_areas",
        "fees",
        "fees_description",
        "eligibility_description",
        "assured_date",
        "assurer_email",
        "minimum_age",
        "maximum_age",
        "application_process",
        "interpretation_services",
        "accreditations",
        "wait_time",
        "licenses",
        "alert",
    }
)
_LOCATION_KEYS: Final = frozenset(
    {"location_type", "latitude", "longitude", "addresses", "accessibility", "transportation"}
)
_ORGANIZATION_KEYS: Final = frozenset(
    {
        "services",
        "organization_identifiers",
        "website",
        "tax_status",
        "tax_id",
        "legal_status",
        "year_incorporated",
        "logo",
        "parent_organization_id",
        "locations",
        "programs",
    }
)
_TERM_KEYS: Final = frozenset(
    {"parent_id", "term_uri", "code", "taxonomy", "taxonomy_id", "taxonomy_detail", "term"}
)


def hint_from_name(name: str) -> str:
    """The record type a file or endpoint name suggests (`service_full.json` -> service)."""
    lowered = name.lower()
    return next((hint for hint in _HINTS if hint in lowered), "")


def record_type_of(data: Mapping[str, Any], hint: str = "") -> str:
    """The record type of a record, told by its fields, else by the name of its file."""
    keys = set(data)
    if (
        isinstance(data.get("location"), dict)
        or isinstance(data.get("service"), dict)
        or {"service_id", "location_id"} <= keys
    ):
        return "service_at_location"
    if keys & _SERVICE_KEYS or isinstance(data.get("organization"), dict):
        return "service"
    if keys & _LOCATION_KEYS:
        return "location"
    if keys & _ORGANIZATION_KEYS:
        return "organization"
    if keys & {"taxonomy_terms", "version"}:
        return "taxonomy"
    if keys & _TERM_KEYS:
        return "taxonomy_term"
    return hint


def is_vocabulary_term(data: Mapping[str, Any]) -> bool:
    """A term of the Linkwork attribute vocabulary (`delivery:online`...), built into every
    installation: a feed lists it, nothing imports it as a term of its own."""
    term_id = data.get("id")
    if isinstance(term_id, str) and _UUID_TEXT.match(term_id) and uuid.UUID(term_id) in TERMS_BY_ID:
        return True
    name = data.get("code") or data.get("name")
    return data.get("taxonomy") == ATTRIBUTE_TAXONOMY and isinstance(name, str) and ":" in name


def _record_items(
    data: dict[str, Any], where: str, hint: str, *, list_item: bool
) -> Iterator[Item]:
    record_type = record_type_of(data, hint)
    if not record_type:
        yield Candidate("record", data, where, failure="cannot tell what kind of record this is")
        return
    if record_type == "taxonomy_term" and is_vocabulary_term(data):
        yield Skipped(where, "a term of the Linkwork attribute vocabulary, built in: not imported")
        return
    services = data.get("services")
    if record_type == "organization" and isinstance(services, list) and not list_item:
        # Each service of an organization is a record of its own, written on its own: whole
        # when it carries its lists, else in its list form (`full_service` not asked for).
        yield Candidate(record_type, {k: v for k, v in data.items() if k != "services"}, where)
        for index, service in enumerate(services):
            if isinstance(service, dict) and "organization" not in service:
                service = {
                    **service,
                    "organization_id": service.get("organization_id", data.get("id")),
                }
            whole = isinstance(service, dict) and bool(_SERVICE_LISTS & set(service))
            yield Candidate(
                "service",
                service,
                f"{where} services[{index}]",
                list_item=not whole,
                within="organization",
            )
        return
    yield Candidate(record_type, data, where, list_item=list_item)


def _page_notes(document: Mapping[str, Any], where: str) -> Iterator[Item]:
    for key in ("total_items", "total_pages", "page_number", "size"):
        value = document.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            yield Note(f"{where}: {key} {show(value)} is not a whole number")
    pages = document.get("total_pages")
    if isinstance(pages, int) and not isinstance(pages, bool) and pages > 1:
        page = document.get("page_number", "?")
        yield Note(
            f"{where}: page {page} of {pages}; only this page is in the file (pages are "
            f"followed only from an API URL)"
        )


def legacy_candidate(record: Any, where: str, base: str) -> Candidate:
    """An ORUK 1.0 service record, translated to the 3.0 shape (see `legacy`)."""
    if not isinstance(record, dict):
        return Candidate("service", record, where, failure="is not a record")
    translated = legacy.translate(record, base)
    if translated.failure:
        return Candidate(
            "service",
            record,
            where,
            failure=translated.failure,
            original_id=translated.original_id,
            not_kept=tuple(translated.not_kept),
        )
    return Candidate(
        "service",
        translated.data,
        where,
        lenient=True,
        extras=MappingProxyType(translated.extras),
        notes=tuple(translated.notes),
        dropped=tuple(translated.dropped),
        not_kept=tuple(translated.not_kept),
        original_id=translated.original_id,
    )


def _envelope_items(document: Mapping[str, Any], where: str, base: str) -> Iterator[Item]:
    """The services of an ORUK 1.0 page (`content`, `totalElements`, `totalPages`...)."""
    pages = document.get("totalPages")
    if isinstance(pages, int) and not isinstance(pages, bool) and pages > 1:
        yield Note(
            f"{where}: page {show(document.get('number'))} of {pages} (ORUK 1.0); only this "
            f"page is in the file (pages are followed only from an API URL)"
        )
    for index, item in enumerate(document["content"]):
        yield legacy_candidate(item, f"{where} content[{index}]", base)


def _is_legacy_array(document: Any) -> bool:
    return isinstance(document, list) and any(legacy.looks_1_0(item) for item in document)


def _legacy_array_once(records: list[Any], where: str) -> Iterator[Item]:
    """The services of a 1.0 array, each translated as it is read and let go of once
    written: the file's records are held raw, never all translated at once."""
    records.reverse()
    index = 0
    while records:
        yield legacy_candidate(records.pop(), f"{where}[{index}]", where)
        index += 1


def document_items(document: Any, where: str, hint: str = "", base: str = "") -> Iterator[Item]:
    """The records of one JSON document: a record, a page, a list, or tables as JSON; ORUK 1.0
    pages, arrays and records are told by their shape. `base` names the feed, for the ids of
    1.0 records that have no UUIDs (the file's name when not given)."""
    base = base or where
    if legacy.is_envelope(document):
        yield from _envelope_items(document, where, base)
        return
    if _is_legacy_array(document):
        for index, item in enumerate(document):
            yield legacy_candidate(item, f"{where}[{index}]", base)
        return
    if isinstance(document, dict) and "id" in document and legacy.looks_1_0(document):
        yield legacy_candidate(document, where, base)
        return
    if isinstance(document, list):
        for index, item in enumerate(document):
            item_where = f"{where}[{index}]"
            if isinstance(item, dict):
                yield from _record_items(item, item_where, hint, list_item=False)
            else:
                yield Candidate(hint or "record", item, item_where, failure="is not a record")
        return
    if not isinstance(document, dict):
        yield Skipped(where, f"{show(document)} is not a record or a page", lost=True)
        return
    contents = document.get("contents")
    if isinstance(contents, list):
        yield from _page_notes(document, where)
        first: dict[Any, int] = {}
        for index, item in enumerate(contents):
            item_where = f"{where} contents[{index}]"
            item_id = item.get("id") if isinstance(item, dict) else None
            if isinstance(item_id, str) and first.setdefault(item_id, index) != index:
                yield Note(f"{item_where}: the same id as contents[{first[item_id]}]")
            if isinstance(item, dict):
                yield from _record_items(item, item_where, hint, list_item=True)
            else:
                yield Candidate(hint or "record", item, item_where, failure="is not a record")
        return
    if "id" in document:
        yield from _record_items(document, where, hint, list_item=False)
        return
    if tabular.is_table_object(document):
        yield from package_items(tabular.read_tables(document, where))
        return
    if "openapi_url" in document or "version" in document:
        yield Skipped(where, _api_root_reason(document))
        return
    keys = ", ".join(sorted(document)[:6])
    yield Skipped(where, f"not an Open Referral record or page (its fields: {keys})")


def _api_root_reason(document: Mapping[str, Any]) -> str:
    reason = f"the API root document (version {show(document.get('version'))}), not a record"
    problems = []
    for key in ("version", "profile", "openapi_url"):
        value = document.get(key)
        if value is None:
            problems.append(f"{key} is missing")
        elif not isinstance(value, str):
            problems.append(f"{key} {show(value)} is not text")
        elif key != "version" and "://" not in value:
            problems.append(f"{key} {show(value)} is not a URL")
    return f"{reason}; it has problems: {'; '.join(problems)}" if problems else reason


def package_items(package: tabular.Package) -> Iterator[Item]:
    assembled = tabular.assemble(package)
    for note in assembled.notes:
        yield Note(note)
    for record in assembled.records:
        yield Candidate(record.record_type, record.data, record.where)
    for row in assembled.left_out:
        yield Skipped(row.where, row.reason)


class Source:
    """Something to import from, read lazily; `total` is how many records it holds, when
    known (after the first page of a feed)."""

    description = ""
    total: int | None = None

    def __iter__(self) -> Iterator[Item]:
        raise NotImplementedError


def _read_once(items: list[Item]) -> Iterator[Item]:
    """The items in order, each let go of once read: a feed of thousands of records is not
    held whole in memory while it is written. A source is read once."""
    items.reverse()
    while items:
        yield items.pop()


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path} cannot be read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path} is not JSON: {exc}") from exc


class FileSource(Source):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"the file {path}"
        document = _read_json(path)
        self.legacy: list[Any] | None = None
        self.items: list[Item] = []
        if _is_legacy_array(document):
            # A council's whole 1.0 feed in one file: one service per record.
            self.legacy = document
            self.total = len(document)
        else:
            self.items = list(document_items(document, path.name, hint_from_name(path.name)))
            self.total = sum(1 for i in self.items if isinstance(i, Candidate))

    def __iter__(self) -> Iterator[Item]:
        if self.legacy is not None:
            return _legacy_array_once(self.legacy, self.path.name)
        return _read_once(self.items)


class FolderSource(Source):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = f"the folder {path}"
        self.items: list[Item] = []
        found = False
        for entry in sorted(path.iterdir()):
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                self.items.append(
                    Skipped(f"{entry.name}/", "a folder: import it as a source of its own")
                )
            elif entry.suffix.lower() != ".json":
                self.items.append(Skipped(entry.name, "not a JSON file"))
            else:
                found = True
                self.items.extend(_file_items(entry, entry.name, base=path.name))
        if not found:
            raise SourceError(f"{path} holds no JSON files and no tabular package")
        self.total = sum(1 for i in self.items if isinstance(i, Candidate))

    def __iter__(self) -> Iterator[Item]:
        return _read_once(self.items)


def _file_items(path: Path, where: str, base: str = "") -> list[Item]:
    try:
        document = _read_json(path)
    except SourceError as exc:
        return [Skipped(where, str(exc), lost=True)]
    return list(document_items(document, where, hint_from_name(path.name), base))


# The folders of an `export-oruk` export, in the order that lets each record find the
# records it names.
EXPORT_KINDS: Final = ("taxonomies", "taxonomy_terms", "organizations", "services")


def export_index(path: Path) -> dict[str, Any] | None:
    """The index of a folder written by `linkwork export-oruk`, or None."""
    index = path / "index.json"
    if not index.is_file():
        return None
    try:
        document = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(document, dict) or not any(
        isinstance(document.get(kind), list) for kind in EXPORT_KINDS
    ):
        return None
    return document


class ExportSource(Source):
    """A folder written by `linkwork export-oruk`: the files its index.json lists."""

    def __init__(self, path: Path, index: Mapping[str, Any]) -> None:
        self.description = f"the export {path}"
        self.items: list[Item] = []
        root = path.resolve()
        for kind in EXPORT_KINDS:
            entries = index.get(kind)
            for number, entry in enumerate(entries if isinstance(entries, list) else []):
                relative = entry.get("path") if isinstance(entry, dict) else None
                target = (path / relative).resolve() if isinstance(relative, str) else None
                if target is None or not target.is_relative_to(root) or not target.is_file():
                    self.items.append(
                        Skipped(f"index.json {kind}[{number}]", "names no file in the folder", True)
                    )
                    continue
                self.items.extend(_file_items(target, str(target.relative_to(root))))
        self.total = sum(1 for i in self.items if isinstance(i, Candidate))

    def __iter__(self) -> Iterator[Item]:
        return _read_once(self.items)


class PackageSource(Source):
    def __init__(self, path: Path) -> None:
        self.description = f"the tabular package {path}"
        try:
            package = tabular.read_folder(path)
        except tabular.PackageError as exc:
            raise SourceError(f"{path}: {exc}") from exc
        self.items = list(package_items(package))
        self.total = sum(1 for i in self.items if isinstance(i, Candidate))

    def __iter__(self) -> Iterator[Item]:
        return _read_once(self.items)


class FeedSource(Source):
    """An ORUK API: `GET /` for its version, `/services?page=N` up to `total_pages`, and
    `/services/{id}` for each service the list does not give whole."""

    # A feed claiming more pages than this is broken; the import stops and says so.
    MAX_PAGES: Final = 100_000

    def __init__(self, url: str, fetcher: Fetcher) -> None:
        base = url.rstrip("/")
        self.base = base.removesuffix("/services")
        self.fetcher = fetcher
        self.description = f"the feed {self.base}"

    def __iter__(self) -> Iterator[Item]:
        yield from self._root()
        page = 1
        while True:
            url = f"{self.base}/services?page={page}"
            try:
                document = self.fetcher.get_json(url)
            except FetchError as exc:
                if page == 1:
                    raise SourceError(f"{url} cannot be read: {exc}") from exc
                yield Skipped(url, f"cannot be read ({exc}); later pages were not read", lost=True)
                return
            if page == 1 and (legacy.is_envelope(document) or isinstance(document, list)):
                yield from self._legacy(document, url)
                return
            contents = document.get("contents") if isinstance(document, dict) else None
            if not isinstance(contents, list):
                if page == 1:
                    raise SourceError(f"{url} is not a page of services (it has no contents)")
                yield Skipped(url, "is not a page of services; later pages were not read", True)
                return
            pages = document.get("total_pages")
            items = document.get("total_items")
            if page == 1 and isinstance(items, int) and not isinstance(items, bool):
                self.total = items
            for index, item in enumerate(contents):
                yield self._service(item, f"{url} contents[{index}]")
            if not isinstance(pages, int) or isinstance(pages, bool) or page >= pages:
                return
            if not contents:
                yield Note(f"{url}: an empty page before the last ({pages}); stopped here")
                return
            if page >= self.MAX_PAGES:
                yield Skipped(url, f"the feed claims {pages} pages; stopped", lost=True)
                return
            page += 1

    def _legacy(self, first: Any, first_url: str) -> Iterator[Item]:
        """An ORUK 1.0 feed: pages of `content` (a bare array is the whole list), followed
        until `last`, `totalPages` or an empty page; each summary read whole from
        `/services/{id}`."""
        if isinstance(first, list):
            self.total = len(first)
            for index, item in enumerate(first):
                yield self._legacy_service(item, f"{first_url} [{index}]")
            return
        total = first.get("totalElements")
        if isinstance(total, int) and not isinstance(total, bool):
            self.total = total
        pages = first.get("totalPages")
        pages = pages if isinstance(pages, int) and not isinstance(pages, bool) else None
        # Some 1.0 APIs count pages from 0: page=1 is then the second page.
        numbers = [0, 1] if first.get("first") is False and first.get("number") == 1 else [1]
        document, url, seen = first, first_url, set()
        page = numbers[0]
        if page == 0:
            url = f"{self.base}/services?page=0"
            try:
                document = self.fetcher.get_json(url)
            except FetchError as exc:
                raise SourceError(f"{url} cannot be read: {exc}") from exc
        read = 0
        while True:
            content = document.get("content") if isinstance(document, dict) else None
            if not isinstance(content, list):
                yield Skipped(url, "is not a page of services; later pages were not read", True)
                return
            ids = tuple(str(i.get("id")) for i in content if isinstance(i, dict))
            if ids and ids in seen:
                yield Note(f"{url}: repeats an earlier page; stopped here")
                return
            seen.add(ids)
            for index, item in enumerate(content):
                yield self._legacy_service(item, f"{url} content[{index}]")
            read += 1
            if (
                not content
                or document.get("last") is True
                or (pages is not None and read >= pages)
                or read >= self.MAX_PAGES
            ):
                return
            page += 1
            url = f"{self.base}/services?page={page}"
            try:
                document = self.fetcher.get_json(url)
            except FetchError as exc:
                yield Skipped(url, f"cannot be read ({exc}); later pages were not read", lost=True)
                return

    def _legacy_service(self, item: Any, where: str) -> Candidate:
        if not isinstance(item, dict) or legacy.is_whole(item):
            return legacy_candidate(item, where, self.base)
        service_id = item.get("id")
        if (
            not isinstance(service_id, str | int)
            or isinstance(service_id, bool)
            or service_id == ""
        ):
            return legacy_candidate(item, where, self.base)
        url = f"{self.base}/services/{urllib.parse.quote(str(service_id), safe='')}"
        try:
            full = self.fetcher.get_json(url)
        except FetchError as exc:
            candidate = legacy_candidate(item, where, self.base)
            return replace(
                candidate,
                dropped=(
                    *candidate.dropped,
                    f"the full record {url} cannot be read ({exc}); imported from the list "
                    f"page's summary",
                ),
            )
        if not isinstance(full, dict) or str(full.get("id")) != str(service_id):
            return Candidate(
                "service",
                item,
                url,
                failure=f"answered with another record (id {show(record_id(full))})",
                original_id=str(service_id),
            )
        return legacy_candidate(full, url, self.base)

    def _root(self) -> Iterator[Item]:
        try:
            root = self.fetcher.get_json(f"{self.base}/")
        except FetchError as exc:
            yield Note(f"{self.base}/ cannot be read ({exc}); reading /services anyway")
            return
        version = root.get("version") if isinstance(root, dict) else None
        if not isinstance(version, str) or "3." not in version:
            yield Note(
                f"{self.base}/ gives version {show(version)}; this import reads Open Referral "
                f"UK 3.0, so expect problems"
            )

    def _service(self, item: Any, where: str) -> Candidate:
        if not isinstance(item, dict):
            return Candidate("service", item, where, failure="is not a record")
        if _SERVICE_LISTS & set(item):
            return Candidate("service", item, where)
        service_id = item.get("id")
        if not isinstance(service_id, str) or not service_id:
            return Candidate("service", item, where, list_item=True)
        url = f"{self.base}/services/{urllib.parse.quote(service_id, safe='')}"
        try:
            full = self.fetcher.get_json(url)
        except FetchError as exc:
            return Candidate("service", item, url, failure=f"cannot be read ({exc})")
        if not isinstance(full, dict) or full.get("id") != service_id:
            return Candidate(
                "service",
                item,
                url,
                failure=f"answered with another record (id {show(record_id(full))})",
            )
        return Candidate("service", full, url)


def open_source(source: str, *, fetcher: Fetcher | None = None) -> Source:
    """The source named by a URL or a path; raises SourceError if it cannot be read."""
    if urllib.parse.urlsplit(source).scheme in ("http", "https"):
        return FeedSource(source, fetcher or UrlFetcher())
    path = Path(source)
    if not path.exists():
        raise SourceError(f"{source}: no such file or folder")
    if path.is_dir():
        if (path / "datapackage.json").exists() or any(
            (path / f"{table}.csv").exists() for table in tabular.TABLES
        ):
            return PackageSource(path)
        index = export_index(path)
        if index is not None:
            return ExportSource(path, index)
        return FolderSource(path)
    if path.suffix.lower() == ".csv":
        raise SourceError(
            f"{source}: a CSV file on its own is not a package; give the folder that holds "
            f"datapackage.json and the CSV files"
        )
    return FileSource(path)


# Planning one record -------------------------------------------------------------------------


class Rejected(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class _Row:
    rtype: RecordType
    id: uuid.UUID
    path: str
    full: bool
    values: dict[str, Any] = field(default_factory=dict)
    fallbacks: dict[str, Any] = field(default_factory=dict)
    # FK attname -> (target id, path where the link was given)
    links: dict[str, tuple[uuid.UUID, str]] = field(default_factory=dict)

    @property
    def model(self) -> type[m.HsdsRecord]:
        return self.rtype.model


@dataclass
class _Collection:
    """A list in a whole record: the children `link`ed to the parent are exactly `kept`."""

    model: type[m.HsdsRecord]
    link: str
    parent_type: str
    parent_id: uuid.UUID
    kept: set[uuid.UUID]


@dataclass
class _Plan:
    rows: dict[tuple[type[m.HsdsRecord], uuid.UUID], _Row] = field(default_factory=dict)
    collections: list[_Collection] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _linkwork_term(data: Mapping[str, Any]) -> str | None:
    """The vocabulary term an attribute carries (`delivery:online`), or None for a term of
    any other taxonomy."""
    term = data.get("taxonomy_term")
    if isinstance(term, dict):
        if not is_vocabulary_term(term):
            return None
        given_id = term.get("id")
        known = TERMS_BY_ID.get(uuid.UUID(given_id)) if isinstance(given_id, str) else None
        return str(known or term.get("code") or term.get("name"))
    given_id = data.get("taxonomy_term_id")
    if isinstance(given_id, str):
        return TERMS_BY_ID.get(uuid.UUID(given_id))
    return None


class _Planner:
    """Turns a checked record into the rows it means, with their links and lists."""

    def __init__(self, dropped: frozenset[str]) -> None:
        self.plan = _Plan()
        self.dropped = dropped
        # Linkwork terms of each service: (term, attribute id, attribute, path).
        self.linkwork: dict[uuid.UUID, list[tuple[str, uuid.UUID, Mapping[str, Any], str]]] = {}

    def row(self, rtype: RecordType, record_id: uuid.UUID, path: str, full: bool) -> _Row:
        key = (rtype.model, record_id)
        row = self.plan.rows.get(key)
        if row is None:
            row = self.plan.rows[key] = _Row(rtype, record_id, path, full)
        return row

    def link(self, row: _Row, attname: str, target: uuid.UUID, path: str) -> None:
        current = row.links.get(attname)
        if current is not None and current[0] != target:
            self.plan.errors.append(
                f"{path or 'the record'}: {row.rtype.name} {row.id} is given two different "
                f"{attname} ({current[0]} at {current[1] or 'the top'}, and {target}); "
                f"it can have one"
            )
            return
        row.links[attname] = (target, path)

    def add(
        self, rtype: RecordType, data: Mapping[str, Any], path: str, *, full: bool
    ) -> uuid.UUID:
        record_id = uuid.UUID(data["id"])
        row = self.row(rtype, record_id, path, full)
        for key, spec in rtype.fields.items():
            value = data.get(key)
            key_path = f"{path}.{key}" if path else key
            if key == "id" or value is None or key_path in self.dropped:
                continue
            if spec.type is not Type.TEXT and value == "":
                continue
            attr = rtype.attr(key)
            if spec.reference:
                self.link(row, attr, parse_value(spec, value), key_path)
                continue
            if not attr:
                continue
            if spec.type is Type.TEXT and isinstance(value, str):
                value = clean_text(rtype.name, key, value)
            if spec.fallback:
                row.fallbacks.setdefault(attr, parse_value(spec, value))
            else:
                row.values[attr] = parse_value(spec, value)
        if rtype.name == "schedule" and "timezone" not in row.values:
            self._timezone_from_times(row, data)
        for key, nested in rtype.nested.items():
            value = data.get(key)
            key_path = f"{path}.{key}" if path else key
            if value is None or key_path in self.dropped:
                continue
            child = RECORD_TYPES[nested.record]
            if not nested.many:
                target = self.add(child, value, key_path, full=full)
                self.link(row, nested.link, target, key_path)
                continue
            if not full or (rtype.name, key) == ("organization", "services"):
                continue
            kept: set[uuid.UUID] = set()
            for index, item in enumerate(value):
                item_path = f"{key_path}[{index}]"
                if item_path in self.dropped:
                    continue
                if nested.record == "attribute":
                    kept |= self.attribute(rtype, row, item, item_path)
                    continue
                child_id = self.add(child, item, item_path, full=full)
                self.link(
                    self.plan.rows[(child.model, child_id)], nested.link, record_id, item_path
                )
                kept.add(child_id)
            if nested.owned:
                self.plan.collections.append(
                    _Collection(child.model, nested.link, rtype.name, record_id, kept)
                )
        return record_id

    def _timezone_from_times(self, row: _Row, data: Mapping[str, Any]) -> None:
        """HSDS asks for times with their UTC offset; Linkwork keeps the offset once, in the
        schedule's `timezone`."""
        offsets = set()
        for key in ("opens_at", "closes_at"):
            value = data.get(key)
            parsed = parse_time(value) if isinstance(value, str) and value else None
            if parsed is not None and parsed[1] is not None:
                offsets.add(parsed[1])
        if len(offsets) == 1:
            row.values["timezone"] = offsets.pop()

    def attribute(
        self, owner: RecordType, owner_row: _Row, data: Mapping[str, Any], path: str
    ) -> set[uuid.UUID]:
        attribute_id = uuid.UUID(data["id"])
        term = _linkwork_term(data)
        if term is not None:
            if owner.name != "service":
                self.plan.warnings.append(
                    f"{path}: {show(term)} is a Linkwork term, which describes services only; "
                    f"not imported"
                )
                return set()
            self.linkwork.setdefault(owner_row.id, []).append((term, attribute_id, data, path))
            return set()
        rtype = RECORD_TYPES["attribute"]
        self.add(rtype, data, path, full=True)
        row = self.plan.rows[(m.Attribute, attribute_id)]
        row.values["link_entity"] = owner.name
        row.values["link_id"] = owner_row.id
        given_entity, given_link = data.get("link_entity"), data.get("link_id")
        if given_entity not in (None, "", owner.name):
            self.plan.warnings.append(
                f"{path}.link_entity: {show(given_entity)} is not where the attribute is "
                f"listed; it was linked to the {owner.name} it is listed under"
            )
        if isinstance(given_link, str) and given_link and given_link.lower() != str(owner_row.id):
            self.plan.warnings.append(
                f"{path}.link_id: {show(given_link)} is not the {owner.name} the attribute is "
                f"listed under; it was linked to that {owner.name}"
            )
        return {attribute_id}

    def _free(self, service_id: uuid.UUID) -> None:
        """`cost:free`: the service costs nothing, kept as a cost option of amount 0 (what
        `is_free`, search's free filter, matching and the export read), unless the record
        lists its costs already."""
        costs = [
            row
            for (model, _), row in self.plan.rows.items()
            if model is m.CostOption and row.links.get("service_id", (None,))[0] == service_id
        ]
        if any(row.values.get("amount") not in (None, 0) for row in costs):
            self.plan.warnings.append(
                "attributes: cost:free is given, but the record lists a cost above 0; the "
                "costs were kept as listed"
            )
            return
        if any(row.values.get("amount") == 0 for row in costs):
            return
        option_id = attribute_id(service_id, FREE)
        row = self.row(RECORD_TYPES["cost_option"], option_id, "attributes", True)
        row.values.update(option=FREE_OPTION, amount=0, currency="GBP")
        self.link(row, "service_id", service_id, "attributes")
        for collection in self.plan.collections:
            if collection.model is m.CostOption and collection.parent_id == service_id:
                collection.kept.add(option_id)

    def apply_linkwork(self) -> None:
        """Social prescribing terms become the service's own fields and category and
        audience attributes."""
        for service_id, given in self.linkwork.items():
            probe = m.Service(id=service_id)
            for name in _LINKWORK_FIELDS:
                setattr(probe, name, _UNSET)
            applied = apply_attribute_terms(probe, [term for term, *_ in given])
            row = self.plan.rows[(m.Service, service_id)]
            for name in _LINKWORK_FIELDS:
                value = getattr(probe, name)
                if value is not _UNSET:
                    row.values[name] = value
            for text in applied.unknown:
                self.plan.warnings.append(
                    f"attributes: {show(text)} is not a Linkwork term; not imported"
                )
            for text in applied.conflicts:
                self.plan.warnings.append(f"attributes: {text}; left as it was")
            if applied.free:
                self._free(service_id)
            by_term = {term: (attribute_id, data, path) for term, attribute_id, data, path in given}
            kept = {
                c.parent_id: c
                for c in self.plan.collections
                if c.model is m.Attribute and c.parent_type == "service"
            }
            for attribute in applied.attributes:
                term = STORED_TERMS[attribute.taxonomy_term_id]
                attribute_id, data, path = by_term[term]
                new = self.row(RECORD_TYPES["attribute"], attribute_id, path, True)
                new.values.update(
                    link_entity=attribute.link_entity,
                    link_id=service_id,
                    link_type=attribute.link_type,
                    value=data.get("value") or "",
                    label=data.get("label") or "",
                )
                self.link(
                    new, "taxonomy_term_id", attribute.taxonomy_term_id, f"{path}.taxonomy_term"
                )
                if service_id in kept:
                    kept[service_id].kept.add(attribute_id)


# Text that holds markup: a tag, a comment or an entity.
_MARKUP: Final = re.compile(r"<[A-Za-z!/?]|&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]+);")
# Fields kept as sanitised HTML (pages show their formatting); every other text is kept plain.
HTML_FIELDS: Final = frozenset({("service", "description"), ("organization", "description")})


def clean_text(record_type: str, key: str, value: str) -> str:
    """A text as Linkwork keeps it: descriptions sanitised to a small set of tags (no scripts,
    handlers, styles or `data:` images), other texts without markup; text with no markup is
    kept exactly as given."""
    if not _MARKUP.search(value):
        return value
    if (record_type, key) in HTML_FIELDS:
        return sanitise_html(value)
    return plain_text(value)


_UNSET: Final = object()
FREE_OPTION: Final = "Free"
_LINKWORK_FIELDS: Final = (
    "delivers_in_person",
    "delivers_online",
    "delivers_by_phone",
    "format",
    "referral_route",
    "capacity",
)


def _vocabulary_of_stored_terms() -> dict[uuid.UUID, str]:
    """Directory term id -> vocabulary term, for the category and audience terms."""
    out = {term_id(TAXONOMY_NAME, slug): f"category:{slug}" for slug in CATEGORIES}
    if AUDIENCE_TAXONOMY_NAME:
        out |= {term_id(AUDIENCE_TAXONOMY_NAME, slug): f"audience:{slug}" for slug in AUDIENCES}
    return out


STORED_TERMS: Final[Mapping[uuid.UUID, str]] = MappingProxyType(_vocabulary_of_stored_terms())


def plan_record(candidate: Candidate, checked: Checked) -> _Plan:
    planner = _Planner(checked.dropped)
    rtype = RECORD_TYPES[candidate.record_type]
    planner.add(rtype, candidate.data, "", full=not candidate.list_item)
    planner.apply_linkwork()
    for (record_type, record_id_), values in candidate.extras.items():
        row = planner.plan.rows.get((RECORD_TYPES[record_type].model, record_id_))
        if row is not None:
            row.values.update(values)
    return planner.plan


# Writing one record ---------------------------------------------------------------------------


@functools.cache
def _model_field(model: type[m.HsdsRecord], name: str) -> models.Field[Any, Any]:
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    return model_field


def _as_stored(model: type[m.HsdsRecord], attr: str, value: Any) -> Any:
    """A value as the database gives it back, so that comparing finds no false change."""
    model_field = _model_field(model, attr)
    if isinstance(model_field, models.DecimalField) and isinstance(value, int | float):
        places = Decimal(1).scaleb(-(model_field.decimal_places or 0))
        return Decimal(str(value)).quantize(places)
    return value


def _empty(model: type[m.HsdsRecord], attr: str) -> Any:
    model_field = _model_field(model, attr)
    if model_field.null:
        return None
    if model_field.has_default():
        return model_field.get_default()
    return ""


def _noun(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name)


def _copy(obj: m.HsdsRecord) -> m.HsdsRecord:
    """A copy of a row, as `copy.copy` makes it (the related rows it holds are not copied)
    but without pickling's detour: the import copies every row it compares."""
    clone = obj.__class__.__new__(obj.__class__)
    clone.__dict__ = obj.__dict__.copy()
    clone._state = copy.copy(obj._state)
    clone._state.fields_cache = obj._state.fields_cache.copy()
    return clone


def _insert_rows(model: type[models.Model], rows: list[list[Any]]) -> None:
    """Insert new rows, each given as its values in the order of the model's columns, in one
    statement run for many values (what `bulk_create` does, without building the SQL anew for
    every chunk of rows and without a model instance for each row). PostgreSQL takes them
    with `COPY`, its bulk load, which fires the same triggers and checks the same constraints
    at a fraction of the cost of a statement per row."""
    database = connections[router.db_for_write(model)]
    fields = model._meta.concrete_fields
    quote = database.ops.quote_name
    # Names from the model, quoted; the values go as parameters.
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    values = [
        [f.get_db_prep_save(value, database) for f, value in zip(fields, row, strict=True)]
        for row in rows
    ]
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            sql = f"COPY {table} ({columns}) FROM STDIN"
            # Logged as `execute` logs a statement (when queries are logged, as in tests), and
            # errors become Django's own (IntegrityError, DataError), as from `execute`.
            logged = cursor.debug_sql(sql) if hasattr(cursor, "debug_sql") else nullcontext()
            with logged, database.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for row in values:
                    copy.write_row(row)
            return
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})",  # noqa: S608 # nosec B608
            values,
        )


def _insert_objects(model: type[models.Model], objs: list[Any]) -> None:
    fields = model._meta.concrete_fields
    _insert_rows(model, [[f.pre_save(obj, True) for f in fields] for obj in objs])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = router.db_for_write(model)


def _field_values(obj: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@functools.cache
def _plain_attrs(record_type: str) -> tuple[str, ...]:
    """The attnames of a record type's own values (not its id, links or fallbacks), in the
    order of its fields."""
    rtype = RECORD_TYPES[record_type]
    return tuple(
        rtype.attr(key)
        for key, spec in rtype.fields.items()
        if rtype.attr(key) and key != "id" and not spec.reference and not spec.fallback
    )


@functools.cache
def _emptied_attrs(record_type: str) -> frozenset[str]:
    """The attnames a whole record of the type decides, given or not (fallbacks included)."""
    rtype = RECORD_TYPES[record_type]
    return frozenset(
        rtype.attr(key)
        for key, spec in rtype.fields.items()
        if key != "id" and not spec.reference and rtype.attr(key)
    )


@dataclass(slots=True)
class _Written:
    outcome: Outcome
    # The attnames decided by the records of this import that wrote the row so far (one
    # shared set for each distinct set: an import remembers every row it writes).
    given: frozenset[str]


@dataclass
class _Run:
    """What one import has written so far, and links to make at the end.

    Within one import the first record to give a row wins: a later record that gives the same
    row other values leaves it as it is and says so. Sources do repeat records (a service in
    its list page, its own page and its organization's page), and their copies do not always
    agree; letting the first copy win makes importing the same source again a no-op.
    """

    # (model, id) -> the record that first wrote or confirmed the row, and what it decided
    written: dict[tuple[type[m.HsdsRecord], uuid.UUID], _Written] = field(default_factory=dict)
    # (model, row id, attname, target model, target id, outcome, message)
    late_links: list[
        tuple[type[m.HsdsRecord], uuid.UUID, str, type[m.HsdsRecord], uuid.UUID, Outcome, str]
    ] = field(default_factory=list)
    # Each distinct set of attnames `written` holds, held once.
    given_sets: dict[frozenset[str], frozenset[str]] = field(default_factory=dict)

    def shared(self, given: frozenset[str]) -> frozenset[str]:
        return self.given_sets.setdefault(given, given)


class _Writer:
    def __init__(self, plan: _Plan, outcome: Outcome, run: _Run) -> None:
        self.plan = plan
        self.outcome = outcome
        self.run = run
        self.changed = False
        self.created_top = False

    def resolve(self) -> None:
        """Every link must name a row of this record or of the directory; an optional one
        that names neither is left out, a required one rejects the record."""
        wanted: dict[type[m.HsdsRecord], set[uuid.UUID]] = {}
        for row in self.plan.rows.values():
            for attname, (target, _) in row.links.items():
                related = self._target(row, attname)
                if (related, target) not in self.plan.rows:
                    wanted.setdefault(related, set()).add(target)
        linkwork_terms = wanted.get(m.TaxonomyTerm, set()) & STORED_TERMS.keys()
        if linkwork_terms and len(self._found(m.TaxonomyTerm, linkwork_terms)) < len(
            linkwork_terms
        ):
            # The Linkwork taxonomy is made the first time a feed uses it.
            self._ensure_linkwork_taxonomy()
        found = {model: self._found(model, ids) for model, ids in wanted.items()}
        errors = []
        for row in self.plan.rows.values():
            for attname, (target, path) in list(row.links.items()):
                related = self._target(row, attname)
                if (related, target) in self.plan.rows or target in found.get(related, set()):
                    continue
                message = (
                    f"{path}: {show(str(target))} names no {_noun(related)} in this import or "
                    f"the directory"
                )
                if _model_field(row.model, attname).null:
                    del row.links[attname]
                    self.run.late_links.append(
                        (row.model, row.id, attname, related, target, self.outcome, message)
                    )
                else:
                    errors.append(message)
        if errors:
            raise Rejected(errors)

    # What the writer reads and writes: the directory itself, one query per step; the batch
    # writer (`_BatchWriter`) answers from rows loaded for a whole batch and holds its writes.

    def _found(self, model: type[m.HsdsRecord], ids: set[uuid.UUID]) -> set[uuid.UUID]:
        """Those of `ids` that name a row of `model`."""
        return set(model._default_manager.filter(id__in=ids).values_list("id", flat=True))

    def _ensure_linkwork_taxonomy(self) -> None:
        ensure_linkwork_taxonomy()

    def _load(
        self, model: type[m.HsdsRecord], ids: list[uuid.UUID]
    ) -> Mapping[uuid.UUID, m.HsdsRecord]:
        return model._default_manager.in_bulk(ids)

    def _gone(self, collection: _Collection) -> list[m.HsdsRecord]:
        """The children the collection's parent has that it no longer lists."""
        gone: models.QuerySet[Any]
        if collection.model is m.Attribute:
            gone = m.Attribute.objects.filter(
                link_entity=collection.parent_type, link_id=collection.parent_id
            ).exclude(id__in=collection.kept)
        else:
            gone = collection.model._default_manager.filter(
                **{collection.link: collection.parent_id}
            ).exclude(id__in=collection.kept)
        return list(gone)

    def _stored_taxonomy_name(self, taxonomy_id: uuid.UUID) -> str | None:
        return m.Taxonomy.objects.filter(id=taxonomy_id).values_list("name", flat=True).first()

    def _insert(self, obj: m.HsdsRecord) -> None:
        obj.save(force_insert=True)
        record_changes(before=None, after=obj)

    def _update(self, before: m.HsdsRecord, after: m.HsdsRecord) -> None:
        after.save()
        record_changes(before=before, after=after)

    def _remember(self, key: tuple[type[m.HsdsRecord], uuid.UUID], given: set[str]) -> None:
        if key not in self.run.written:
            self.run.written[key] = _Written(self.outcome, self.run.shared(frozenset(given)))

    def _add_given(self, earlier: _Written, given: set[str]) -> None:
        earlier.given = self.run.shared(earlier.given | given)

    @staticmethod
    def _target(row: _Row, attname: str) -> type[m.HsdsRecord]:
        related = row.model._meta.get_field(attname).related_model
        assert isinstance(related, type)
        assert issubclass(related, m.HsdsRecord)
        return related

    def _first_from(self, model: type[m.HsdsRecord], pk: Any) -> Outcome | None:
        """The earlier record of this import that wrote the row, if another one did."""
        earlier = self.run.written.get((model, pk))
        if earlier is None or earlier.outcome is self.outcome:
            return None
        return earlier.outcome

    def _kept(self, model: type[m.HsdsRecord], pk: Any, earlier: Outcome, what: str) -> None:
        self.outcome.warnings.append(
            f"{_noun(model)} {pk} was first read from {earlier.where} in this import; this "
            f"record {what}, and the first version was kept"
        )

    def remove_unlisted(self) -> None:
        """Children a whole record no longer lists: unlinked from it, or removed when no
        other record lists them."""
        for collection in self.plan.collections:
            for obj in self._gone(collection):
                earlier = self._first_from(collection.model, obj.pk)
                if earlier is not None:
                    self._kept(collection.model, obj.pk, earlier, "does not list it")
                    continue
                others = [
                    name
                    for name in OWNER_FIELDS.get(collection.model, ())
                    if name != collection.link and getattr(obj, name) is not None
                ]
                if others:
                    before = copy.copy(obj)
                    setattr(obj, collection.link, None)
                    obj.save(update_fields=[collection.link.removesuffix("_id")])
                    record_changes(before=before, after=obj)
                else:
                    m.Metadata.objects.create(
                        resource_id=obj.pk,
                        resource_type=obj.hsds_entity,
                        last_action_type=m.MetadataAction.DELETE,
                        updated_by=SYSTEM_NAME,
                    )
                    obj.delete()
                self.changed = True

    def upsert(self, top: tuple[type[m.HsdsRecord], uuid.UUID]) -> None:
        by_model: dict[type[m.HsdsRecord], list[_Row]] = {}
        for row in self.plan.rows.values():
            by_model.setdefault(row.model, []).append(row)
        for model in WRITE_ORDER:
            rows = by_model.get(model, [])
            if not rows:
                continue
            existing = self._load(model, [r.id for r in rows])
            for row in rows:
                self._upsert(row, existing.get(row.id), is_top=(model, row.id) == top)

    def _taxonomy_name(self, taxonomy_id: uuid.UUID) -> str | None:
        row = self.plan.rows.get((m.Taxonomy, taxonomy_id))
        if row is not None:
            return str(row.values.get("name", ""))
        return self._stored_taxonomy_name(taxonomy_id)

    def _desired(self, row: _Row, obj: m.HsdsRecord, *, new: bool = False) -> m.HsdsRecord:
        """A copy of `obj` (`obj` itself when `new`) with the row's values and links applied."""
        model = row.model
        wanted = obj if new else _copy(obj)
        for attr in _plain_attrs(row.rtype.name):
            if attr in row.values:
                continue
            if attr in row.fallbacks:
                setattr(wanted, attr, row.fallbacks[attr])
            elif row.full and (model, attr) not in KEEP_WHEN_OMITTED:
                setattr(wanted, attr, _empty(model, attr))
        for attr, value in row.values.items():
            setattr(wanted, attr, _as_stored(model, attr, value))
        for attname, (target, _) in row.links.items():
            setattr(wanted, attname, target)
        if (
            isinstance(wanted, m.TaxonomyTerm)
            and wanted.taxonomy_id is not None
            and wanted.taxonomy_detail
            and wanted.taxonomy_detail == self._taxonomy_name(wanted.taxonomy_id)
        ):
            # The `taxonomy` text only repeats the name of the term's taxonomy record.
            wanted.taxonomy_detail = ""
        return wanted

    @staticmethod
    def _given(row: _Row) -> set[str]:
        """The fields the row decides: those it gives, and, for a whole record, those it
        leaves out (which it empties)."""
        given = set(row.values) | set(row.links) | set(row.fallbacks)
        if row.full:
            given |= _emptied_attrs(row.rtype.name)
            given -= {attr for model, attr in KEEP_WHEN_OMITTED if model is row.model}
        return given

    def _upsert(self, row: _Row, obj: m.HsdsRecord | None, *, is_top: bool) -> None:
        key = (row.model, row.id)
        given = self._given(row)
        if obj is None:
            obj = self._desired(row, row.model(id=row.id), new=True)
            self._insert(obj)
            self.changed = True
            self.created_top = self.created_top or is_top
            self._remember(key, given)
            return
        wanted = self._desired(row, obj)
        old, new = _field_values(obj), _field_values(wanted)
        differing = [name for name in new if old[name] != new[name]]
        earlier = self.run.written.get(key)
        if earlier is not None and earlier.outcome is not self.outcome:
            # What an earlier record of this import decided stands; a link it left empty,
            # or a field it did not give, may still be filled in.
            conflicting = [
                name
                for name in differing
                if name in earlier.given and not (name in row.links and old[name] is None)
            ]
            if conflicting:
                self._kept(
                    row.model,
                    row.id,
                    earlier.outcome,
                    f"gives other {', '.join(sorted(conflicting))}",
                )
            differing = [name for name in differing if name not in conflicting]
            wanted = _copy(obj)
            for name in differing:
                setattr(wanted, name, new[name])
            self._add_given(earlier, given)
        if differing:
            self._update(obj, wanted)
            self.changed = True
        self._remember(key, given)


def _constraint_patterns() -> dict[str, str]:
    """Text that names each constraint in a database error: its name (PostgreSQL), or the
    columns it covers (SQLite, for constraints without a condition)."""
    patterns = {}
    for model in WRITE_ORDER:
        for constraint in model._meta.constraints:
            if constraint.name not in CONSTRAINT_MESSAGES:
                continue
            patterns[constraint.name] = constraint.name
            if isinstance(constraint, models.UniqueConstraint) and constraint.condition is None:
                columns = [_model_field(model, name).column for name in constraint.fields]
                table = model._meta.db_table
                patterns[", ".join(f"{table}.{column}" for column in columns)] = constraint.name
    return patterns


def _constraint_message(exc: Exception) -> str:
    text = str(exc)
    for pattern, name in _constraint_patterns().items():
        if pattern in text:
            return CONSTRAINT_MESSAGES[name]
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass
class _Prepared:
    """A record checked and planned, ready to be written."""

    candidate: Candidate
    checked: Checked
    outcome: Outcome
    plan: _Plan
    top: tuple[type[m.HsdsRecord], uuid.UUID]
    # How many warnings the outcome had before writing began.
    warnings_at: int

    def reset(self) -> None:
        """Back to how it was before writing was tried: the writer changes the plan (links
        left out) and the outcome."""
        del self.outcome.warnings[self.warnings_at :]
        self.outcome.problems.clear()
        self.outcome.status = Status.REJECTED
        self.plan = plan_record(self.candidate, self.checked)


def prepare_candidate(candidate: Candidate, report: ImportReport) -> _Prepared | None:
    """Check and plan one record, adding its outcome to the report; None when it is
    rejected before anything is written."""
    outcome = Outcome(
        candidate.record_type,
        record_id(candidate.data),
        candidate.where,
        Status.REJECTED,
        original_id=candidate.original_id,
    )
    report.outcomes.append(outcome)
    report.not_stored.update(candidate.not_kept)
    if candidate.failure:
        outcome.problems.append(candidate.failure)
        return None
    outcome.warnings += candidate.notes
    outcome.dropped += candidate.dropped
    checked = check(
        candidate.record_type,
        candidate.data,
        list_item=candidate.list_item,
        within=candidate.within,
        lenient=candidate.lenient,
    )
    report.not_stored.update(checked.not_stored)
    report.unread.update(checked.unread)
    if candidate.lenient:
        # A 1.0 record's unreadable fields are left out and counted (exit status 1); a 3.0
        # record's few dropped values (coordinates off the globe) stay warnings, as before.
        outcome.dropped += [str(p) for p in checked.warnings if p.drops]
    outcome.warnings += [str(p) for p in checked.warnings if not (candidate.lenient and p.drops)]
    if checked.errors:
        outcome.problems += [str(p) for p in checked.errors]
        return None
    plan = plan_record(candidate, checked)
    outcome.warnings += plan.warnings
    if plan.errors:
        outcome.problems += plan.errors
        return None
    top = (RECORD_TYPES[candidate.record_type].model, uuid.UUID(candidate.data["id"]))
    return _Prepared(candidate, checked, outcome, plan, top, len(outcome.warnings))


def _finish(outcome: Outcome, writer: _Writer) -> None:
    if writer.created_top:
        outcome.status = Status.CREATED
    else:
        outcome.status = Status.UPDATED if writer.changed else Status.UNCHANGED


def write_prepared(prepared: _Prepared, run: _Run) -> None:
    """Write one record whole, in a transaction of its own (a savepoint in the caller's), or
    reject it with every reason."""
    outcome = prepared.outcome
    writer = _Writer(prepared.plan, outcome, run)
    late = len(run.late_links)
    try:
        with transaction.atomic():
            writer.resolve()
            writer.remove_unlisted()
            writer.upsert(prepared.top)
    except Rejected as exc:
        del run.late_links[late:]
        outcome.problems += exc.problems
        return
    except (IntegrityError, DataError) as exc:
        del run.late_links[late:]
        outcome.problems.append(f"cannot be saved: {_constraint_message(exc)}")
        return
    _finish(outcome, writer)


def import_candidate(candidate: Candidate, report: ImportReport, run: _Run) -> Outcome:
    """Check one record and write it whole, or reject it with every reason."""
    prepared = prepare_candidate(candidate, report)
    if prepared is not None:
        write_prepared(prepared, run)
    return report.outcomes[-1]


# Writing a batch of records ---------------------------------------------------------------------


class _Careful(Exception):
    """The record removes or unlinks rows, or makes the Linkwork taxonomy: it is written on
    its own, by `write_prepared`, rather than as part of a batch."""


_ChildKey = tuple[type[m.HsdsRecord], str, str]


class _State:
    """The directory rows a batch of records reads, loaded in one query per model (and one
    per kind of list), and the rows the batch writes, held in memory until `flush` writes
    them all: one insert per model, one update per model and set of fields, one insert of
    metadata.

    What the batch writes is seen by the batch's later records, as it would be in the
    database if each record were written as it came."""

    def __init__(self) -> None:
        # model -> id -> the row as the batch has left it (None: no such row).
        self.rows: dict[type[m.HsdsRecord], dict[uuid.UUID, m.HsdsRecord | None]] = {}
        # (model, link, parent type) -> parent id -> ids of the rows linked to it.
        self.children: dict[_ChildKey, dict[uuid.UUID, set[uuid.UUID]]] = {}
        self.inserts: dict[tuple[type[m.HsdsRecord], uuid.UUID], m.HsdsRecord] = {}
        self.updates: dict[tuple[type[m.HsdsRecord], uuid.UUID], set[str]] = {}
        # The metadata rows to write, by attname.
        self.metadata: list[dict[str, Any]] = []
        # What the batch's records noted in the run, to take back if the batch fails.
        self.remembered: list[tuple[type[m.HsdsRecord], uuid.UUID]] = []
        self.given: list[tuple[_Written, frozenset[str]]] = []

    def load(self, plans: list[_Plan]) -> None:
        wanted: dict[type[m.HsdsRecord], set[uuid.UUID]] = {}
        parents: dict[_ChildKey, set[uuid.UUID]] = {}
        for plan in plans:
            for (model, row_id), row in plan.rows.items():
                wanted.setdefault(model, set()).add(row_id)
                for attname, (target, _) in row.links.items():
                    wanted.setdefault(_Writer._target(row, attname), set()).add(target)
            for c in plan.collections:
                parents.setdefault(_child_key(c), set()).add(c.parent_id)
        for model, ids in wanted.items():
            self._get_many(model, ids)
        for key, ids in parents.items():
            self._load_children(key, ids)

    def _get_many(self, model: type[m.HsdsRecord], ids: set[uuid.UUID]) -> None:
        known = self.rows.setdefault(model, {})
        missing = [i for i in ids if i not in known]
        if missing:
            found = model._default_manager.in_bulk(missing)
            for i in missing:
                known[i] = found.get(i)

    def get(self, model: type[m.HsdsRecord], row_id: uuid.UUID) -> m.HsdsRecord | None:
        known = self.rows.setdefault(model, {})
        if row_id not in known:
            self._get_many(model, {row_id})
        return known[row_id]

    def _load_children(self, key: _ChildKey, parent_ids: set[uuid.UUID]) -> None:
        model, link, parent_type = key
        index = self.children.setdefault(key, {})
        missing = [p for p in parent_ids if p not in index]
        if not missing:
            return
        query = model._default_manager.filter(**{f"{link}__in": missing})
        if model is m.Attribute:
            query = query.filter(**{"link_entity": parent_type})
        known = self.rows.setdefault(model, {})
        for p in missing:
            index[p] = set()
        for found in query:
            if found.pk not in known:
                known[found.pk] = found
        # Rows the batch already holds count as the batch left them.
        wanted = set(missing)
        for obj in known.values():
            if obj is not None and _links_to(obj, key) in wanted:
                index[_links_to(obj, key)].add(obj.pk)

    def children_of(self, key: _ChildKey, parent_id: uuid.UUID) -> set[uuid.UUID]:
        self._load_children(key, {parent_id})
        return self.children[key][parent_id]

    def _put(self, obj: m.HsdsRecord) -> None:
        model = type(obj)
        known = self.rows.setdefault(model, {})
        old = known.get(obj.pk)
        known[obj.pk] = obj
        for key, index in self.children.items():
            if key[0] is not model:
                continue
            if old is not None and (parent := _links_to(old, key)) in index:
                index[parent].discard(obj.pk)
            if (parent := _links_to(obj, key)) in index:
                index[parent].add(obj.pk)

    def insert(self, obj: m.HsdsRecord) -> None:
        if isinstance(obj, m.Service):
            obj.refresh_text()
        self._put(obj)
        self.inserts[(type(obj), obj.pk)] = obj
        self.metadata.append(creation_values(obj, timezone.now()))

    def update(self, before: m.HsdsRecord, after: m.HsdsRecord) -> None:
        if isinstance(after, m.Service):
            after.refresh_text()
        old, new = _field_values(before), _field_values(after)
        self._put(after)
        key = (type(after), after.pk)
        if key in self.inserts:
            self.inserts[key] = after
        else:
            self.updates.setdefault(key, set()).update(n for n in new if old[n] != new[n])
        self.metadata += [
            {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
            for row in changes(before=before, after=after)
        ]

    def flush(self) -> None:
        """Write what the batch holds, in one transaction; raises IntegrityError or DataError
        when the database refuses it."""
        with transaction.atomic():
            for model in WRITE_ORDER:
                new = [obj for (kind, _), obj in self.inserts.items() if kind is model]
                if new:
                    _insert_objects(model, new)
            by_fields: dict[tuple[type[m.HsdsRecord], tuple[str, ...]], list[m.HsdsRecord]] = {}
            for (model, row_id), changed in self.updates.items():
                if changed:
                    obj = self.rows[model][row_id]
                    assert obj is not None
                    by_fields.setdefault((model, tuple(sorted(changed))), []).append(obj)
            for (model, names), objs in by_fields.items():
                model._default_manager.bulk_update(objs, list(names))
            columns = m.Metadata._meta.concrete_fields
            _insert_rows(m.Metadata, [[row[f.attname] for f in columns] for row in self.metadata])

    def take_back(self, run: _Run) -> None:
        """Undo what the batch's records noted in the run (the batch was not written)."""
        for written, given in reversed(self.given):
            written.given = given
        for key in self.remembered:
            del run.written[key]


def _child_key(collection: _Collection) -> _ChildKey:
    if collection.model is m.Attribute:
        return (m.Attribute, "link_id", collection.parent_type)
    return (collection.model, collection.link, "")


def _links_to(obj: m.HsdsRecord, key: _ChildKey) -> Any:
    """The parent `obj` is linked to through `key`, or None."""
    if key[2] and getattr(obj, "link_entity", None) != key[2]:
        return None
    return getattr(obj, key[1])


class _BatchWriter(_Writer):
    """Writes a record into a batch's `_State` rather than the database."""

    def __init__(self, plan: _Plan, outcome: Outcome, run: _Run, state: _State) -> None:
        super().__init__(plan, outcome, run)
        self.state = state

    def _found(self, model: type[m.HsdsRecord], ids: set[uuid.UUID]) -> set[uuid.UUID]:
        return {i for i in ids if self.state.get(model, i) is not None}

    def _ensure_linkwork_taxonomy(self) -> None:
        raise _Careful

    def _load(
        self, model: type[m.HsdsRecord], ids: list[uuid.UUID]
    ) -> Mapping[uuid.UUID, m.HsdsRecord]:
        return {i: obj for i in ids if (obj := self.state.get(model, i)) is not None}

    def _gone(self, collection: _Collection) -> list[m.HsdsRecord]:
        if self.state.children_of(_child_key(collection), collection.parent_id) - collection.kept:
            raise _Careful
        return []

    def _stored_taxonomy_name(self, taxonomy_id: uuid.UUID) -> str | None:
        taxonomy = self.state.get(m.Taxonomy, taxonomy_id)
        return taxonomy.name if isinstance(taxonomy, m.Taxonomy) else None

    def _insert(self, obj: m.HsdsRecord) -> None:
        self.state.insert(obj)

    def _update(self, before: m.HsdsRecord, after: m.HsdsRecord) -> None:
        self.state.update(before, after)

    def _remember(self, key: tuple[type[m.HsdsRecord], uuid.UUID], given: set[str]) -> None:
        if key not in self.run.written:
            self.state.remembered.append(key)
        super()._remember(key, given)

    def _add_given(self, earlier: _Written, given: set[str]) -> None:
        self.state.given.append((earlier, earlier.given))
        super()._add_given(earlier, given)


# Records written one by one (each its own savepoint) once a batch has met this many records
# that must be; the batch grows back as records go in together again.
_SMALLEST_BATCH: Final = 4


def write_batch(batch: list[_Prepared], run: _Run) -> None:
    """Write checked records, each whole or not at all, in as few queries as the batch
    allows: the rows they read are loaded together, the rows they write are inserted and
    updated together. A record that removes or unlinks rows is written on its own; a batch
    the database refuses (a constraint) is written again record by record, so that only the
    records at fault are rejected."""
    size = len(batch)
    start = 0
    while start < len(batch):
        if size < _SMALLEST_BATCH:
            for prepared in batch[start : start + size]:
                write_prepared(prepared, run)
            start += size
            size *= 2
            continue
        window = batch[start : start + size]
        state = _State()
        state.load([p.plan for p in window])
        late = len(run.late_links)
        stop = len(window)
        for index, prepared in enumerate(window):
            record_late = len(run.late_links)
            writer = _BatchWriter(prepared.plan, prepared.outcome, run, state)
            try:
                writer.resolve()
                writer.remove_unlisted()
            except Rejected as exc:
                del run.late_links[record_late:]
                prepared.outcome.problems += exc.problems
                continue
            except _Careful:
                del run.late_links[record_late:]
                prepared.reset()
                stop = index
                break
            writer.upsert(prepared.top)
            _finish(prepared.outcome, writer)
        try:
            state.flush()
        except (IntegrityError, DataError):
            # Written again one by one: only the records at fault are rejected.
            state.take_back(run)
            del run.late_links[late:]
            for prepared in window[:stop]:
                prepared.reset()
                write_prepared(prepared, run)
            size = max(1, size // 4)
        else:
            size = min(len(batch), size * 2)
        start += stop
        if stop < len(window):
            write_prepared(window[stop], run)
            start += 1
            size = max(1, size // 4)


def _make_late_links(run: _Run) -> None:
    """Links to records that came later in the same import, made now; the rest are
    reported as left out."""
    for model, row_id, attname, related, target, outcome, message in run.late_links:
        if outcome.status is Status.REJECTED:
            continue
        made = False
        if related._default_manager.filter(id=target).exists():
            with transaction.atomic():
                obj = model._default_manager.filter(id=row_id).first()
                if obj is not None and getattr(obj, attname) is None:
                    before = copy.copy(obj)
                    setattr(obj, attname, target)
                    obj.save(update_fields=[attname.removesuffix("_id")])
                    record_changes(before=before, after=obj)
                    if outcome.status is Status.UNCHANGED:
                        outcome.status = Status.UPDATED
                made = obj is not None and getattr(obj, attname) == target
        if not made:
            outcome.warnings.append(f"{message}, so the link was left out")


ProgressFactory = Callable[[int | None], Any]
# Records written per database commit.
COMMIT_EVERY: Final = 200


def with_area(candidate: Candidate, code: str) -> Candidate:
    """A whole service record with the local authority area its feed serves (`--area`), as
    one more service area whose `local_authority_code` is `code`."""
    if (
        candidate.failure
        or candidate.list_item
        or candidate.record_type != "service"
        or not isinstance(candidate.data, dict)
        or not isinstance(candidate.data.get("id"), str)
        or not _UUID_TEXT.match(candidate.data["id"])
    ):
        return candidate
    area, area_id = legacy.service_area_for(candidate.data["id"].lower(), code)
    areas = candidate.data.get("service_areas")
    listed = (
        [a for a in areas if not (isinstance(a, dict) and a.get("id") == area["id"])]
        if (isinstance(areas, list))
        else []
    )
    extras = {**candidate.extras, ("service_area", area_id): {"local_authority_code": code}}
    return replace(
        candidate,
        data={**candidate.data, "service_areas": [*listed, area]},
        extras=MappingProxyType(extras),
    )


def check_area(code: str) -> str:
    """An ONS local authority code as given to `--area`; raises ValueError naming it."""
    cleaned = code.strip().upper()
    if not legacy.LA_CODE.match(cleaned):
        raise ValueError(
            f"--area {code!r} is not an ONS local authority code (a letter E, N, S or W and "
            f"eight digits, such as E06000001)"
        )
    return cleaned


def import_oruk(
    source: str,
    *,
    fetcher: Fetcher | None = None,
    progress: ProgressFactory | None = None,
    area: str = "",
) -> ImportReport:
    """Import every record of `source` (a URL, a file or a folder); raises SourceError when
    the source cannot be read at all.

    `progress`, given the number of records when known, returns an object with `update(n)`,
    `total` and `close()` (a tqdm bar). `area`: the ONS code of the local authority the feed
    serves, kept as a service area of each service read whole (see `with_area`).
    """
    area = check_area(area) if area else ""
    opened = open_source(source, fetcher=fetcher)
    report = ImportReport(source=source)
    run = _Run()
    bar = progress(opened.total) if progress is not None else None
    batch: list[_Prepared] = []

    def write() -> None:
        # Records are written in batches, each in one transaction: the rows a batch reads are
        # loaded together and the rows it writes are inserted together (each record is still
        # written whole or not at all, see `write_batch`).
        with transaction.atomic():
            write_batch(batch, run)
        if bar is not None:
            for _ in batch:
                bar.update(1)
        batch.clear()

    try:
        for item in opened:
            if bar is not None and opened.total is not None and bar.total != opened.total:
                bar.total = opened.total
            if isinstance(item, Note):
                report.notes.append(item.text)
            elif isinstance(item, Skipped):
                report.skipped.append(item)
            else:
                prepared = prepare_candidate(with_area(item, area) if area else item, report)
                if prepared is not None:
                    batch.append(prepared)
                elif bar is not None:
                    bar.update(1)
                if len(batch) >= COMMIT_EVERY:
                    write()
        if batch:
            write()
    finally:
        if bar is not None:
            bar.close()
    _make_late_links(run)
    auditor.record(
        action="directory.imported",
        detail={"source_kind": type(opened).__name__, **report.counts},
    )
    return report
