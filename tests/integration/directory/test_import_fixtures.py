"""`linkwork import-oruk` imports every official example (ORUK 3.0, HSDS 3.0 JSON and tabular,
the validator's passing feed), a second import changes nothing, and the validator's failing
feed gives a reason for each bad record and field, never a crash or half a record.

The examples are read from the `shared` folder beside the repository, never copied into it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from linkwork.cli import main
from linkwork.directory import models as m
from linkwork.directory.oruk.importer import ImportReport, SourceError, Status, import_oruk
from tests.prerequisites import shared_standard

pytestmark = pytest.mark.django_db

FAIL = "oruk-validator-fixtures/V3.0-UK-Fail"


def standard(relative: str) -> Path:
    """A folder or file of the official standards (missing: skip locally, fail in CI)."""
    return shared_standard(relative)


def table_counts() -> dict[str, int]:
    """Rows in every table of the directory app."""
    return {
        model.__name__: model._default_manager.count()
        for model in apps.get_app_config("directory").get_models()
    }


def rows(counts: dict[str, int]) -> dict[str, int]:
    return {name: n for name, n in counts.items() if n}


def reasons(report: ImportReport) -> dict[str, list[str]]:
    return {o.where: o.problems for o in report.rejected}


def run_command(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import_oruk", *args, "--no-progress", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


ONE_SERVICE_ROWS = {
    "Organization": 1,
    "OrganizationIdentifier": 1,
    "Service": 1,
    "Location": 1,
    "ServiceAtLocation": 1,
    "Address": 1,
    "Accessibility": 1,
    "Contact": 1,
    "Schedule": 1,
    "CostOption": 1,
    "ServiceArea": 1,
    "Funding": 1,
    "Taxonomy": 1,
    "TaxonomyTerm": 1,
    "Attribute": 1,
}


def test_oruk_examples_import():
    report = import_oruk(str(standard("oruk-3.0/examples")))
    assert report.counts == {"created": 3, "updated": 0, "unchanged": 8, "rejected": 0}
    assert {(o.record_type, o.where) for o in report.outcomes if o.status is Status.CREATED} == {
        ("organization", "organization_full.json"),
        ("service", "organization_full.json services[0]"),
        ("taxonomy", "taxonomy.json"),
    }
    assert rows(table_counts()) == {**ONE_SERVICE_ROWS, "Metadata": 16}
    service = m.Service.objects.get()
    assert service.name == "Community Counselling"
    assert service.fees_description == "fees_description"  # from the deprecated `fees`
    assert (service.minimum_age, service.maximum_age) == (12, 100)
    assert service.organization.organization_identifiers.get().identifier_scheme == "GB-COH"
    location = m.Location.objects.get()
    # The example puts the civic centre at latitude 100: off the globe, so left out.
    assert (location.latitude, location.longitude) == (None, None)
    assert location.external_identifier_type == "UPRN"
    term = m.TaxonomyTerm.objects.get()
    assert (term.taxonomy.name, term.taxonomy_detail, term.parent) == ("name", "taxonomy", None)
    attribute = m.Attribute.objects.get()
    assert (attribute.link_entity, attribute.link_id, attribute.link_type) == (
        "service",
        service.id,
        "link_type",
    )
    warnings = [w for o in report.outcomes for w in o.warnings]
    assert (
        "languages[0]: has neither a name nor a code, so this language was not imported" in warnings
    )
    assert report.skipped == []
    assert report.complete


def test_validator_default_feed_imports():
    report = import_oruk(str(standard("oruk-validator-fixtures/V3.0-UK-Default")))
    assert report.counts == {"created": 12, "updated": 0, "unchanged": 8, "rejected": 0}
    assert [(s.where, s.lost) for s in report.skipped] == [
        ("api_details.json", False),
        ("dashboard_service_details_response.json", False),
        ("dashboard_services_response.json", False),
    ]
    assert report.skipped[0].reason == 'the API root document (version "HSDS-UK-3.0"), not a record'
    assert m.Organization.objects.count() == 10
    # The list page's organizations carry identifiers and attributes that are not ORUK
    # records (ids such as "reg-12345"); a list page has one-to-one fields only, so they are
    # not read, and the report says so.
    assert report.unread == {
        "organization.organization_identifiers": 10,
        "organization.attributes": 10,
    }
    # The list gives d9d5... another name than organization.json, read first: the first stays.
    assert m.Organization.objects.get(id="d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610").name == (
        "Example Organization Inc."
    )
    listed = next(o for o in report.outcomes if o.where == "organization_list.json contents[0]")
    assert listed.status is Status.UNCHANGED
    assert any("gives other description, email, name, website" in w for w in listed.warnings)
    assert m.Organization.objects.get(name="Green Earth Conservancy").parent_organization_id
    assert report.complete


def test_hsds_examples_import():
    report = import_oruk(str(standard("hsds-3.0-examples")))
    assert report.counts == {"created": 3, "updated": 0, "unchanged": 13, "rejected": 0}
    assert [s.where for s in report.skipped] == [
        "LICENSE-NOTE.txt",
        "base.json",
        "csv/",
        "tabular.json attributes.csv[0]",
    ]
    assert rows(table_counts()) == {**ONE_SERVICE_ROWS, "Phone": 1, "Language": 1, "Metadata": 28}
    phone = m.Phone.objects.get()
    # HSDS repeats the phone under each record it belongs to: one row, every link.
    assert phone.number == '"+44 1234 234567"'
    assert all((phone.service_id, phone.location_id, phone.organization_id, phone.contact_id))
    assert phone.service_at_location_id is not None
    assert m.Language.objects.get().name == "Urdu"
    assert m.CostOption.objects.get().currency == "GBP"
    schedule = m.Schedule.objects.get()
    assert (schedule.wkst, schedule.count, schedule.timezone) == ("TU", 3, 3)
    # location.json is read first and says what3words; the later files say UPRN.
    location = m.Location.objects.get()
    assert location.external_identifier_type == "what3words"
    assert report.not_stored["service.program"] == 5
    assert (
        "tabular.json programs.csv: 1 row(s) not imported: Linkwork does not keep HSDS programs"
        in (report.notes)
    )
    assert report.complete


def test_hsds_tabular_package_imports():
    report = import_oruk(str(standard("hsds-3.0-examples/csv")))
    assert report.counts == {"created": 4, "updated": 0, "unchanged": 0, "rejected": 0}
    assert [(o.record_type, o.where) for o in report.outcomes] == [
        ("taxonomy", "taxonomies.csv line 2"),
        ("taxonomy_term", "taxonomy_terms.csv line 2"),
        ("organization", "organizations.csv line 2"),
        ("service", "services.csv line 2"),
    ]
    counts = rows(table_counts())
    assert counts == {
        **{k: v for k, v in ONE_SERVICE_ROWS.items() if k != "Attribute"},
        "Phone": 1,
        "Language": 1,
        "Metadata": 23,
    }
    assert report.notes[0].startswith("datapackage.json is not a data package descriptor")
    assert [(s.where, s.reason) for s in report.skipped] == [
        (
            "attributes.csv line 2",
            'link_entity "link_entity" is not an HSDS table, so the attribute links nothing; '
            "not imported",
        )
    ]
    contact = m.Contact.objects.get()
    # The contact's organization and service at location are not in the package.
    assert (contact.organization_id, contact.service_at_location_id) == (None, None)
    assert contact.service_id is not None
    service_outcome = report.outcomes[3]
    assert (
        'contacts[0].organization_id: "ae67a707-5893-4225-b0b1-320ab9cb596b" names no '
        "organization in this import or the directory, so the link was left out"
    ) in service_outcome.warnings
    assert m.OrganizationIdentifier.objects.get().identifier == "1234567"
    assert report.complete


@pytest.mark.parametrize(
    "family",
    [
        "oruk-3.0/examples",
        "oruk-validator-fixtures/V3.0-UK-Default",
        "hsds-3.0-examples",
        "hsds-3.0-examples/csv",
        "hsds-3.0-examples/service_full.json",
    ],
)
def test_reimport_changes_nothing(family):
    source = str(standard(family))
    first = import_oruk(source)
    before = table_counts()
    again = import_oruk(source)
    assert again.counts == {
        "created": 0,
        "updated": 0,
        "unchanged": len(first.outcomes) - first.count(Status.REJECTED),
        "rejected": first.count(Status.REJECTED),
    }
    assert table_counts() == before  # no new Metadata rows either


def test_validator_fail_feed_gives_every_reason():
    report = import_oruk(str(standard(FAIL)))
    assert report.counts == {"created": 3, "updated": 0, "unchanged": 3, "rejected": 8}
    ac = "service ac148810-d857-441c-9679-408f346de14b"
    assert reasons(report) == {
        "service_at_location_full.json": [
            'location.id: "3a19ff88-4620-4d17-9830-ac1d859eb5d5" is already the id of the '
            "service_at_location at the top of the record; every record needs its own id"
        ],
        "service_full.json": [
            'url: "example/counselling" is not a URI (it needs a scheme, such as https://)',
            'email: "email-example_com" is not an email address',
        ],
        "service_list.json contents[0]": [
            'url: "example_counselling" is not a URI (it needs a scheme, such as https://)',
            'email: "email-example_com" is not an email address',
            'organization.id: "ac148810-d857-441c-9679-408f346de14b" is already the id of the '
            "service at the top of the record; every record needs its own id",
            "name: is required",
        ],
        "service_list.json contents[1]": [
            'url: "example_counselling" is not a URI (it needs a scheme, such as https://)',
            'email: "email-example_com" is not an email address',
            "name: is required",
        ],
        "service_list.json contents[2]": [
            'url: "example_counselling" is not a URI (it needs a scheme, such as https://)',
            "email: false is not text",
            "name: is required",
        ],
        "service_list.json contents[3]": ["email: 12345 is not text", "name: is required"],
        "taxonomy_term.json": [
            'term_uri: "example_com" is not a URI (it needs a scheme, such as https://)',
            "description: is required",
        ],
        "taxonomy_term_list.json contents[0]": [
            "parent_id: a taxonomy term cannot be its own parent"
        ],
    }
    assert [o.label() for o in report.rejected][1] == ac
    assert "service_list.json contents[3]: the same id as contents[0]" in report.notes
    api = report.skipped[0]
    assert api.where == "api_details.json"
    assert api.reason.endswith(
        'it has problems: profile is missing; openapi_url "docs-openreferraluk-org/en/latest/'
        'openapi30.json" is not a URL'
    )
    assert not report.complete


@pytest.mark.parametrize(
    ("name", "rejected"),
    [
        ("service_full.json", 1),
        ("service_list.json", 4),
        ("service_at_location_full.json", 1),
        ("taxonomy_term.json", 1),
        ("taxonomy_term_list.json", 1),
    ],
)
def test_validator_fail_file_leaves_no_partial_rows(name, rejected):
    source = standard(f"{FAIL}/{name}")
    before = table_counts()
    report = import_oruk(str(source))
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 0, "rejected": rejected}
    assert table_counts() == before


def test_command_prints_the_report_and_exits_2_when_every_record_is_rejected():
    # Nothing imported is a failure a cron job must see (issue 13): exit status 2.
    status, out = run_command(str(standard(f"{FAIL}/service_list.json")))
    assert status == 2
    assert "  rejected   4" in out
    assert "  service_list.json contents[2]" in out
    assert "    service e85f5bb0-62f0-42cc-a08a-0c5c16273090: email: false is not text" in out


def test_command_json_report():
    status, out = run_command(str(standard(f"{FAIL}/taxonomy_term.json")), "--json")
    assert status == 2
    report: dict[str, Any] = json.loads(out)
    assert report["counts"] == {"created": 0, "updated": 0, "unchanged": 0, "rejected": 1}
    assert report["rejected"] == [
        {
            "type": "taxonomy_term",
            "id": "3f7b145d-84af-42d7-8fae-eaca714b02b2",
            "where": "taxonomy_term.json",
            "status": "rejected",
            "problems": [
                'taxonomy_term 3f7b145d-84af-42d7-8fae-eaca714b02b2: term_uri: "example_com" '
                "is not a URI (it needs a scheme, such as https://)",
                "taxonomy_term 3f7b145d-84af-42d7-8fae-eaca714b02b2: description: is required",
            ],
            "warnings": [],
        }
    ]


def test_command_exits_0_when_everything_imported():
    status, out = run_command(str(standard("oruk-3.0/examples/service_full.json")))
    assert status == 0
    assert out.startswith(f"Imported from {standard('oruk-3.0/examples/service_full.json')}\n")
    assert "  created    1\n" in out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.json", "missing.json: no such file or folder"),
        (lambda tmp: _write(tmp / "broken.json", "{not json"), "broken.json is not JSON"),
        (lambda tmp: _write(tmp / "empty" / "README.md", "hello").parent, "holds no JSON files"),
        (
            lambda tmp: _write(tmp / "services.csv", "id\n"),
            "a CSV file on its own is not a package",
        ),
        (lambda tmp: _write(tmp / "pkg" / "datapackage.json", "{}").parent, "no HSDS tables found"),
    ],
)
def test_unreadable_source_exits_2(tmp_path, make, message):
    source = make(tmp_path)
    before = table_counts()
    with pytest.raises(SourceError, match=message):
        import_oruk(str(source))
    status, out = run_command(str(source))
    assert (status, out) == (2, "")
    assert table_counts() == before


def test_cli_unreadable_source_exits_2_without_a_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["import-oruk", str(tmp_path / "nowhere"), "--skip-checks", "--no-progress"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "no such file or folder" in err
    assert "Traceback" not in err


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_command_prints_a_feed_with_lone_surrogates(tmp_path):
    record = {"id": "\ud800", "name": "x", "status": "active", "\udfff": 1}
    status, out = run_command(_write(tmp_path / "odd.json", json.dumps(record)).as_posix())
    assert status == 2
    assert "service \\ud800: id: holds a character no database can store" in out
    assert "service.\\udfff (1)" in out


def test_folder_with_an_unreadable_file_imports_the_rest_and_exits_1(tmp_path):
    record = json.loads(standard("oruk-3.0/examples/taxonomy.json").read_text("utf-8"))
    _write(tmp_path / "a.json", json.dumps(record))
    _write(tmp_path / "b.json", '{"id": ')
    report = import_oruk(str(tmp_path))
    assert report.counts["created"] == 1
    assert [(s.where, s.lost) for s in report.skipped] == [("b.json", True)]
    assert report.skipped[0].reason.startswith(f"{tmp_path / 'b.json'} is not JSON")
    status, out = run_command(str(tmp_path))
    assert status == 1
    assert "  unchanged  1" in out
