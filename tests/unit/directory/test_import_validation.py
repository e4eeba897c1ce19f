"""The import's own checks of Open Referral UK records: each problem names the field by its
path and says what is wrong; warnings say what the import leaves out; and the checks agree with
the published ORUK 3.0 schemas (read from the `shared` folder in the tests only)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from linkwork.directory.oruk.importer import Candidate, document_items
from linkwork.directory.oruk.validation import RECORD_TYPES, check, record_id
from tests.prerequisites import SHARED_STANDARDS, shared_standard

SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
ORG_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"


def service(**fields: Any) -> dict[str, Any]:
    return {
        "id": SERVICE_ID,
        "name": "Walk and Talk",
        "status": "active",
        "organization_id": ORG_ID,
        **fields,
    }


def messages(record_type: str, data: Any, **kwargs: Any) -> list[str]:
    return [str(p) for p in check(record_type, data, **kwargs).errors]


def test_check_valid_service_has_no_problems():
    result = check(
        "service",
        service(
            url="https://example.org/walks",
            email="walks@example.org",
            minimum_age=18,
            maximum_age=99,
            assured_date="2025-01-31",
            last_modified="2025-03-15T10:30:45.123Z",
            schedules=[
                {
                    "id": "48102e86-bb50-41c4-8f1e-e269368c41d1",
                    "freq": "WEEKLY",
                    "byday": "MO,1SA,-1FR",
                    "opens_at": "10:00",
                    "closes_at": "12:00:00",
                }
            ],
            cost_options=[{"id": "1fdf4d39-3d80-484d-9f92-a8ffa08621e7", "amount": 0}],
        ),
    )
    assert result.problems == []


def test_check_bad_day_names_the_schedule_and_the_day():
    data = service(schedules=[{"id": "48102e86-bb50-41c4-8f1e-e269368c41d1", "byday": "MO,XX"}])
    assert messages("service", data) == [
        'schedules[0].byday: "XX" is not a day (MO to SU, optionally after a number, as in 1SA)'
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"name": None}, "name: is required"),
        ({"name": "  "}, "name: is empty"),
        ({"name": "x" * 256}, "name: is 256 characters long; Linkwork keeps at most 255"),
        (
            {"alert": "a\x00b"},
            "alert: holds a character no database can store (NUL or a lone surrogate)",
        ),
        (
            {"alert": "a\ud800b"},
            "alert: holds a character no database can store (NUL or a lone surrogate)",
        ),
        (
            {"status": "open"},
            'status: "open" is not one of active, inactive, defunct, temporarily closed',
        ),
        ({"id": "reg-12345"}, 'id: "reg-12345" is not a UUID'),
        ({"email": "email-example_com"}, 'email: "email-example_com" is not an email address'),
        ({"email": 12345}, "email: 12345 is not text"),
        ({"email": False}, "email: false is not text"),
        (
            {"url": "example/counselling"},
            'url: "example/counselling" is not a URI (it needs a scheme, such as https://)',
        ),
        ({"assured_date": "2025-13-01"}, 'assured_date: "2025-13-01" is not a date (YYYY-MM-DD)'),
        (
            {"last_modified": "yesterday"},
            'last_modified: "yesterday" is not a date and time (such as 2025-03-15T10:30:00Z)',
        ),
        ({"minimum_age": "12"}, 'minimum_age: "12" is not a number'),
        ({"minimum_age": 12.5}, "minimum_age: 12.5 is not a whole number"),
        ({"minimum_age": -1}, "minimum_age: -1 is below 0"),
        ({"minimum_age": 30, "maximum_age": 20}, "minimum_age: 30 is above maximum_age 20"),
        ({"schedules": {"id": "x"}}, 'schedules: {"id": "x"} is not a list'),
        ({"schedules": ["MO"]}, 'schedules[0]: "MO" is not an object'),
        (
            {"organization_id": None},
            "organization: is required: every service belongs to an organization",
        ),
    ],
)
def test_check_service_problem_messages(fields, expected):
    assert messages("service", service(**fields)) == [expected]


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ({"freq": "DAILY"}, 'schedules[0].freq: "DAILY" is not one of WEEKLY, MONTHLY'),
        ({"interval": 0}, "schedules[0].interval: 0 is below 1"),
        (
            {"opens_at": "25:00"},
            'schedules[0].opens_at: "25:00" is not a time of day (HH:MM or HH:MM:SS)',
        ),
        (
            {"bymonthday": "2,32"},
            'schedules[0].bymonthday: "32" is not a day of the month (1 to 31, or -31 to -1)',
        ),
        (
            {"byweekno": "54"},
            'schedules[0].byweekno: "54" is not a week number (1 to 53, or -53 to -1)',
        ),
        ({"wkst": "XX"}, 'schedules[0].wkst: "XX" is not one of MO, TU, WE, TH, FR, SA, SU'),
        ({"timezone": 15}, "schedules[0].timezone: 15 is above 14"),
        (
            {"valid_from": "2025-02-01", "valid_to": "2025-01-01"},
            'schedules[0].valid_from: "2025-02-01" is after valid_to "2025-01-01"',
        ),
    ],
)
def test_check_schedule_problem_messages(schedule, expected):
    data = service(schedules=[{"id": "48102e86-bb50-41c4-8f1e-e269368c41d1", **schedule}])
    assert messages("service", data) == [expected]


def test_check_nested_records_by_path():
    location = {
        "id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5",
        "location_type": "upstairs",
        "addresses": [
            {
                "id": "74706e55-df26-4b84-80fe-ecc30b5befb4",
                "address_1": "1 Main St",
                "country": "United Kingdom",
            }
        ],
    }
    data = service(
        service_at_locations=[{"id": "e94c9f38-1e8f-4564-91d4-d53501ab1765", "location": location}],
        cost_options=[
            {"id": "1fdf4d39-3d80-484d-9f92-a8ffa08621e7", "amount": -5, "currency": "pounds"}
        ],
    )
    assert messages("service", data) == [
        'service_at_locations[0].location.location_type: "upstairs" is not one of physical, '
        "postal, virtual",
        'service_at_locations[0].location.addresses[0].country: "United Kingdom" is not an ISO '
        "3166-1 country code (two letters, such as GB)",
        "service_at_locations[0].location.addresses[0].city: is required",
        "service_at_locations[0].location.addresses[0].state_province: is required",
        "service_at_locations[0].location.addresses[0].postal_code: is required",
        "service_at_locations[0].location.addresses[0].address_type: is required",
        "cost_options[0].amount: -5 is below 0",
        'cost_options[0].currency: "pounds" is not an ISO 4217 currency code',
    ]


def test_check_an_id_used_by_two_kinds_of_record_is_an_error():
    data = service(organization={"id": SERVICE_ID, "name": "Org", "description": "An org."})
    del data["organization_id"]
    assert messages("service", data) == [
        f'organization.id: "{SERVICE_ID}" is already the id of the service at the top of the '
        "record; every record needs its own id"
    ]


def test_check_a_repeated_record_must_repeat_the_same_values():
    phone = {"id": "1554f2e2-a373-45db-a3fa-9fc48a61c15e", "number": "0113 496 0000"}
    contact = {
        "id": "1e7efce3-639b-4880-940c-b95cd30cdb50",
        "phones": [{**phone, "number": "0113 496 0999"}],
    }
    assert messages("service", service(phones=[phone], contacts=[contact])) == [
        'contacts[0].phones[0].number: "0113 496 0999" differs from "0113 496 0000" in the same '
        "phone at phones[0]"
    ]
    # The same record repeated with the same values is fine: HSDS repeats records.
    same = {**contact, "phones": [phone]}
    assert messages("service", service(phones=[phone], contacts=[same])) == []


def test_check_coordinates_off_the_globe_are_a_warning_that_drops_both():
    location = {
        "id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5",
        "location_type": "physical",
        "latitude": 100,
        "longitude": 101,
    }
    result = check("location", location)
    assert result.errors == []
    assert [str(w) for w in result.warnings] == [
        "latitude: latitude 100 is outside -90 to 90, so the location's coordinates were not "
        "imported"
    ]
    assert result.dropped == {"latitude", "longitude"}


def test_check_coordinates_must_come_in_pairs():
    location = {
        "id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5",
        "location_type": "physical",
        "longitude": -1.5,
    }
    result = check("location", location)
    assert [w.message for w in result.warnings] == [
        "longitude is given without latitude, so the location's coordinates were not imported"
    ]
    assert result.dropped == {"latitude", "longitude"}


def test_check_language_without_name_or_code_is_dropped_with_a_warning():
    result = check("service", service(languages=[{"id": "2989d3ed-c547-48f8-8f9d-432d81c7892e"}]))
    assert result.errors == []
    assert [str(w) for w in result.warnings] == [
        "languages[0]: has neither a name nor a code, so this language was not imported"
    ]
    assert result.dropped == {"languages[0]"}


def test_check_reads_null_and_empty_formatted_fields_as_omitted():
    assert messages("service", service(url="", email=None, alert=None, assured_date="")) == []


def test_check_list_item_reads_one_to_one_fields_only():
    organization = {
        "id": ORG_ID,
        "name": "Global Outreach",
        "description": "Relief.",
        "organization_identifiers": [{"id": "reg-12345", "identifier": "1122334"}],
        "attributes": [{"id": "attr-001", "label": "Aid"}],
    }
    listed = check("organization", organization, list_item=True)
    assert listed.problems == []
    assert listed.unread == ["organization.organization_identifiers", "organization.attributes"]
    whole = messages("organization", organization)
    assert 'organization_identifiers[0].id: "reg-12345" is not a UUID' in whole
    assert "organization_identifiers[0].identifier_type: is required" in whole
    assert (
        "attributes[0].taxonomy_term: is required (or taxonomy_term_id): an attribute links a "
        "taxonomy term" in whole
    )


def test_check_counts_fields_linkwork_does_not_keep():
    result = check(
        "service", service(program={"id": "e7ec2e57-4540-43fa-b2c7-6be5a0ef7f42"}, colour="blue")
    )
    assert result.problems == []
    assert result.not_stored == ["service.program", "service.colour"]


@pytest.mark.parametrize(
    ("record_type", "data", "expected"),
    [
        (
            "taxonomy_term",
            {
                "id": "0bc248fa-dc27-4650-9ba4-8f1a24ef16a2",
                "name": "n",
                "description": "d",
                "parent_id": "0bc248fa-dc27-4650-9ba4-8f1a24ef16a2",
            },
            ["parent_id: a taxonomy term cannot be its own parent"],
        ),
        (
            "organization",
            {"id": ORG_ID, "name": "n", "description": "d", "parent_organization_id": ORG_ID},
            ["parent_organization_id: an organization cannot be its own parent"],
        ),
        (
            "service_at_location",
            {"id": "e94c9f38-1e8f-4564-91d4-d53501ab1765", "service_id": SERVICE_ID},
            ["location: is required (or location_id)"],
        ),
        (
            "taxonomy",
            {"id": "5c4d79d7-cc55-470e-9f1f-8cad074e4892", "name": "n"},
            ["description: is required"],
        ),
        ("taxonomy_term", "3f7b145d", ['"3f7b145d" is not an object']),
    ],
)
def test_check_other_record_types(record_type, data, expected):
    assert messages(record_type, data) == expected


def test_check_service_listed_in_an_organization_needs_no_organization_of_its_own():
    data = service()
    del data["organization_id"]
    assert messages("service", data, within="organization") == []


def test_record_id_for_messages():
    assert record_id({"id": SERVICE_ID}) == SERVICE_ID
    assert record_id({"id": 7}) == "7"
    assert record_id({}) == "(no id)"
    assert record_id("text") == "(no id)"


def test_record_types_name_real_model_fields():
    for rtype in RECORD_TYPES.values():
        names = {f.name for f in rtype.model._meta.get_fields()} | {
            getattr(f, "attname", "") for f in rtype.model._meta.get_fields()
        }
        for key in rtype.fields:
            attr = rtype.attr(key)
            if attr:
                assert attr in names, f"{rtype.name}.{key} -> {attr}"
        for nested in rtype.nested.values():
            assert nested.record in RECORD_TYPES


# Agreement with the published schemas ---------------------------------------------------------

# ORUK schema files for the record types the import reads.
SCHEMA_FILES = {
    "service": "service.json",
    "organization": "organization.json",
    "organization_identifier": "organization_identifier.json",
    "service_at_location": "service_at_location.json",
    "location": "location.json",
    "address": "address.json",
    "phone": "phone.json",
    "contact": "contact.json",
    "schedule": "schedule.json",
    "cost_option": "cost_option.json",
    "language": "language.json",
    "accessibility": "accessibility.json",
    "service_area": "service_area.json",
    "funding": "funding.json",
    "taxonomy": "taxonomy.json",
    "taxonomy_term": "taxonomy_term.json",
    "attribute": "attribute.json",
}


def schema(name: str) -> dict[str, Any]:
    path = shared_standard(f"oruk-3.0/schema/{name}")
    return json.loads(path.read_text("utf-8"))


@pytest.mark.parametrize("record_type", sorted(SCHEMA_FILES))
def test_record_type_covers_every_field_of_the_oruk_schema(record_type):
    published = schema(SCHEMA_FILES[record_type])
    rtype = RECORD_TYPES[record_type]
    known = set(rtype.fields) | set(rtype.nested) | rtype.not_stored
    assert set(published["properties"]) - known == set()
    required = {k for k, f in rtype.fields.items() if f.required}
    assert set(published.get("required", [])) <= required
    for key, spec in published["properties"].items():
        if "enum" in spec:
            assert set(rtype.fields[key].choices) == set(spec["enum"]), key
        if spec.get("format") == "uuid":
            assert rtype.fields[key].type == "uuid", key
        if spec.get("format") in ("email", "uri") and key in rtype.fields:
            assert rtype.fields[key].type == spec["format"], key
        if spec.get("type") == "number":
            assert rtype.fields[key].type in ("number", "integer"), key


def fixture_records() -> list[tuple[str, Candidate]]:
    """Every record in the ORUK examples and the validator's fixtures, as the import reads
    them, with the schema file each one follows."""
    found = []
    for folder in (
        "oruk-3.0/examples",
        "oruk-validator-fixtures/V3.0-UK-Default",
        "oruk-validator-fixtures/V3.0-UK-Fail",
    ):
        for path in sorted((SHARED_STANDARDS / folder).glob("*.json")):
            document = json.loads(path.read_text("utf-8"))
            for item in document_items(document, f"{folder}/{path.name}"):
                if isinstance(item, Candidate) and not item.failure:
                    found.append((folder, item))
    return found


def test_records_the_schemas_reject_are_rejected_by_the_import_too():
    from tests.integration.directory.oruk_schemas import errors, require_schemas

    require_schemas()
    records = fixture_records()
    assert len(records) >= 40
    rejected_by_schema = 0
    for _, candidate in records:
        if candidate.list_item or candidate.within:
            continue  # list items and split-out services have no schema of their own
        data = copy.deepcopy(candidate.data)
        official = errors(data, SCHEMA_FILES[candidate.record_type])
        ours = check(candidate.record_type, data).errors
        if official:
            rejected_by_schema += 1
            assert ours, f"{candidate.where}: the schema finds {official}, the import nothing"
    assert rejected_by_schema >= 2


def test_default_fixtures_pass_the_import_checks():
    shared_standard("oruk-validator-fixtures")
    for folder, candidate in fixture_records():
        if folder.endswith("Fail"):
            continue
        result = check(
            candidate.record_type,
            candidate.data,
            list_item=candidate.list_item,
            within=candidate.within,
        )
        assert result.errors == [], candidate.where
