"""Directory search for link workers, listing pages and curation."""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linkwork.accounts.models import Role
from linkwork.audit.models import AuditEvent
from linkwork.core.presenters import date_uk
from linkwork.directory.demo import seed_directory
from linkwork.directory.geography import get_geocoder, haversine_km
from linkwork.directory.models import (
    Capacity,
    CostOption,
    Metadata,
    Schedule,
    Service,
    ServiceStatus,
    ServiceTip,
    TipStatus,
)
from tests.conftest import LONDON, World, build_world, shared_by_module, signed_in

POSTCODE = "BK1 1AE"


@pytest.fixture(scope="module")
def seeded_directory(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The personas and the demo directory, built once for the module's tests to read."""
    with shared_by_module(django_db_blocker):
        world = build_world()
        seed_directory(
            rng=random.Random(5),
            account_organisations=[world.provider_org],
            tip_authors=[world.link_worker_a],
        )
        yield world


@pytest.fixture
def directory(seeded_directory: World, db: None) -> World:
    return seeded_directory


def results(response) -> list[str]:  # type: ignore[no-untyped-def]
    """Service ids on a results page, in order."""
    return re.findall(r'href="/directory/services/([0-9a-f-]{36})/"', response.content.decode())


def search(client, **params):  # type: ignore[no-untyped-def]
    return client.get(reverse("directory:search"), params)


@pytest.mark.django_db
def test_search_by_text_matches_name_or_description(client, directory):
    signed_in(client, directory.link_worker_a)
    response = search(client, q="walk")
    ids = results(response)
    assert ids
    for service in Service.objects.filter(pk__in=ids).select_related("organization"):
        text = f"{service.name} {service.description} {service.organization.name}".lower()
        assert "walk" in text


@pytest.mark.django_db
def test_search_by_postcode_and_category_orders_by_distance(client, directory):
    signed_in(client, directory.link_worker_a)
    response = search(client, postcode=POSTCODE, category="social", within=2)
    ids = results(response)
    assert ids
    origin = get_geocoder().locate(POSTCODE)
    assert origin is not None
    distances = []
    for pk in ids:
        service = Service.objects.get(pk=pk)
        places = [
            haversine_km(
                origin.latitude, origin.longitude, sal.location.latitude, sal.location.longitude
            )
            for sal in service.service_at_locations.select_related("location")
            if sal.location.latitude is not None
        ]
        if places:
            distances.append(min(places))
            assert min(places) <= 2.01
    assert distances == sorted(distances)
    assert "km away" in response.content.decode() or " m away" in response.content.decode()
    social = {
        str(pk) for pk in Service.objects.in_categories(["social"]).values_list("pk", flat=True)
    }
    assert set(ids) <= social


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("postcode", "message"),
    [("nonsense", "Enter a real postcode"), ("BK9 9ZZ", "We could not find the postcode BK9 9ZZ")],
)
def test_search_bad_postcode_names_field(client, directory, postcode, message):
    signed_in(client, directory.link_worker_a)
    body = search(client, postcode=postcode).content.decode()
    assert message in body
    assert 'href="#id_postcode"' in body


@pytest.mark.django_db
def test_search_bad_choice_names_field(client, directory):
    signed_in(client, directory.link_worker_a)
    body = search(client, category="bogus").content.decode()
    assert "Select type of support from the list" in body
    assert 'href="#id_category"' in body


@pytest.mark.django_db
def test_search_free_only_excludes_paid_services(client, directory):
    signed_in(client, directory.link_worker_a)
    paid = set(
        str(pk)
        for pk in CostOption.objects.filter(amount__gt=0).values_list("service_id", flat=True)
    )
    pages = [results(search(client, free="on", page=n)) for n in (1, 2, 3)]
    found = {pk for page in pages for pk in page}
    assert found
    assert not found & paid


@pytest.mark.django_db
def test_search_accepting_only(client, directory):
    signed_in(client, directory.link_worker_a)
    ids = results(search(client, accepting="on", q="group"))
    assert ids
    assert set(Service.objects.filter(pk__in=ids).values_list("capacity", flat=True)) == {
        Capacity.ACCEPTING
    }


