"""The social prescribing attribute vocabulary: what a service's terms are, and that the
import can read them back into the same service."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from linkwork.directory.models import (
    Attribute,
    Capacity,
    CostOption,
    Entity,
    LinkType,
    ReferralRoute,
    Service,
    ServiceFormat,
)
from linkwork.directory.oruk.attributes import (
    TERMS,
    TERMS_BY_ID,
    apply_attribute_terms,
    attribute_id,
    attribute_term_id,
    service_attribute_terms,
    service_term_condition,
)
from linkwork.directory.taxonomy import ensure_linkwork_taxonomy, term_id
from linkwork.vocabulary.categories import AUDIENCES, CATEGORIES, TAXONOMY_NAME
from tests.factories import ServiceFactory
from tests.unit.directory.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxonomy():
    return ensure_linkwork_taxonomy()


def categorise(service: Service, *slugs: str, audiences: tuple[str, ...] = ()) -> None:
    for slug in slugs:
        Attribute.objects.create(
            link_id=service.id,
            link_entity=Entity.SERVICE,
            link_type=LinkType.CATEGORY,
            taxonomy_term_id=term_id(TAXONOMY_NAME, slug),
        )
    for slug in audiences:
        Attribute.objects.create(
            link_id=service.id,
            link_entity=Entity.SERVICE,
            link_type=LinkType.AUDIENCE,
            taxonomy_term_id=term_id("linkwork_audience", slug),
        )


def test_vocabulary_covers_every_category_audience_and_field_value():
    assert {f"category:{slug}" for slug in CATEGORIES} <= set(TERMS)
    assert {f"audience:{slug}" for slug in AUDIENCES} <= set(TERMS)
    expected = {
        "delivery:in_person",
        "delivery:online",
        "delivery:phone",
        "format:group",
        "format:one_to_one",
        "cost:free",
        "route:referral",
        "route:signpost",
        "capacity:accepting",
        "capacity:waiting_list",
        "capacity:full",
    }
    assert expected <= set(TERMS)
    assert all(description.strip() for description in TERMS.values())


def test_term_ids_are_fixed_and_distinct():
    # Pinned: feeds from every installation, and every past export, use this id.
    assert attribute_term_id("delivery:online") == uuid.UUID("b95db6b8-1747-5659-8cc0-f31bae533b81")
    assert len(TERMS_BY_ID) == len(TERMS)
    assert TERMS_BY_ID[attribute_term_id("cost:free")] == "cost:free"
    assert attribute_term_id("category:carers") != attribute_term_id("audience:carers")
    service_id = uuid.uuid4()
    assert attribute_id(service_id, "cost:free") == attribute_id(service_id, "cost:free")
    assert attribute_id(service_id, "cost:free") != attribute_id(uuid.uuid4(), "cost:free")


def test_service_terms_describe_every_social_prescribing_field(taxonomy):
    service = ServiceFactory(
        delivers_in_person=True,
        delivers_online=True,
        delivers_by_phone=False,
        format=ServiceFormat.BOTH,
        referral_route=ReferralRoute.REFERRAL,
        capacity=Capacity.WAITING_LIST,
    )
    CostOption.objects.create(service=service, option="Everyone", amount=Decimal("0.00"))
    categorise(service, "social", "peer_support", audiences=("carers",))
    assert service_attribute_terms(service) == [
        "category:peer_support",
        "category:social",
        "audience:carers",
        "delivery:in_person",
        "delivery:online",
        "format:group",
        "format:one_to_one",
        "cost:free",
        "route:referral",
        "capacity:waiting_list",
    ]


def test_facts_not_stated_are_not_exported(taxonomy):
    service = ServiceFactory(
        delivers_in_person=None,
        delivers_online=None,
        delivers_by_phone=None,
        referral_route="",
        capacity="",
    )
    assert not service.delivery_stated
    assert service_attribute_terms(service, attributes=[]) == []
    # Read back, an export that says nothing leaves a new service not stated too.
    copy = Service(organization=OrganizationFactory(), name="Imported")
    apply_attribute_terms(copy, service_attribute_terms(service, attributes=[]))
    assert (copy.delivery_stated, copy.referral_route, copy.capacity) == (False, "", "")


def test_a_new_service_states_nothing_until_told():
    service = Service.objects.create(organization=OrganizationFactory(), name="Drop-in")
    assert (service.delivers_in_person, service.delivers_online, service.delivers_by_phone) == (
        None,
        None,
        None,
    )
    assert (service.delivery_modes, service.referral_route, service.capacity) == ([], "", "")


@pytest.mark.parametrize(
    ("amounts", "free"),
    [((), False), (("0",), True), (("0", "0.00"), True), (("0", "2.50"), False), ((None,), False)],
)
def test_free_means_every_cost_option_costs_nothing(db, amounts, free):
    service = ServiceFactory()
    for amount in amounts:
        CostOption.objects.create(
            service=service, amount=None if amount is None else Decimal(amount)
        )
    assert ("cost:free" in service_attribute_terms(service, attributes=[])) is free
    found = Service.objects.filter(service_term_condition("cost:free"))
    assert (service in found) is free


def test_terms_applied_to_a_fresh_service_give_the_same_terms(taxonomy):
    original = ServiceFactory(
        delivers_in_person=False,
        delivers_by_phone=True,
        format=ServiceFormat.ONE_TO_ONE,
        referral_route=ReferralRoute.REFERRAL,
        capacity=Capacity.FULL,
    )
    CostOption.objects.create(service=original, amount=Decimal("0"))
    categorise(original, "money_debt", audiences=("older_people",))
    terms = service_attribute_terms(original)

    copy = Service(organization=OrganizationFactory(), name="Imported")
    applied = apply_attribute_terms(copy, terms)
    copy.save()
    Attribute.objects.bulk_create(applied.attributes)
    if applied.free:
        CostOption.objects.create(service=copy, amount=Decimal("0"))
    assert applied.unknown == applied.conflicts == []
    assert service_attribute_terms(copy) == terms


def test_apply_leaves_unmentioned_fields_and_reports_the_rest(taxonomy):
    service = Service(
        organization=OrganizationFactory(),
        name="Imported",
        capacity=Capacity.ACCEPTING,
        format=ServiceFormat.GROUP,
    )
    applied = apply_attribute_terms(
        service,
        ["delivery:online", "route:referral", "route:signpost", "category:nonsense", "colour:blue"],
    )
    assert service.delivery_modes == ["online"]
    assert service.capacity == Capacity.ACCEPTING
    assert service.format == ServiceFormat.GROUP
    assert service.referral_route == ""  # not stated, the model default, untouched
    assert applied.unknown == ["category:nonsense", "colour:blue"]
    assert len(applied.conflicts) == 1
    assert "route" in applied.conflicts[0]
    assert applied.attributes == []
    assert applied.free is False


def test_apply_makes_unsaved_category_and_audience_rows(taxonomy):
    service = ServiceFactory()
    applied = apply_attribute_terms(service, ["category:food", "audience:women_only", "cost:free"])
    assert [(a.link_type, a.taxonomy_term_id) for a in applied.attributes] == [
        (LinkType.CATEGORY, term_id(TAXONOMY_NAME, "food")),
        (LinkType.AUDIENCE, term_id("linkwork_audience", "women_only")),
    ]
    assert all(a._state.adding and a.link_id == service.id for a in applied.attributes)
    assert applied.free is True


def test_each_term_condition_finds_the_services_it_describes(taxonomy):
    services = [
        ServiceFactory(
            delivers_in_person=i % 2 == 0,
            delivers_online=i % 3 == 0,
            delivers_by_phone=i % 2 == 1,
            format=[ServiceFormat.GROUP, ServiceFormat.ONE_TO_ONE, ServiceFormat.BOTH, ""][i % 4],
            referral_route=[ReferralRoute.REFERRAL, ReferralRoute.SIGNPOST][i % 2],
            capacity=[Capacity.ACCEPTING, Capacity.WAITING_LIST, Capacity.FULL][i % 3],
        )
        for i in range(8)
    ]
    categorise(services[0], "social", audiences=("carers",))
    categorise(services[3], "carers")
    CostOption.objects.create(service=services[5], amount=Decimal("0"))
    described = {s.id: set(service_attribute_terms(s)) for s in services}
    for term in TERMS:
        found = set(
            Service.objects.filter(service_term_condition(term)).values_list("id", flat=True)
        )
        assert found == {i for i, terms in described.items() if term in terms}, term
