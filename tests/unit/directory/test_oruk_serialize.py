"""ORUK JSON from directory records: ids as strings, optional fields left out when empty,
required ones kept, dates in ORUK's formats, and a fixed number of queries per page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linkwork.directory.models import (
    Address,
    CostOption,
    Language,
    Phone,
    ReferralRoute,
    Schedule,
    Service,
    ServiceAtLocation,
)
from linkwork.directory.oruk import serialize
from linkwork.directory.taxonomy import ensure_linkwork_taxonomy
from tests.factories import ServiceFactory
from tests.unit.directory.factories import (
    LocationFactory,
    OrganizationFactory,
    TaxonomyTermFactory,
)

pytestmark = pytest.mark.django_db


def blanks(document: object) -> list[object]:
    if document is None or document == "":
        return [document]
    if isinstance(document, dict):
        return [b for v in document.values() for b in blanks(v)]
    if isinstance(document, list):
        return [b for v in document for b in blanks(v)]
    return []


def full(service: Service) -> dict[str, object]:
    record = serialize.services_queryset("full").get(pk=service.pk)
    return serialize.serialize_services([record], "full")[0]


def test_bare_service_has_only_its_values(db):
    ensure_linkwork_taxonomy()
    organization = OrganizationFactory(description="")
    service = ServiceFactory(
        organization=organization, description="", url="", email="", assured_date=None
    )
    document = full(service)
    assert blanks({k: v for k, v in document.items() if k != "organization"}) == []
    assert document["id"] == str(service.id)
    assert document["organization_id"] == str(organization.id)
    for absent in ("description", "url", "email", "minimum_age", "assured_date", "alert"):
        assert absent not in document
    # Required by the schema, so kept even though the listing has none.
    assert document["organization"]["description"] == ""
    assert document["schedules"] == []


def test_values_take_oruk_formats(db):
    ensure_linkwork_taxonomy()
    service = ServiceFactory(
        minimum_age=18,
        assured_date=dt.date(2026, 1, 5),
        last_modified=dt.datetime(2026, 1, 5, 9, 30, 15, 123456, tzinfo=dt.UTC),
    )
    CostOption.objects.create(service=service, amount=Decimal("3.50"), option="Per session")
    CostOption.objects.create(service=service, amount=Decimal("2.00"), option="Concessions")
    Schedule.objects.create(
        service=service, freq="WEEKLY", byday="MO", opens_at=dt.time(10), closes_at=dt.time(12, 30)
    )
    phone = Phone.objects.create(service=service, number="0113 496 0000", extension=12)
    Language.objects.create(phone=phone, name="Polish", code="pl")
    document = full(service)
    assert document["assured_date"] == "2026-01-05"
    assert document["last_modified"] == "2026-01-05T09:30:15.123Z"
    assert sorted(c["amount"] for c in document["cost_options"]) == [2, 3.5]
    assert document["schedules"][0]["opens_at"] == "10:00:00"
    assert document["schedules"][0]["closes_at"] == "12:30:00"
    assert document["phones"][0]["extension"] == 12
    assert document["phones"][0]["languages"][0]["code"] == "pl"
    assert "cost:free" not in {a["taxonomy_term"]["name"] for a in document["attributes"]}


def test_social_prescribing_fields_are_linkwork_attributes(db):
    ensure_linkwork_taxonomy()
    service = ServiceFactory(
        delivers_online=True, capacity="full", referral_route=ReferralRoute.SIGNPOST
    )
    document = full(service)
    terms = {a["taxonomy_term"]["name"]: a for a in document["attributes"]}
    assert {"delivery:in_person", "delivery:online", "capacity:full", "route:signpost"} <= set(
        terms
    )
    online = terms["delivery:online"]
    assert online["link_type"] == "delivery"
    assert online["link_id"] == str(service.id)
    assert online["taxonomy_term"]["taxonomy"] == "linkwork"
    assert online["taxonomy_term"]["code"] == online["taxonomy_term"]["name"] == "delivery:online"
    assert online["taxonomy_term_id"] == online["taxonomy_term"]["id"]
    assert full(service)["attributes"] == document["attributes"], "ids are stable"


def test_taxonomy_term_names_its_taxonomy(db):
    term = TaxonomyTermFactory(description="A term.", term_uri="https://terms.example/1")
    document = serialize.taxonomy_term(term)
    assert document["taxonomy"] == term.taxonomy.name
    assert document["taxonomy_id"] == str(term.taxonomy_id)
    assert document["term"] == document["name"] == term.name
    assert "parent_id" not in document


def make_services(count: int) -> None:
    organization = OrganizationFactory()
    for n in range(count):
        service = ServiceFactory(organization=organization)
        location = LocationFactory()
        Address.objects.create(
            location=location,
            address_1=f"{n} Mill Lane",
            city="Brackenfield",
            state_province="West Yorkshire",
            postal_code="BK1 1AE",
        )
        ServiceAtLocation.objects.create(service=service, location=location)
        CostOption.objects.create(service=service, amount=Decimal("1"))
        Schedule.objects.create(service=service, freq="WEEKLY", byday="TU")
        Language.objects.create(service=service, name="English", code="en")


@pytest.mark.parametrize("form", ["full", "list", "minimal"])
def test_a_page_of_services_takes_a_fixed_number_of_queries(db, form, django_assert_num_queries):
    ensure_linkwork_taxonomy()
    make_services(12)
    ordered = serialize.services_queryset(form).order_by("name", "id")
    with CaptureQueriesContext(connection) as few:
        assert len(serialize.serialize_services(list(ordered[:2]), form)) == 2
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(serialize.serialize_services(list(ordered[:12]), form)) == 12


def test_a_page_of_services_at_locations_takes_a_fixed_number_of_queries(
    db, django_assert_num_queries
):
    ensure_linkwork_taxonomy()
    make_services(10)
    ordered = serialize.services_at_locations_queryset(full=True).order_by("id")
    with CaptureQueriesContext(connection) as few:
        serialize.serialize_services_at_locations(list(ordered[:2]), full=True)
    with django_assert_num_queries(len(few.captured_queries)):
        serialize.serialize_services_at_locations(list(ordered[:10]), full=True)