@pytest.mark.django_db
def test_search_language_finds_services_in_that_language(client, directory):
    signed_in(client, directory.link_worker_a)
    ids = results(search(client, language="pl"))
    assert ids
    for service in Service.objects.filter(pk__in=ids):
        assert service.languages.filter(code__iexact="pl").exists()


@pytest.mark.django_db
def test_search_day_and_time(client, directory):
    signed_in(client, directory.link_worker_a)
    ids = results(search(client, day="TU", time="morning"))
    assert ids
    from linkwork.directory.models import Schedule

    for pk in ids:
        sessions = Schedule.objects.filter(service_id=pk) | Schedule.objects.filter(
            service_at_location__service_id=pk
        )
        assert any("TU" in s.byday and s.opens_at.hour < 12 for s in sessions)


@pytest.mark.django_db
def test_search_query_count_fixed_whatever_the_page_size(client, directory):
    signed_in(client, directory.link_worker_a)
    search(client, q="zzzz-no-match")
    with CaptureQueriesContext(connection) as few:
        small = search(client, q="carers")
    with CaptureQueriesContext(connection) as many:
        large = search(client, q="group")
    assert 0 < len(results(small)) < len(results(large))
    assert len(few) == len(many)


@pytest.mark.django_db
@pytest.mark.parametrize("now", [None, dt.datetime(2028, 2, 29, 10, tzinfo=LONDON)])
def test_search_shows_stale_listings_as_such(client, directory, time_machine, now):
    if now is not None:
        time_machine.move_to(now, tick=False)
    signed_in(client, directory.link_worker_a)
    service = Service.objects.filter(status=ServiceStatus.ACTIVE).first()
    # Two years back, even from 29 February (which `replace(year=...)` would break on).
    service.assured_date = timezone.localdate() - dt.timedelta(days=2 * 365)
    service.save()
    body = search(client, q=service.name).content.decode()
    assert f"Not checked since {date_uk(service.assured_date)}" in body


@pytest.mark.django_db
def test_search_works_for_every_role_but_needs_login(client, directory):
    assert search(client).status_code == 302
    signed_in(client, directory.analyst)
    assert search(client).status_code == 200


@pytest.mark.django_db
def test_service_page_shows_tips_to_link_workers_only(client, directory):
    tip = ServiceTip.objects.filter(status=TipStatus.APPROVED).select_related("service").first()
    assert tip is not None
    url = reverse("directory:service", args=[tip.service_id])
    signed_in(client, directory.link_worker_a)
    assert tip.text in client.get(url).content.decode()
    signed_in(client, directory.provider)
    body = client.get(url).content.decode()
    assert tip.text not in body
    assert tip.service.name in body


@pytest.mark.django_db
def test_service_page_puts_each_session_on_its_own_line(client, directory):
    """The sessions are joined by a line break the page renders, not one it shows as text."""
    schedule = Schedule.objects.exclude(service=None).order_by("pk").first()
    assert schedule is not None
    service = schedule.service
    Schedule.objects.create(
        id=uuid.uuid4(),
        service=service,
        service_at_location=schedule.service_at_location,
        freq=schedule.freq,
        interval=1,
        byday="FR" if schedule.byday != "FR" else "MO",
        opens_at=dt.time(10),
        closes_at=dt.time(12),
    )
    signed_in(client, directory.link_worker_a)
    body = client.get(reverse("directory:service", args=[service.pk])).content.decode()
    assert "&lt;br&gt;" not in body
    assert re.search(r"(am|pm)<br>\w", body)


