"""The demo directory is big enough, covers every category, links the providers' own
organisations, and is the same every time for the same seed."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.db import transaction

from linkwork.accounts.models import OrganisationKind
from linkwork.directory.demo import seed_directory
from linkwork.directory.models import (
    Attribute,
    Capacity,
    CostOption,
    Entity,
    Language,
    LinkType,
    Organization,
    Postcode,
    Schedule,
    Service,
    ServiceStatus,
    ServiceTip,
)
from linkwork.vocabulary.categories import CATEGORIES, TAXONOMY_NAME
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def snapshot() -> list[tuple[object, ...]]:
    return list(
        Service.objects.order_by("id").values_list(
            "id", "name", "organization__name", "status", "capacity", "assured_date"
        )
    )


@pytest.fixture
def providers():
    return [
        OrganisationFactory(name="Brackenfield Carers Centre", kind=OrganisationKind.VCSE),
        OrganisationFactory(name="Millbrook Walking Club", kind=OrganisationKind.VCSE),
    ]


def test_seed_directory_counts(providers):
    counts = seed_directory(rng=random.Random(1), account_organisations=providers, today=TODAY)
    assert counts["services"] == Service.objects.count()
    assert counts["services"] >= 250
    assert counts["organizations"] == Organization.objects.count()
    assert counts["postcodes"] == Postcode.objects.count() >= 300
    assert counts["schedules"] >= counts["services"]
    assert counts["service_tips"] == 0


def test_seed_directory_uses_every_category(providers):
    seed_directory(rng=random.Random(2), account_organisations=providers, today=TODAY)
    used = set(
        Attribute.objects.filter(
            link_entity=Entity.SERVICE,
            link_type=LinkType.CATEGORY,
            taxonomy_term__taxonomy__name=TAXONOMY_NAME,
        ).values_list("taxonomy_term__code", flat=True)
    )
    assert used == set(CATEGORIES)
    for slug in CATEGORIES:
        assert Service.objects.in_categories([slug]).count() >= 5, slug


def test_seed_directory_one_to_three_categories_per_service(providers):
    seed_directory(rng=random.Random(3), account_organisations=providers, today=TODAY)
    per_service = Counter(
        Attribute.objects.filter(link_type=LinkType.CATEGORY).values_list("link_id", flat=True)
    )
    assert set(per_service) == set(Service.objects.values_list("id", flat=True))
    assert set(per_service.values()) <= {1, 2, 3}
    assert Attribute.objects.filter(link_type=LinkType.AUDIENCE).exists()


def test_seed_directory_links_account_organisations(providers):
    seed_directory(rng=random.Random(4), account_organisations=providers, today=TODAY)
    for account in providers:
        listing = Organization.objects.get(account_organisation=account)
        assert listing.name == account.name
        assert listing.services.count() >= 3
    # A namesake in the demo catalogue becomes the provider's listing, not a duplicate.
    assert Organization.objects.filter(name="Brackenfield Carers Centre").count() == 1


def test_seed_directory_is_deterministic_for_a_seed(providers):
    with transaction.atomic():
        seed_directory(rng=random.Random(42), account_organisations=providers, today=TODAY)
        first = snapshot()
        transaction.set_rollback(True)
    seed_directory(rng=random.Random(42), account_organisations=providers, today=TODAY)
    assert snapshot() == first
    assert len(first) >= 250


def test_seed_directory_differs_between_seeds(providers):
    with transaction.atomic():
        seed_directory(rng=random.Random(5), account_organisations=providers, today=TODAY)
        first = snapshot()
        transaction.set_rollback(True)
    seed_directory(rng=random.Random(6), account_organisations=providers, today=TODAY)
    assert snapshot() != first


def test_seed_directory_realistic_mix(providers):
    seed_directory(rng=random.Random(7), account_organisations=providers, today=TODAY)
    services = Service.objects.count()
    statuses = Counter(Service.objects.values_list("status", flat=True))
    assert statuses[ServiceStatus.ACTIVE] / services > 0.85
    assert statuses[ServiceStatus.TEMPORARILY_CLOSED] + statuses[ServiceStatus.INACTIVE] > 0
    capacity = Counter(Service.objects.values_list("capacity", flat=True))
    assert capacity[Capacity.ACCEPTING] > capacity[Capacity.WAITING_LIST] > capacity[Capacity.FULL]
    assert capacity[Capacity.FULL] > 0
    free = Service.objects.filter(cost_options__amount=0).distinct().count()
    assert 0.5 < free / services < 0.72
    assert CostOption.objects.filter(amount__gt=0).exists()
    languages = set(Language.objects.values_list("code", flat=True))
    assert languages == {"en", "pl", "ur", "pa", "bn", "ar", "so", "ro"}
    assert Language.objects.filter(code="en").count() == services
    stale = Service.objects.stale(TODAY).count()
    assert 0 < stale < services / 2
    oldest = min(Service.objects.values_list("assured_date", flat=True))
    assert oldest >= TODAY - dt.timedelta(days=550)
    assert Service.objects.with_delivery_mode("online").exists()
    assert Service.objects.filter(delivers_in_person=False, delivers_by_phone=True).exists()
    assert Schedule.objects.exclude(opens_at=None).count() == Schedule.objects.count()


def test_seed_directory_services_are_placed_in_brackenfield(providers):
    seed_directory(rng=random.Random(8), account_organisations=providers, today=TODAY)
    for service in Service.objects.filter(delivers_in_person=True).prefetch_related(
        "service_at_locations__location__addresses"
    )[:50]:
        (sal,) = service.service_at_locations.all()
        location = sal.location
        assert Postcode.objects.filter(
            latitude=location.latitude, longitude=location.longitude
        ).exists()
        assert location.addresses.get().postal_code.startswith("BK")


def test_seed_directory_names_are_unique(providers):
    seed_directory(rng=random.Random(9), account_organisations=providers, today=TODAY)
    names = list(Service.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))


def test_seed_directory_tips_written_by_given_link_workers(providers):
    author = UserFactory()
    counts = seed_directory(
        rng=random.Random(10), account_organisations=providers, tip_authors=[author], today=TODAY
    )
    assert counts["service_tips"] == ServiceTip.objects.filter(author=author).count() > 0


def test_seed_directory_without_account_organisations():
    counts = seed_directory(rng=random.Random(11), account_organisations=[], today=TODAY)
    assert counts["services"] >= 250
    assert not Organization.objects.filter(account_organisation__isnull=False).exists()
