"""An HSDS tabular package is read back into whole records: child rows nested under every
record of the package they name, rows that name nothing reported, and `datapackage.json` used
when it lists the tables and explained when it does not."""

from __future__ import annotations

import json

import pytest

from linkwork.directory.oruk import tabular

SERVICE = "ac148810-d857-441c-9679-408f346de14b"
ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
LOCATION = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
SAL = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
PHONE = "1554f2e2-a373-45db-a3fa-9fc48a61c15e"
ELSEWHERE = "985e4a42-bd9f-4edc-911d-0243a4640aca"


def write_csv(folder, name, header, *rows):
    lines = [",".join(header)] + [",".join(row) for row in rows]
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def package(tmp_path):
    write_csv(
        tmp_path, "organizations.csv", ["id", "name", "description"], [ORG, "Example Org", "An org"]
    )
    write_csv(
        tmp_path,
        "services.csv",
        ["id", "organization_id", "name", "status", "minimum_age"],
        [SERVICE, ORG, "Walk and Talk", "active", "18"],
    )
    write_csv(
        tmp_path,
        "service_at_location.csv",
        ["id", "service_id", "location_id"],
        [SAL, SERVICE, LOCATION],
    )
    write_csv(
        tmp_path,
        "locations.csv",
        ["id", "location_type", "organization_id", "latitude", "longitude"],
        [LOCATION, "physical", ELSEWHERE, "53.8", "-1.55"],
    )
    write_csv(
        tmp_path,
        "phones.csv",
        ["id", "service_id", "location_id", "organization_id", "number"],
        [PHONE, SERVICE, LOCATION, ELSEWHERE, "0113 496 0000"],
        ["5e3b41a4-8d3c-4c52-9d7a-0f0e4f7a5c11", "", "", "", "0113 496 0001"],
    )
    write_csv(
        tmp_path,
        "attributes.csv",
        ["id", "link_id", "link_entity", "taxonomy_term_id", "link_type"],
        [
            "ae58cc39-8b70-4ab1-8aea-786882e5ac8e",
            SERVICE,
            "service",
            "3f7b145d-84af-42d7-8fae-eaca714b02b2",
            "topic",
        ],
        [
            "be58cc39-8b70-4ab1-8aea-786882e5ac8e",
            SERVICE,
            "link_entity",
            "3f7b145d-84af-42d7-8fae-eaca714b02b2",
            "topic",
        ],
    )
    write_csv(
        tmp_path,
        "programs.csv",
        ["id", "name"],
        ["e7ec2e57-4540-43fa-b2c7-6be5a0ef7f42", "A programme"],
    )
    return tmp_path


def test_assemble_nests_rows_under_every_record_they_name(package):
    assembled = tabular.assemble(tabular.read_folder(package))
    assert [(r.record_type, r.data["id"], r.where) for r in assembled.records] == [
        ("organization", ORG, "organizations.csv line 2"),
        ("service", SERVICE, "services.csv line 2"),
    ]
    service = assembled.records[1].data
    assert service["organization_id"] == ORG  # a link to a record of its own, kept
    assert service["minimum_age"] == 18  # numbers are read as numbers
    (sal,) = service["service_at_locations"]
    assert "service_id" not in sal  # nested under its service instead
    location = sal["location"]
    assert location["latitude"] == 53.8
    assert location["organization_id"] == ELSEWHERE  # not in the package: kept for the import
    # The phone sits under the service and under the location; the import merges the copies.
    assert [p["id"] for p in service["phones"]] == [PHONE]
    assert [p["id"] for p in location["phones"]] == [PHONE]
    assert "service_id" not in service["phones"][0]
    assert service["phones"][0]["organization_id"] == ELSEWHERE
    assert [a["id"] for a in service["attributes"]] == ["ae58cc39-8b70-4ab1-8aea-786882e5ac8e"]
    assert "link_entity" not in service["attributes"][0]
    assert service["schedules"] == []  # the package lists none: the set is empty


def test_assemble_reports_rows_that_name_no_record(package):
    assembled = tabular.assemble(tabular.read_folder(package))
    assert [(r.where, r.reason) for r in assembled.left_out] == [
        (
            "attributes.csv line 3",
            'link_entity "link_entity" is not an HSDS table, so the attribute links nothing; '
            "not imported",
        ),
        (
            "phones.csv line 3",
            "is linked to no record (it has no organization_id, service_id, "
            "service_at_location_id, location_id, contact_id); not imported",
        ),
    ]
    assert assembled.notes == [
        "programs.csv: 1 row(s) not imported: Linkwork does not keep HSDS programs"
    ]


def test_read_folder_uses_the_descriptor_when_it_lists_the_tables(package):
    (package / "tables").mkdir()
    (package / "services.csv").rename(package / "tables" / "svc.csv")
    descriptor = {
        "name": "example",
        "resources": [
            {"name": "services", "path": "tables/svc.csv"},
            {"name": "organizations", "path": "organizations.csv"},
            {"name": "remote", "path": "https://example.org/x.csv"},
            {"name": "escape", "path": "../outside.csv"},
        ],
    }
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    read = tabular.read_folder(package)
    assert set(read.rows) == {"service", "organization"}
    assert read.rows["service"][0].where == "svc.csv line 2"
    assert read.notes == [
        "datapackage.json resources[2]: no local path; not read (remote tables are never fetched)",
        'datapackage.json resources[3]: "../outside.csv" is not a file in the package; not read',
    ]


def test_read_folder_explains_a_descriptor_that_is_not_json(package):
    (package / "datapackage.json").write_text("../../datapackage.json", encoding="utf-8")
    read = tabular.read_folder(package)
    assert "service" in read.rows
    assert read.notes[0] == (
        'datapackage.json is not a data package descriptor (it reads "../../datapackage.json": '
        "perhaps a link that was not followed), so the tables were found by their HSDS file names"
    )


def test_read_folder_without_tables_is_an_error(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(tabular.PackageError, match="no HSDS tables found"):
        tabular.read_folder(tmp_path)


def test_read_tables_from_json_writes_numbers_as_text_where_the_standard_has_text():
    read = tabular.read_tables(
        {
            "organization_identifiers.csv": [
                {
                    "id": "d4dbcebc-0802-47cb-8651-b937ac4f2f3e",
                    "organization_id": ORG,
                    "identifier": 1234567,
                }
            ],
            "organizations.csv": [
                {"id": ORG, "name": "Org", "description": "", "year_incorporated": 2011}
            ],
        },
        "tabular.json",
    )
    (org,) = tabular.assemble(read).records
    assert org.where == "tabular.json organizations.csv[0]"
    assert org.data["year_incorporated"] == 2011
    assert org.data["organization_identifiers"][0]["identifier"] == "1234567"


def test_duplicate_ids_in_a_table_keep_the_first_row(tmp_path):
    write_csv(
        tmp_path,
        "taxonomies.csv",
        ["id", "name", "description"],
        ["5c4d79d7-cc55-470e-9f1f-8cad074e4892", "First", "d"],
        ["5c4d79d7-cc55-470e-9f1f-8cad074e4892", "Second", "d"],
    )
    assembled = tabular.assemble(tabular.read_folder(tmp_path))
    assert [r.data["name"] for r in assembled.records] == ["First"]
    assert [(r.where, r.reason) for r in assembled.left_out] == [
        ("taxonomies.csv line 3", "has the same id as taxonomies.csv line 2; only that row is read")
    ]
