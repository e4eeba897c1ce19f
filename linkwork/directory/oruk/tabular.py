"""Reading an HSDS tabular data package: one CSV file per table, named in `datapackage.json`.

The rows are put back together into the nested records of the JSON form (a service with its
schedules, its services at locations with their locations, and so on), so a package goes
through the same checks and the same import as a feed. The records come out in an order that
lets each one refer to those before it: taxonomies, taxonomy terms, organizations, services,
then services at locations and locations that no service in the package names.

A child row is nested under every record of the package it names (a phone under its service,
its location and its contact alike); the import merges the copies. A row that names no record
of the package is reported, not guessed at. The same tables written as one JSON object (the
HSDS `tabular.json` example, `{"services.csv": [rows...], ...}`) are read the same way.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from linkwork.directory.oruk.validation import RECORD_TYPES, Type, show

# Table (file name without `.csv`) -> record type.
TABLES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "organizations": "organization",
        "organization_identifiers": "organization_identifier",
        "services": "service",
        "service_at_location": "service_at_location",
        "service_at_locations": "service_at_location",
        "locations": "location",
        "addresses": "address",
        "phones": "phone",
        "contacts": "contact",
        "schedules": "schedule",
        "cost_options": "cost_option",
        "languages": "language",
        "accessibility": "accessibility",
        "service_areas": "service_area",
        "funding": "funding",
        "taxonomies": "taxonomy",
        "taxonomy_terms": "taxonomy_term",
        "attributes": "attribute",
    }
)
# HSDS tables Linkwork has no place for.
NOT_STORED_TABLES: Final = frozenset(
    {"programs", "required_documents", "metadata", "meta_table_descriptions", "service_capacity"}
)

_NUMBER_RE: Final = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_INTEGER_RE: Final = re.compile(r"^[+-]?\d+$")


class PackageError(Exception):
    """The package cannot be read at all."""


@dataclass(frozen=True)
class Row:
    record_type: str
    where: str
    data: Mapping[str, Any]

    @property
    def id(self) -> str:
        value = self.data.get("id")
        return value.lower() if isinstance(value, str) else ""


@dataclass
class Package:
    where: str
    rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PackageRecord:
    record_type: str
    data: dict[str, Any]
    where: str


@dataclass(frozen=True)
class LeftOut:
    """A row of the package that names no record of the package (or one Linkwork keeps)."""

    where: str
    reason: str


@dataclass
class Assembled:
    records: list[PackageRecord] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _coerce(record_type: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Cell text as JSON values: empty cells are omitted, numbers read as numbers. Values of
    a JSON package that are numbers where the standard has text are written as text."""
    fields = RECORD_TYPES[record_type].fields
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key is None or value is None or value == "":
            continue
        spec = fields.get(key)
        if spec is not None and spec.type in (Type.NUMBER, Type.INTEGER) and isinstance(value, str):
            text = value.strip()
            if _INTEGER_RE.match(text):
                out[key] = int(text)
                continue
            if _NUMBER_RE.match(text):
                out[key] = float(text)
                continue
        elif (
            spec is not None
            and spec.type not in (Type.NUMBER, Type.INTEGER)
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            out[key] = str(value)
            continue
        out[key] = value
    return out


def _add_table(package: Package, stem: str, name: str, rows: Iterable[tuple[str, Any]]) -> None:
    if stem in NOT_STORED_TABLES:
        count = sum(1 for _ in rows)
        package.notes.append(
            f"{name}: {count} row(s) not imported: Linkwork does not keep HSDS {stem}"
        )
        return
    record_type = TABLES.get(stem)
    if record_type is None:
        package.notes.append(f"{name}: not an HSDS table; not read")
        return
    for where, raw in rows:
        if not isinstance(raw, dict):
            package.notes.append(f"{where}: {show(raw)} is not a row; not read")
            continue
        package.rows[record_type].append(Row(record_type, where, _coerce(record_type, raw)))


def _csv_rows(path: Path) -> list[tuple[str, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = []
            for raw in reader:
                rows.append((f"{path.name} line {reader.line_num}", dict(raw)))
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise PackageError(f"{path.name} cannot be read: {exc}") from exc


def _descriptor_paths(folder: Path, package: Package) -> list[tuple[str, Path]] | None:
    """(table name, CSV path) from `datapackage.json`, or None when it does not list them."""
    descriptor = folder / "datapackage.json"
    try:
        text = descriptor.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        package.notes.append(f"datapackage.json cannot be read ({exc})")
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        package.notes.append(
            f"datapackage.json is not a data package descriptor (it reads "
            f"{show(text.strip())}: perhaps a link that was not followed), so the tables were "
            f"found by their HSDS file names"
        )
        return None
    resources = data.get("resources") if isinstance(data, dict) else None
    if not isinstance(resources, list):
        package.notes.append(
            "datapackage.json lists no resources, so the tables were found by their HSDS file names"
        )
        return None
    found: list[tuple[str, Path]] = []
    root = folder.resolve()
    for index, resource in enumerate(resources):
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str) or "://" in path:
            package.notes.append(
                f"datapackage.json resources[{index}]: no local path; not read (remote tables "
                f"are never fetched)"
            )
            continue
        target = (folder / path).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            package.notes.append(
                f"datapackage.json resources[{index}]: {show(path)} is not a file in the "
                f"package; not read"
            )
            continue
        name = resource.get("name")
        stem = name if isinstance(name, str) and name else target.stem
        found.append((stem, target))
    return found


def read_folder(folder: Path) -> Package:
    """Read the CSV tables of a package folder."""
    package = Package(where=str(folder))
    listed = _descriptor_paths(folder, package) if (folder / "datapackage.json").exists() else None
    if listed is None:
        listed = [(path.stem, path) for path in sorted(folder.glob("*.csv"))]
    for stem, path in listed:
        _add_table(package, stem, path.name, _csv_rows(path))
    if not package.rows:
        raise PackageError(
            "no HSDS tables found (such as services.csv, organizations.csv, taxonomies.csv)"
        )
    return package


def read_tables(tables: Mapping[str, Any], where: str) -> Package:
    """Read tables written as one JSON object: `{"services.csv": [rows...], ...}`."""
    package = Package(where=where)
    for name, rows in tables.items():
        if not isinstance(rows, list):
            package.notes.append(f"{where} {name}: not a list of rows; not read")
            continue
        stem = name.removesuffix(".csv")
        _add_table(
            package,
            stem,
            f"{where} {name}",
            ((f"{where} {name}[{index}]", raw) for index, raw in enumerate(rows)),
        )
    return package


def is_table_object(document: Any) -> bool:
    """Whether a JSON document is tables written as one object (keys such as `services.csv`)."""
    return (
        isinstance(document, dict)
        and bool(document)
        and all(isinstance(k, str) and k.endswith(".csv") for k in document)
    )


# Putting the rows back together ----------------------------------------------------------------


def _owner_columns() -> dict[str, dict[str, str]]:
    """For each record type, the columns that name a record it is listed under (and its type),
    as the nested lists of the JSON form define them."""
    owners: dict[str, dict[str, str]] = defaultdict(dict)
    for parent in RECORD_TYPES.values():
        for nested in parent.nested.values():
            if nested.many and nested.owned and nested.link != "link_id":
                owners[nested.record][nested.link] = parent.name
    return owners


OWNER_COLUMNS: Final = MappingProxyType(_owner_columns())


class _Assembler:
    def __init__(self, package: Package) -> None:
        self.package = package
        self.result = Assembled(notes=list(package.notes))
        self.index: dict[str, dict[str, Row]] = defaultdict(dict)
        self.children: dict[tuple[str, str], dict[str, list[Row]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.attributes: dict[tuple[str, str], list[Row]] = defaultdict(list)
        self.used: set[int] = set()
        for record_type, rows in package.rows.items():
            for row in rows:
                self._index(record_type, row)

    def _index(self, record_type: str, row: Row) -> None:
        if row.id:
            earlier = self.index[record_type].get(row.id)
            if earlier is not None:
                self.used.add(id(row))
                self.result.left_out.append(
                    LeftOut(row.where, f"has the same id as {earlier.where}; only that row is read")
                )
                return
            self.index[record_type][row.id] = row
        if record_type == "attribute":
            entity, link = row.data.get("link_entity"), row.data.get("link_id")
            if isinstance(entity, str) and isinstance(link, str):
                self.attributes[(entity, link.lower())].append(row)
            return
        for column in OWNER_COLUMNS.get(record_type, {}):
            value = row.data.get(column)
            if isinstance(value, str):
                self.children[(record_type, column)][value.lower()].append(row)

    def in_package(self, record_type: str, value: Any) -> bool:
        return isinstance(value, str) and value.lower() in self.index[record_type]

    def build(self, record_type: str, row: Row) -> dict[str, Any]:
        self.used.add(id(row))
        owners = OWNER_COLUMNS.get(record_type, {})
        data = {
            key: value
            for key, value in row.data.items()
            if not (key in owners and self.in_package(owners[key], value))
        }
        rtype = RECORD_TYPES[record_type]
        for key, nested in rtype.nested.items():
            if not nested.many or not nested.owned:
                continue
            if nested.record == "attribute":
                data[key] = [
                    self.attribute(a) for a in self.attributes.get((record_type, row.id), [])
                ]
                continue
            kids = self.children.get((nested.record, nested.link), {}).get(row.id, [])
            data[key] = [self.build(nested.record, kid) for kid in kids]
        if record_type == "service_at_location":
            location = self.index["location"].get(str(data.get("location_id", "")).lower())
            if location is not None:
                data.pop("location_id")
                data["location"] = self.build("location", location)
        return data

    def attribute(self, row: Row) -> dict[str, Any]:
        self.used.add(id(row))
        return {k: v for k, v in row.data.items() if k not in ("link_entity", "link_id")}

    def emit(self, record_type: str, row: Row) -> None:
        self.result.records.append(
            PackageRecord(record_type, self.build(record_type, row), row.where)
        )

    def run(self) -> Assembled:
        rows = self.package.rows
        for record_type in ("taxonomy", "taxonomy_term", "organization", "service"):
            for row in rows.get(record_type, []):
                if id(row) not in self.used:
                    self.emit(record_type, row)
        for record_type in ("service_at_location", "location"):
            for row in rows.get(record_type, []):
                if id(row) not in self.used:
                    self.emit(record_type, row)
        for table in rows.values():
            for row in table:
                if id(row) not in self.used:
                    self.result.left_out.append(LeftOut(row.where, self.why_left_out(row)))
        return self.result

    def why_left_out(self, row: Row) -> str:
        if row.record_type == "attribute":
            entity, link = row.data.get("link_entity"), row.data.get("link_id")
            if entity not in RECORD_TYPES:
                return (
                    f"link_entity {show(entity)} is not an HSDS table, so the attribute links "
                    f"nothing; not imported"
                )
            return (
                f"link_id {show(link)} names no {entity} in this package; not imported "
                f"(attributes are imported with the record they describe)"
            )
        owners = OWNER_COLUMNS.get(row.record_type, {})
        named = [f"{c} {show(row.data[c])}" for c in owners if row.data.get(c) is not None]
        if named:
            return f"names no record in this package ({', '.join(named)}); not imported"
        return f"is linked to no record (it has no {', '.join(owners)}); not imported"


def assemble(package: Package) -> Assembled:
    """The package's rows as whole records, and the rows that could not be placed."""
    return _Assembler(package).run()
