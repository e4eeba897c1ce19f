"""How imported records land in the directory: social prescribing attributes onto the
service's own fields, other taxonomies kept as given, edits versioned, lists replaced, links
made late when their record comes later, and a record that cannot be saved left out whole."""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from linkwork.audit.models import AuditEvent
from linkwork.directory import models as m
from linkwork.directory.oruk.attributes import attribute_term_id
from linkwork.directory.oruk.importer import Status, import_oruk
from linkwork.directory.taxonomy import term_id
from linkwork.vocabulary.categories import TAXONOMY_NAME
from tests.integration.directory.test_import_fixtures import table_counts

pytestmark = pytest.mark.django_db

ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
SERVICE = "ac148810-d857-441c-9679-408f346de14b"
LOCATION = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
SAL = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
PHONE = "1554f2e2-a373-45db-a3fa-9fc48a61c15e"
SCHEDULES = ["48102e86-bb50-41c4-8f1e-e269368c41d1", "58102e86-bb50-41c4-8f1e-e269368c41d1"]


def ids(n: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"test/{n}"))


def service_record(**fields: Any) -> dict[str, Any]:
    return {
        "id": SERVICE,
        "name": "Walk and Talk",
        "status": "active",
        "description": "A friendly walk.",
        "alert": "No walk on bank holidays.",
        "organization": {"id": ORG, "name": "Millbrook Walkers", "description": "Walks."},
        "schedules": [
            {"id": SCHEDULES[0], "freq": "WEEKLY", "byday": "MO", "opens_at": "10:00:00+01:00"},
            {"id": SCHEDULES[1], "freq": "WEEKLY", "byday": "TH"},
        ],
        "service_at_locations": [
            {
                "id": SAL,
                "location": {
                    "id": LOCATION,
                    "location_type": "physical",
                    "name": "Millbrook Park",
                    "latitude": 53.8,
                    "longitude": -1.55,
                    "phones": [{"id": PHONE, "number": "0113 496 0000"}],
                },
            }
        ],
        "phones": [{"id": PHONE, "number": "0113 496 0000"}],
        **fields,
    }


