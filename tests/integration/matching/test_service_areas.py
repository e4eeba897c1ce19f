"""Service areas in matching on the directory: a service with no venue is offered only to a
person whose postcode lies in one of its areas (the postcode table's local authority), and the
recommendations say what they could not check."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linkwork.directory.geography import ONS_AREA_URI
from linkwork.directory.models import Postcode, ServiceArea
from linkwork.matching.service import clear_cache, load_facts
from tests.conftest import World, signed_in
from tests.factories import ServiceFactory, categorise

HOME_AREA, OTHER_AREA = "E08999001", "E08999002"


def phone_line(name: str, area: str | None):  # type: ignore[no-untyped-def]
    service = ServiceFactory(
        name=name, delivers_in_person=False, delivers_online=False, delivers_by_phone=True
    )
    categorise(service, "social")
    if area is not None:
        ServiceArea.objects.create(service=service, name=area, uri=ONS_AREA_URI + area)
    return service


@pytest.fixture
def lines(db):  # type: ignore[no-untyped-def]
    clear_cache()
    found = {
        "home": phone_line("Home Line", HOME_AREA),
        "other": phone_line("Other Line", OTHER_AREA),
        "anywhere": phone_line("Anywhere Line", None),
    }
    yield found
    clear_cache()


def recommendations(client, world: World, referral) -> dict:  # type: ignore[no-untyped-def]
    signed_in(client, world.link_worker_a)
    url = reverse("api_v1:recommendations", kwargs={"id": referral.pk})
    response = client.get(url, {"k": 10})
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_a_service_with_no_venue_is_offered_only_in_its_area(client, world, referral_a, lines):
    Postcode.objects.create(
        postcode="BK1 1AE", latitude=53.8, longitude=-1.55, local_authority=HOME_AREA
    )
    referral_a.person.postcode = "BK1 1AE"
    referral_a.person.save()
    body = recommendations(client, world, referral_a)
    offered = {r["service_id"]: r for r in body["results"]}
    assert str(lines["home"].pk) in offered
    assert str(lines["anywhere"].pk) in offered
    assert str(lines["other"].pk) not in offered
    assert "serves your area" in offered[str(lines["home"].pk)]["reasons"]
    assert {
        "service_id": str(lines["other"].pk),
        "reason": f"no venue, and serves only {OTHER_AREA}; the person is in {HOME_AREA}",
    } in body["excluded"]
    assert body["warnings"] == [
        f"1 of 3 services excluded: no venue, and their service area leaves out {HOME_AREA}"
    ]


@pytest.mark.django_db
def test_without_a_known_area_nothing_is_left_out_and_the_answer_says_so(
    client, world, referral_a, lines
):
    body = recommendations(client, world, referral_a)
    assert len(body["results"]) == 3
    assert body["warnings"] == [
        "the person's area is not known, so 2 services without a venue were not checked "
        "against their service area; give a postcode or an area"
    ]


@pytest.mark.django_db
def test_facts_are_read_in_a_fixed_number_of_queries(lines, django_assert_num_queries):
    """One query per kind of fact (open category suggestions included), however many
    services there are."""
    with django_assert_num_queries(8):
        facts = {f.name: f for f in load_facts()}
    assert facts["Home Line"].areas == {HOME_AREA}
    assert facts["Anywhere Line"].areas == frozenset()
    phone_line("Another Line", OTHER_AREA)
    with django_assert_num_queries(8):
        assert len(load_facts()) == 4
