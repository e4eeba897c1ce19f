"""Each database constraint of the directory models refuses what it is meant to refuse, and
the values next to the boundary are still accepted."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction

from linkwork.directory.models import (
    Address,
    Attribute,
    Contact,
    CostOption,
    Entity,
    Funding,
    ImdDecile,
    Language,
    Location,
    Metadata,
    Organization,
    OrganizationIdentifier,
    Phone,
    Postcode,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceTip,
    Suggestion,
    Taxonomy,
    TaxonomyTerm,
)
from tests.factories import ServiceFactory, UserFactory
from tests.unit.directory.factories import (
    LocationFactory,
    OrganizationFactory,
    TaxonomyTermFactory,
)

pytestmark = pytest.mark.django_db


def _own_parent_organization() -> None:
    org = OrganizationFactory()
    org.parent_organization_id = org.id
    org.save()


def _own_parent_term() -> None:
    term = TaxonomyTermFactory()
    term.parent_id = term.id
    term.save()


def _duplicate_term_code() -> None:
    term = TaxonomyTermFactory(code="social")
    TaxonomyTerm.objects.create(taxonomy=term.taxonomy, code="social", name="Again")


def _duplicate_attribute() -> None:
    term = TaxonomyTermFactory()
    link = uuid.uuid4()
    for _ in range(2):
        Attribute.objects.create(
            link_id=link, link_entity=Entity.SERVICE, link_type="category", taxonomy_term=term
        )


def _duplicate_service_at_location() -> None:
    service, location = ServiceFactory(), LocationFactory()
    for _ in range(2):
        ServiceAtLocation.objects.create(service=service, location=location)


def _tip(text: str, **fields: object) -> None:
    ServiceTip.objects.create(service=ServiceFactory(), author=UserFactory(), text=text, **fields)


def _address(**fields: object) -> None:
    Address.objects.create(
        location=LocationFactory(),
        address_1="1 Mill Lane",
        city="Brackenfield",
        state_province="West Yorkshire",
        postal_code="BK1 1AE",
        **fields,
    )


def _metadata(**fields: object) -> None:
    values: dict[str, object] = {
        "resource_id": uuid.uuid4(),
        "resource_type": Entity.SERVICE,
        "last_action_type": "update",
    }
    Metadata.objects.create(**{**values, **fields})


# Constraint name -> a write that breaks only that constraint.
VIOLATIONS: dict[str, Callable[[], object]] = {
    "dir_org_name_not_blank": lambda: OrganizationFactory(name=""),
    "dir_org_not_own_parent": _own_parent_organization,
    "dir_orgid_not_blank": lambda: OrganizationIdentifier.objects.create(
        organization=OrganizationFactory(), identifier_type="Charity number", identifier=""
    ),
    "dir_taxonomy_name_not_blank": lambda: Taxonomy.objects.create(name=""),
    "dir_term_name_not_blank": lambda: TaxonomyTermFactory(name=""),
    "dir_term_not_own_parent": _own_parent_term,
    "dir_term_code_unique_in_taxonomy": _duplicate_term_code,
    "dir_attr_link_entity_valid": lambda: Attribute.objects.create(
        link_id=uuid.uuid4(), link_entity="person", taxonomy_term=TaxonomyTermFactory()
    ),
    "dir_attr_unique_link": _duplicate_attribute,
    "dir_service_name_not_blank": lambda: ServiceFactory(name=""),
    "dir_service_status_valid": lambda: ServiceFactory(status="closed"),
    "dir_service_referral_route_valid": lambda: ServiceFactory(referral_route="email"),
    "dir_service_capacity_valid": lambda: ServiceFactory(capacity="busy"),
    "dir_service_format_valid": lambda: ServiceFactory(format="drop_in"),
    "dir_service_min_age_not_above_max": lambda: ServiceFactory(minimum_age=65, maximum_age=18),
    "dir_service_delivery_stated_or_unknown": lambda: ServiceFactory(
        delivers_in_person=False, delivers_online=False, delivers_by_phone=False
    ),
    "dir_service_assurer_needs_date": lambda: ServiceFactory(
        assurer=UserFactory(), assured_date=None
    ),
    "dir_tip_text_not_blank": lambda: _tip(""),
    "dir_tip_status_valid": lambda: _tip("Use the side door.", status="hidden"),
    "dir_location_type_valid": lambda: LocationFactory(location_type="boat"),
    "dir_location_latitude_range": lambda: LocationFactory(latitude=90.5),
    "dir_location_longitude_range": lambda: LocationFactory(longitude=-180.5),
    "dir_location_coordinates_together": lambda: LocationFactory(longitude=None),
    "dir_sal_unique": _duplicate_service_at_location,
    "dir_address_type_valid": lambda: _address(address_type="home"),
    "dir_contact_has_owner": lambda: Contact.objects.create(name="Reception"),
    "dir_phone_number_not_blank": lambda: Phone.objects.create(service=ServiceFactory(), number=""),
    "dir_phone_has_owner": lambda: Phone.objects.create(number="0113 496 0000"),
    "dir_schedule_has_owner": lambda: Schedule.objects.create(freq="WEEKLY", byday="MO"),
    "dir_schedule_freq_valid": lambda: Schedule.objects.create(
        service=ServiceFactory(), freq="DAILY"
    ),
    "dir_schedule_interval_positive": lambda: Schedule.objects.create(
        service=ServiceFactory(), freq="WEEKLY", interval=0
    ),
    "dir_schedule_valid_from_not_after_to": lambda: Schedule.objects.create(
        service=ServiceFactory(), valid_from=dt.date(2026, 2, 1), valid_to=dt.date(2026, 1, 31)
    ),
    "dir_cost_amount_not_negative": lambda: CostOption.objects.create(
        service=ServiceFactory(), amount=Decimal("-0.01")
    ),
    "dir_cost_valid_from_not_after_to": lambda: CostOption.objects.create(
        service=ServiceFactory(), valid_from=dt.date(2026, 2, 1), valid_to=dt.date(2026, 1, 31)
    ),
    "dir_language_has_owner": lambda: Language.objects.create(name="Polish", code="pl"),
    "dir_language_named": lambda: Language.objects.create(service=ServiceFactory()),
    "dir_funding_has_owner": lambda: Funding.objects.create(source="A grant"),
    "dir_metadata_resource_type_valid": lambda: _metadata(resource_type="person"),
    "dir_metadata_action_valid": lambda: _metadata(last_action_type="merge"),
    "dir_postcode_latitude_range": lambda: Postcode.objects.create(
        postcode="BK1 1AA", latitude=99.999999, longitude=0
    ),
    "dir_postcode_longitude_range": lambda: Postcode.objects.create(
        postcode="BK1 1AA", latitude=53.8, longitude=181
    ),
    "dir_imd_decile_range": lambda: ImdDecile.objects.create(lsoa="E01999001", decile=11),
    "dir_suggestion_unique": lambda: [_suggestion(service=s) for s in [ServiceFactory()] * 2],
    "dir_suggestion_kind_valid": lambda: _suggestion(kind="colour"),
    "dir_suggestion_status_valid": lambda: _suggestion(
        status="maybe", decided_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ),
    "dir_suggestion_source_valid": lambda: _suggestion(source="guess"),
    "dir_suggestion_value_not_blank": lambda: _suggestion(value=""),
    "dir_suggestion_decided_when_not_open": lambda: _suggestion(status="confirmed"),
}


def _suggestion(**fields: object) -> Suggestion:
    values: dict[str, object] = {
        "kind": "category",
        "value": "social",
        "source": "keywords",
        **fields,
    }
    if "service" not in values:
        values["service"] = ServiceFactory()
    return Suggestion.objects.create(**values)


def _declared_constraints() -> set[str]:
    return {
        constraint.name
        for model in apps.get_app_config("directory").get_models()
        for constraint in model._meta.constraints
    }


def test_every_directory_constraint_has_a_violation_test():
    assert set(VIOLATIONS) == _declared_constraints()


@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_constraint_rejects_violation(name):
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        VIOLATIONS[name]()
    checks = {
        c.name
        for model in apps.get_app_config("directory").get_models()
        for c in model._meta.constraints
        if isinstance(c, models.CheckConstraint)
    }
    if name in checks:
        # Both SQLite and PostgreSQL name the failing check, so the right one fired.
        assert name in str(raised.value)


def test_service_ages_equal_accepted():
    ServiceFactory(minimum_age=18, maximum_age=18)
    ServiceFactory(minimum_age=65, maximum_age=None)


def test_service_single_delivery_mode_accepted():
    ServiceFactory(delivers_in_person=False, delivers_online=False, delivers_by_phone=True)


def test_service_assured_without_assurer_accepted():
    ServiceFactory(assured_date=dt.date(2026, 1, 5), assurer=None)


def test_service_temporarily_closed_status_accepted():
    service = ServiceFactory(status="temporarily closed")
    assert Service.objects.get(pk=service.pk).status == "temporarily closed"


def test_location_coordinate_limits_accepted():
    LocationFactory(latitude=90, longitude=180)
    LocationFactory(latitude=-90, longitude=-180)
    LocationFactory(latitude=None, longitude=None)


def test_cost_free_amount_accepted():
    CostOption.objects.create(service=ServiceFactory(), amount=Decimal("0.00"))


def test_term_codes_may_repeat_across_taxonomies_and_when_blank():
    TaxonomyTermFactory(code="social")
    TaxonomyTermFactory(code="social")
    term = TaxonomyTermFactory(code="")
    TaxonomyTerm.objects.create(taxonomy=term.taxonomy, code="", name="Uncoded")


def test_attribute_same_term_different_link_type_accepted():
    term = TaxonomyTermFactory()
    link = uuid.uuid4()
    Attribute.objects.create(
        link_id=link, link_entity=Entity.SERVICE, link_type="category", taxonomy_term=term
    )
    Attribute.objects.create(
        link_id=link, link_entity=Entity.SERVICE, link_type="audience", taxonomy_term=term
    )


def test_imd_decile_limits_accepted():
    ImdDecile.objects.create(lsoa="E01999001", decile=1)
    ImdDecile.objects.create(lsoa="E01999002", decile=10)


def test_organization_may_have_other_parent():
    parent = OrganizationFactory()
    child = OrganizationFactory(parent_organization=parent)
    assert Organization.objects.get(pk=child.pk).parent_organization == parent


def test_schedule_same_day_validity_accepted():
    Schedule.objects.create(
        location=LocationFactory(), valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 1, 1)
    )


def test_location_accepts_physical_default():
    assert LocationFactory().location_type == Location._meta.get_field("location_type").default
