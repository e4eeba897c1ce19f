"""The import writes records in batches (`importer.write_batch`): the rows a batch reads are
loaded in one query per model, the rows it writes are inserted together with their metadata.
Writing in batches must leave the directory, its history and the report exactly as writing
the records one by one does (`import_candidate`, each record in a savepoint of its own), on
first imports, re-imports, imports that change, remove and unlink rows, and batches the
database refuses; and the queries a batch costs must not grow with the records in it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linkwork.directory import models as m
from linkwork.directory.oruk.importer import (
    Candidate,
    ImportReport,
    Note,
    Skipped,
    _make_late_links,
    _Run,
    import_candidate,
    import_oruk,
    open_source,
)
from linkwork.directory.taxonomy import ensure_linkwork_taxonomy
from tests.prerequisites import shared_standard

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "oruk10"
ARRAY = FIXTURES / "council_array.json"
ENVELOPE = FIXTURES / "council_envelope.json"
# Tables the import does not write.
NOT_IMPORTED = {"Postcode", "ImdDecile", "ServiceTip", "ListingConfirmationRequest"}


def one_by_one(source: str) -> ImportReport:
    """The import as it was before batches: each record checked and written on its own."""
    report = ImportReport(source=source)
    run = _Run()
    for item in open_source(source):
        if isinstance(item, Note):
            report.notes.append(item.text)
        elif isinstance(item, Skipped):
            report.skipped.append(item)
        else:
            assert isinstance(item, Candidate)
            import_candidate(item, report, run)
    _make_late_links(run)
    return report


def snapshot() -> dict[str, Any]:
    """Every directory row the import writes, and the history, without ids and times."""
    tables: dict[str, Any] = {}
    for model in apps.get_app_config("directory").get_models():
        if model.__name__ in NOT_IMPORTED or model is m.Metadata:
            continue
        # Without the times taken from the clock when a row is made.
        fields = [f for f in model._meta.concrete_fields if f.default is not timezone.now]
        tables[model.__name__] = sorted(
            tuple(f.value_to_string(obj) for f in fields) for obj in model._default_manager.all()
        )
    tables["Metadata"] = sorted(
        m.Metadata.objects.values_list(
            "resource_id",
            "resource_type",
            "last_action_type",
            "field_name",
            "previous_value",
            "replacement_value",
            "updated_by",
        )
    )
    return tables


def both_ways(*sources: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Import the sources in turn, in batches and then (from the same start) one by one:
    the reports and the directory after each."""

    def imports(how: Callable[[str], ImportReport]) -> list[dict[str, Any]]:
        seen = []
        with transaction.atomic():
            for source in sources:
                seen.append({"report": how(source).as_dict(), "rows": snapshot()})
            transaction.set_rollback(True)
        return seen

    return imports(import_oruk), imports(one_by_one)


def assert_same(*sources: str) -> list[dict[str, Any]]:
    batched, single = both_ways(*sources)
    for number, (left, right) in enumerate(zip(batched, single, strict=True)):
        assert left["report"] == right["report"], f"the report of import {number + 1}"
        for table in right["rows"]:
            assert left["rows"][table] == right["rows"][table], f"{table} after import {number}"
    return batched


def write(path: Path, document: Any) -> str:
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def test_oruk10_feeds_and_their_reimport():
    seen = assert_same(str(ARRAY), str(ENVELOPE), str(ARRAY))
    assert seen[0]["report"]["counts"]["created"] > 30
    assert seen[2]["report"]["counts"]["created"] == 0
    assert seen[2]["report"]["counts"]["updated"] == 0


def test_oruk30_examples_hsds_examples_and_the_failing_feed():
    seen = assert_same(
        str(shared_standard("oruk-3.0/examples")),
        str(shared_standard("hsds-3.0-examples")),
        str(shared_standard("oruk-validator-fixtures/V3.0-UK-Fail")),
        str(shared_standard("oruk-3.0/examples")),
    )
    assert seen[2]["report"]["counts"]["rejected"] > 0


def test_a_changed_feed_updates_removes_and_unlinks_rows(tmp_path):
    records = json.loads(ARRAY.read_text("utf-8"))
    changed = copy.deepcopy(records)
    for n, record in enumerate(changed):
        if n % 3 == 0:
            record["description"] = f"<p>Now meets on Tuesdays ({n}).</p>"
        if n % 4 == 1:
            record["contacts"] = []
            record.pop("phones", None)
        if n % 5 == 2:
            record["regular_schedules"] = record.get("regular_schedules", [])[:1]
            record["name"] = record["name"] + " (renamed)"
    changed.append(copy.deepcopy(records[0]))  # a copy that disagrees with its first version
    seen = assert_same(str(ARRAY), write(tmp_path / "changed.json", changed))
    counts = seen[1]["report"]["counts"]
    assert counts["updated"] > 10
    assert any(row[2] == "delete" for row in seen[1]["rows"]["Metadata"])


def test_a_batch_the_database_refuses_is_written_record_by_record(tmp_path):
    example = json.loads(shared_standard("oruk-3.0/examples/service_full.json").read_text("utf-8"))
    bad = copy.deepcopy(example)
    # The same service at the same location twice, under two ids: a unique constraint
    # the checks in Python leave to the database.
    twice = copy.deepcopy(bad["service_at_locations"][0])
    twice["id"] = "5c3b8f0e-8f2a-4c1e-9a57-3f6f2b1d7e11"
    for child in ("contacts", "phones", "schedules", "attributes", "metadata"):
        twice.pop(child, None)
    bad["service_at_locations"].append(twice)
    records = json.loads(ARRAY.read_text("utf-8"))
    source = write(tmp_path / "mixed.json", [*records[:10], bad, *records[10:]])
    (seen,) = assert_same(source)
    report = seen["report"]
    assert report["counts"]["rejected"] == 2  # the record above, and the fixture's nameless one
    assert any("cannot be saved" in p for o in report["rejected"] for p in o["problems"])
    assert report["counts"]["created"] == len(records) - 1


def statements(source: str) -> int:
    """The statements importing `source` costs; an insert the database driver splits into
    chunks (SQLite takes 999 values a statement) counts once."""
    with CaptureQueriesContext(connection) as captured:
        import_oruk(source)
    sql = [q["sql"] for q in captured.captured_queries]
    return sum(
        1
        for n, text in enumerate(sql)
        if not (
            text.startswith("INSERT INTO")
            and n
            and sql[n - 1].split("(", 1)[0] == text.split("(", 1)[0]
        )
    )


def test_queries_per_batch_do_not_grow_with_its_records(tmp_path):
    ensure_linkwork_taxonomy()
    records = [r for r in json.loads(ARRAY.read_text("utf-8")) if r.get("name")]
    # A third of the records, and the other two thirds: the same kinds of rows in both.
    few = records[::3]
    many = [r for n, r in enumerate(records) if n % 3]
    small = write(tmp_path / "few.json", few)
    large = write(tmp_path / "many.json", many)
    first_small, first_large = statements(small), statements(large)
    assert first_large == first_small
    # Importing the same records again reads them and writes nothing.
    again_small, again_large = statements(small), statements(large)
    assert again_large == again_small
    assert again_large < first_large