def write(tmp_path: Path, name: str, document: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def linkwork_attribute(term: str, attribute_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": attribute_id,
        "link_type": term.split(":")[0],
        "taxonomy_term_id": str(attribute_term_id(term)),
        "taxonomy_term": {
            "id": str(attribute_term_id(term)),
            "name": term,
            "code": term,
            "description": "A Linkwork term.",
            "taxonomy": "linkwork",
        },
        **extra,
    }


def test_linkwork_attributes_set_the_services_own_fields(tmp_path):
    terms = [
        "category:social",
        "category:physical_activity",
        "audience:older_people",
        "delivery:online",
        "delivery:phone",
        "format:group",
        "format:one_to_one",
        "route:referral",
        "capacity:waiting_list",
        "colour:blue",
    ]
    attributes = [
        linkwork_attribute(t, ids(n), value="v" if n == 0 else "") for n, t in enumerate(terms)
    ]
    report = import_oruk(write(tmp_path, "s.json", service_record(attributes=attributes)))
    assert report.counts["created"] == 1
    service = m.Service.objects.get()
    assert service.delivery_modes == ["online", "phone"]
    assert (service.format, service.referral_route, service.capacity) == (
        "both",
        "referral",
        "waiting_list",
    )
    # Categories and audiences are attribute rows on the Linkwork terms, keeping the feed's ids.
    stored = {(a.id, a.link_type, a.taxonomy_term_id, a.value) for a in service.attributes}
    assert stored == {
        (uuid.UUID(ids(0)), "category", term_id(TAXONOMY_NAME, "social"), "v"),
        (uuid.UUID(ids(1)), "category", term_id(TAXONOMY_NAME, "physical_activity"), ""),
        (uuid.UUID(ids(2)), "audience", term_id("linkwork_audience", "older_people"), ""),
    }
    assert list(m.Service.objects.in_categories(["social"])) == [service]
    # The vocabulary terms are built in: none becomes a taxonomy term of its own.
    assert not m.TaxonomyTerm.objects.filter(name__contains=":").exists()
    (outcome,) = report.outcomes
    assert outcome.warnings == ['attributes: "colour:blue" is not a Linkwork term; not imported']
    again = import_oruk(write(tmp_path, "s.json", service_record(attributes=attributes)))
    assert again.counts["unchanged"] == 1


def test_linkwork_kinds_not_given_leave_the_fields_as_they_are(tmp_path):
    import_oruk(write(tmp_path, "s.json", service_record()))
    service = m.Service.objects.get()
    # A feed that says nothing of delivery, route or capacity leaves them not stated.
    assert not service.delivery_stated
    assert (service.delivery_modes, service.referral_route, service.capacity) == ([], "", "")
    attributes = [
        linkwork_attribute("capacity:full", ids(1)),
        linkwork_attribute("capacity:accepting", ids(2)),
    ]
    report = import_oruk(write(tmp_path, "s.json", service_record(attributes=attributes)))
    assert m.Service.objects.get().capacity == ""
    assert report.outcomes[0].warnings == [
        "attributes: capacity has more than one value (capacity:accepting, capacity:full); "
        "left as it was"
    ]


def test_other_taxonomies_are_kept_as_given(tmp_path):
    attribute = {
        "id": ids(1),
        "link_type": "topic",
        "value": "7",
        "label": "Walking",
        "taxonomy_term": {
            "id": ids(2),
            "code": "W1",
            "name": "Walking",
            "description": "Walking groups.",
            "parent_id": ids(3),
            "language": "en",
            "taxonomy_detail": {
                "id": ids(4),
                "name": "OpenActive",
                "description": "Activities.",
                "version": "2",
            },
        },
    }
    parent = {
        "id": ids(3),
        "name": "Activity",
        "description": "Being active.",
        "taxonomy_id": ids(4),
    }
    import_oruk(write(tmp_path, "a_parent.json", parent))
    report = import_oruk(write(tmp_path, "s.json", service_record(attributes=[attribute])))
    assert report.counts["created"] == 1
    term = m.TaxonomyTerm.objects.get(id=ids(2))
    assert (term.code, term.name, term.taxonomy.name, term.taxonomy.version, term.language) == (
        "W1",
        "Walking",
        "OpenActive",
        "2",
        "en",
    )
    assert term.parent_id == uuid.UUID(ids(3))
    stored = m.Attribute.objects.get()
    assert (stored.link_entity, stored.link_id, stored.link_type, stored.value, stored.label) == (
        "service",
        uuid.UUID(SERVICE),
        "topic",
        "7",
        "Walking",
    )


def test_whole_record_edits_are_versioned_and_lists_replaced(tmp_path):
    import_oruk(write(tmp_path, "s.json", service_record()))
    schedule = m.Schedule.objects.get(id=SCHEDULES[0])
    assert (schedule.opens_at.isoformat(), schedule.timezone) == ("10:00:00", 1.0)
    edited = service_record(name="Walk and Talk Plus", phones=[])
    del edited["alert"]
    edited["schedules"] = edited["schedules"][:1]
    report = import_oruk(write(tmp_path, "s.json", edited))
    assert report.counts == {"created": 0, "updated": 1, "unchanged": 0, "rejected": 0}
    service = m.Service.objects.get()
    assert (service.name, service.alert) == ("Walk and Talk Plus", "")  # omitted: emptied
    changes = {
        (md.field_name, md.previous_value, md.replacement_value)
        for md in service.metadata.filter(last_action_type="update")
    }
    assert changes == {
        ("name", "Walk and Talk", "Walk and Talk Plus"),
        ("alert", "No walk on bank holidays.", ""),
    }
    # The schedule the record no longer lists is removed, and its removal recorded.
    assert list(service.schedules.values_list("id", flat=True)) == [uuid.UUID(SCHEDULES[0])]
    assert (
        m.Metadata.objects.filter(resource_id=SCHEDULES[1], last_action_type="delete").count() == 1
    )
    # The phone still belongs to the location: unlinked from the service, not removed.
    phone = m.Phone.objects.get()
    assert (phone.service_id, phone.location_id) == (None, uuid.UUID(LOCATION))
    assert m.Metadata.objects.filter(resource_id=PHONE, field_name="service_id").count() == 1


def test_list_items_leave_what_they_omit(tmp_path):
    import_oruk(write(tmp_path, "s.json", service_record()))
    listed = {k: v for k, v in service_record(name="Renamed").items() if not isinstance(v, list)}
    del listed["alert"]
    page = {"total_items": 1, "total_pages": 1, "page_number": 1, "contents": [listed]}
    report = import_oruk(write(tmp_path, "service_list.json", page))
    assert report.counts["updated"] == 1
    service = m.Service.objects.get()
    assert (service.name, service.alert) == ("Renamed", "No walk on bank holidays.")
    assert service.schedules.count() == 2


def test_link_to_a_record_later_in_the_import_is_made_at_the_end(tmp_path):
    child = {
        "id": ids(1),
        "name": "Branch",
        "description": "A branch.",
        "parent_organization_id": ids(2),
    }
    parent = {
        "id": ids(2),
        "name": "Head office",
        "description": "The parent.",
        "website": "https://example.org",
    }
    write(tmp_path, "1_branch.json", child)
    write(tmp_path, "2_head.json", parent)
    report = import_oruk(str(tmp_path))
    assert report.counts["created"] == 2
    assert m.Organization.objects.get(id=ids(1)).parent_organization_id == uuid.UUID(ids(2))
    assert all(not o.warnings for o in report.outcomes)
    metadata = m.Metadata.objects.count()
    assert import_oruk(str(tmp_path)).counts["unchanged"] == 2
    assert m.Metadata.objects.count() == metadata


def test_record_naming_a_missing_required_record_is_rejected_whole(tmp_path):
    record = {
        "id": SAL,
        "service_id": ids(9),
        "location": {"id": LOCATION, "location_type": "physical", "name": "Park"},
    }
    before = table_counts()
    report = import_oruk(write(tmp_path, "service_at_location_full.json", record))
    assert report.rejected[0].problems == [
        f'service_id: "{ids(9)}" names no service in this import or the directory'
    ]
    assert table_counts() == before


def test_record_the_database_refuses_is_rejected_whole(tmp_path):
    import_oruk(write(tmp_path, "s.json", service_record()))
    before = table_counts()
    clash = {
        "id": ids(5),
        "service_id": SERVICE,
        "location": {"id": LOCATION, "location_type": "physical", "name": "Renamed park"},
        "contacts": [{"id": ids(6), "name": "Jo"}],
    }
    report = import_oruk(write(tmp_path, "service_at_location_full.json", clash))
    assert report.rejected[0].problems == [
        "cannot be saved: the service is already at this location under another "
        "service_at_location id"
    ]
    assert table_counts() == before
    assert m.Location.objects.get().name == "Millbrook Park"


def test_import_is_audited(tmp_path):
    import_oruk(write(tmp_path, "s.json", service_record()))
    event = AuditEvent.objects.get(action="directory.imported")
    assert event.detail == {
        "source_kind": "FileSource",
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }


def test_copies_in_one_import_that_disagree_keep_the_first(tmp_path):
    write(tmp_path, "a.json", service_record())
    write(tmp_path, "b.json", copy.deepcopy(service_record(name="Other name")))
    report = import_oruk(str(tmp_path))
    assert m.Service.objects.get().name == "Walk and Talk"
    assert report.outcomes[1].status is Status.UNCHANGED
    assert report.outcomes[1].warnings == [
        f"service {SERVICE} was first read from a.json in this import; this record gives "
        "other name, and the first version was kept"
    ]
    assert import_oruk(str(tmp_path)).counts["unchanged"] == 2
