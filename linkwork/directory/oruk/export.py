"""Writes the directory as Open Referral UK 3.0 JSON files: one full record per file, the same
JSON the API serves, and an index.

Services are read in batches by id, so memory stays flat however big the directory is; the
index is written as it goes for the same reason. Layout:

    index.json                      version, profile, when, every record's id and path, counts
    services/<id>.json              full services (service.json)
    organizations/<id>.json         organizations with their services (organization.json)
    taxonomies/<id>.json            taxonomies with their terms (taxonomy.json)
    taxonomy_terms/<id>.json        stored terms and the social prescribing vocabulary
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Final, TypeVar

from django.db.models import Model, QuerySet

from linkwork.directory.models import Organization, Service, Taxonomy, TaxonomyTerm
from linkwork.directory.oruk import serialize
from linkwork.directory.oruk.attributes import TERMS
from linkwork.directory.oruk.serialize import PROFILE_URL, VERSION

KINDS: Final = ("services", "organizations", "taxonomies", "taxonomy_terms")
DEFAULT_BATCH: Final = 500
M = TypeVar("M", bound=Model)
Progress = Callable[[str, int], Callable[[int], None]]


class ExportError(ValueError):
    """The export cannot start (the folder is not empty); the message says what to do."""


def _batches(records: QuerySet[M], size: int) -> Iterator[list[M]]:
    """Records in id order, `size` at a time, each batch read afresh (keyset paging)."""
    ordered = records.order_by("pk")
    batch = list(ordered[:size])
    while batch:
        yield batch
        batch = list(ordered.filter(pk__gt=batch[-1].pk)[:size])


class _Index:
    """index.json, written entry by entry."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.counts: dict[str, int] = {}
        head = {
            "version": VERSION,
            "profile": PROFILE_URL,
            "exported_at": serialize.timestamp(datetime.now(UTC)),
        }
        stream.write("{\n")
        for key, value in head.items():
            stream.write(f"  {json.dumps(key)}: {json.dumps(value)},\n")

    def start(self, kind: str) -> None:
        self.counts[kind] = 0
        self.stream.write(f'  "{kind}": [')

    def add(self, kind: str, entry: dict[str, Any]) -> None:
        separator = "\n" if self.counts[kind] == 0 else ",\n"
        self.stream.write(f"{separator}    {json.dumps(entry, ensure_ascii=False)}")
        self.counts[kind] += 1

    def end(self) -> None:
        self.stream.write("\n  ],\n")

    def close(self) -> None:
        self.stream.write(f'  "counts": {json.dumps(self.counts)}\n}}\n')


def export(
    directory: Path, *, batch_size: int = DEFAULT_BATCH, progress: Progress | None = None
) -> dict[str, int]:
    """Write every published record under `directory` (new or empty); return counts by kind.

    `progress(kind, total)` is called as each kind starts and returns a callback taking the
    number of records just written.
    """
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ExportError(f"{directory} is not an empty folder: choose a new or empty one.")
    for kind in KINDS:
        (directory / kind).mkdir(parents=True, exist_ok=True)

    def write(kind: str, record: dict[str, Any], index: _Index, **extra: Any) -> None:
        path = f"{kind}/{record['id']}.json"
        text = json.dumps(record, ensure_ascii=False, indent=2)
        (directory / path).write_text(text + "\n", encoding="utf-8")
        index.add(kind, {"id": record["id"], "name": record["name"], **extra, "path": path})

    def tick(kind: str, total: int) -> Callable[[int], None]:
        return progress(kind, total) if progress else lambda done: None

    with (directory / "index.json").open("w", encoding="utf-8") as stream:
        index = _Index(stream)

        index.start("services")
        services = serialize.services_queryset("full")
        advance = tick("services", Service.objects.count())
        for batch in _batches(services, batch_size):
            for record in serialize.serialize_services(batch, "full"):
                write("services", record, index, last_modified=record.get("last_modified"))
            advance(len(batch))
        index.end()

        index.start("organizations")
        organizations = serialize.organizations_queryset(full=True, full_service=False)
        advance = tick("organizations", Organization.objects.count())
        for organization_batch in _batches(organizations, batch_size):
            rows = serialize.serialize_organizations(
                organization_batch, full=True, full_service=False
            )
            for record in rows:
                write("organizations", record, index)
            advance(len(organization_batch))
        index.end()

        index.start("taxonomies")
        advance = tick("taxonomies", Taxonomy.objects.count())
        for taxonomy_batch in _batches(serialize.taxonomies_queryset(full=True), batch_size):
            for taxonomy in taxonomy_batch:
                write("taxonomies", serialize.taxonomy(taxonomy, full=True), index)
            advance(len(taxonomy_batch))
        index.end()

        index.start("taxonomy_terms")
        advance = tick("taxonomy_terms", TaxonomyTerm.objects.count() + len(TERMS))
        for term_batch in _batches(serialize.taxonomy_terms_queryset(), batch_size):
            for term in term_batch:
                write("taxonomy_terms", serialize.taxonomy_term(term), index)
            advance(len(term_batch))
        for text in TERMS:
            write("taxonomy_terms", serialize.attribute_term(text), index)
        advance(len(TERMS))
        index.end()

        index.close()
    return index.counts
