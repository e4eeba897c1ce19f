"""`linkwork export-oruk DIR` writes every published record as a file that conforms to the
ORUK 3.0 schemas, with an index, in batches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linkwork.directory.models import Organization, Service, ServiceTip, Taxonomy, TaxonomyTerm
from linkwork.directory.oruk.attributes import TERMS
from tests.factories import UserFactory
from tests.integration.directory.oruk_schemas import blank_values, errors, require_schemas

require_schemas()
pytestmark = pytest.mark.django_db

SCHEMAS = {
    "services": "service.json",
    "organizations": "organization.json",
    "taxonomies": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
}


def test_export_writes_conforming_files_and_an_index(directory, tmp_path):
    target = tmp_path / "feed"
    call_command("export_oruk", str(target), "--batch-size", "37", verbosity=0)
    index = json.loads((target / "index.json").read_text("utf-8"))
    assert index["version"] == "HSDS-UK-3.0"
    assert index["counts"] == {
        "services": Service.objects.count(),
        "organizations": Organization.objects.count(),
        "taxonomies": Taxonomy.objects.count(),
        "taxonomy_terms": TaxonomyTerm.objects.count() + len(TERMS),
    }
    for kind, schema in SCHEMAS.items():
        entries = index[kind]
        assert len(entries) == index["counts"][kind]
        assert len({e["id"] for e in entries}) == len(entries)
        files = sorted((target / kind).glob("*.json"))
        assert len(files) == len(entries)
        for entry in entries:
            record = json.loads((target / entry["path"]).read_text("utf-8"))
            assert record["id"] == entry["id"]
            assert errors(record, schema) == [], entry["path"]
            assert blank_values(record) == [], entry["path"]


def test_export_reads_services_in_batches(directory, tmp_path):
    """A batch of services costs the same queries whatever the total, so the export's
    queries grow with the number of batches, not the number of services."""
    with CaptureQueriesContext(connection) as small:
        call_command("export_oruk", str(tmp_path / "a"), "--batch-size", "100", verbosity=0)
    with CaptureQueriesContext(connection) as large:
        call_command("export_oruk", str(tmp_path / "b"), "--batch-size", "50", verbosity=0)
    services = Service.objects.count()
    extra_batches = -(-services // 50) - -(-services // 100)
    assert extra_batches > 0
    per_batch = (len(large.captured_queries) - len(small.captured_queries)) / extra_batches
    assert per_batch == int(per_batch)
    assert per_batch < 25


def test_export_leaves_out_private_details(directory, tmp_path):
    service = Service.objects.first()
    assert service is not None
    author = UserFactory(full_name="Tipper Privatename")
    ServiceTip.objects.create(service=service, author=author, text="Side door code 4242")
    call_command("export_oruk", str(tmp_path / "feed"), verbosity=0)
    text = (tmp_path / "feed" / "services" / f"{service.id}.json").read_text("utf-8")
    assert "4242" not in text
    assert "Privatename" not in text


def test_export_refuses_a_folder_with_files_in_it(db, tmp_path):
    (tmp_path / "old.json").write_text("{}")
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("export_oruk", str(tmp_path), verbosity=0)


def test_export_reports_what_it_wrote(directory, tmp_path, capsys):
    call_command("export_oruk", str(tmp_path / "feed"), verbosity=0)
    out = capsys.readouterr().out
    assert f"{Service.objects.count()} services" in out
    assert Path(tmp_path / "feed" / "index.json").exists()