@pytest.mark.django_db
def test_unknown_service_is_404(client, directory):
    signed_in(client, directory.link_worker_a)
    url = reverse("directory:service", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(url).status_code == 404


def own_service(world: World) -> Service:
    return Service.objects.filter(organization__account_organisation=world.provider_org).first()


@pytest.mark.django_db
def test_provider_edits_own_listing_with_history_and_audit(client, directory):
    service = own_service(directory)
    signed_in(client, directory.provider)
    form = client.get(reverse("directory:edit", args=[service.pk]))
    assert form.status_code == 200
    data = {
        "name": service.name,
        "organization": service.organization_id,
        "description": "New description.",
        "status": ServiceStatus.ACTIVE,
        "capacity": Capacity.WAITING_LIST,
        "referral_route": service.referral_route,
        "delivers_in_person": "on",
        "eligibility_description": service.eligibility_description,
        "fees_description": service.fees_description,
        "funding_note": "",
    }
    response = client.post(reverse("directory:edit", args=[service.pk]), data)
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.capacity == Capacity.WAITING_LIST
    changed = set(
        Metadata.objects.filter(resource_id=service.pk).values_list("field_name", flat=True)
    )
    assert {"capacity", "description"} <= changed
    event = AuditEvent.objects.get(action="service.edited")
    assert event.actor == directory.provider
    assert "capacity" in event.detail["fields"]


@pytest.mark.django_db
def test_provider_cannot_edit_other_listing(client, directory):
    other = Service.objects.exclude(
        organization__account_organisation=directory.provider_org
    ).first()
    signed_in(client, directory.provider)
    # Another organisation's listing: 404, by the gate's rule, and each refusal is audited.
    assert client.get(reverse("directory:edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("directory:verify", args=[other.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(other.pk)).count() == 2


@pytest.mark.django_db
def test_link_worker_cannot_edit_listing(client, directory):
    signed_in(client, directory.link_worker_a)
    assert (
        client.get(reverse("directory:edit", args=[own_service(directory).pk])).status_code == 403
    )


@pytest.mark.django_db
def test_edit_with_bad_ages_names_field_and_saves_nothing(client, directory):
    service = Service.objects.first()
    signed_in(client, directory.curator)
    before = service.description
    response = client.post(
        reverse("directory:edit", args=[service.pk]),
        {
            "name": service.name,
            "description": "Changed",
            "status": service.status,
            "capacity": service.capacity,
            "referral_route": service.referral_route,
            "minimum_age": "65",
            "maximum_age": "18",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The maximum age must be the same as or more than the minimum age" in body
    assert 'href="#id_maximum_age"' in body
    service.refresh_from_db()
    assert service.description == before


@pytest.mark.django_db
def test_curator_marks_listing_checked_today(client, directory):
    service = Service.objects.first()
    signed_in(client, directory.curator)
    response = client.post(reverse("directory:verify", args=[service.pk]))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate()
    assert service.assurer == directory.curator
    assert AuditEvent.objects.filter(action="service.verified", object_id=str(service.pk)).exists()


@pytest.mark.django_db
def test_duplicates_suggested_and_merged(client, directory):
    original = Service.objects.filter(service_at_locations__isnull=False).first()
    place = original.service_at_locations.first()
    twin = Service.objects.create(
        organization=original.organization, name=original.name, description="Copy"
    )
    twin.service_at_locations.create(location=place.location)
    ServiceTip.objects.create(service=twin, author=directory.link_worker_a, text="Ask for Sue.")
    signed_in(client, directory.curator)
    body = client.get(reverse("directory:duplicates")).content.decode()
    assert "Same name at" in body
    keep, duplicate = sorted([original, twin], key=lambda s: str(s.pk))
    response = client.post(reverse("directory:merge"), {"keep": keep.pk, "duplicate": duplicate.pk})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == ServiceStatus.DEFUNCT
    assert str(keep.pk) in duplicate.alert
    assert ServiceTip.objects.filter(text="Ask for Sue.", service=keep).exists()
    assert Service.objects.filter(pk=duplicate.pk).exists()
    assert AuditEvent.objects.filter(action="service.merged").exists()


@pytest.mark.django_db
def test_duplicates_page_for_curators_only(client, directory):
    signed_in(client, directory.link_worker_a)
    assert client.get(reverse("directory:duplicates")).status_code == 403


@pytest.mark.django_db
def test_curator_role_in_another_organisation_still_curates(client, directory):
    """Curators curate the whole directory, whichever organisation employs them."""
    signed_in(client, directory.curator)
    assert Role.CURATOR in {m.role for m in directory.curator.memberships.all()}
    assert client.get(reverse("directory:duplicates")).status_code == 200


@pytest.mark.django_db
def test_search_says_when_it_corrected_a_typo(client, directory):
    signed_in(client, directory.link_worker_a)
    body = search(client, q="lonley").content.decode()
    assert "No service says “lonley”: showing services that say “lonely”" in body
    assert "Befriending" in body
