"""Recommendations for a referral: the API, the panel on the connections page, one-click
connecting, and who may ask."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linkwork.api.actions import issue_api_token
from linkwork.audit.models import AuditEvent
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection
from linkwork.directory.models import ReferralRoute
from linkwork.matching.models import Shown
from linkwork.matching.service import clear_cache
from linkwork.people.actions import record_consents
from linkwork.people.models import ConsentKind, ConsentMethod
from tests.conftest import World, signed_in
from tests.factories import ServiceFactory, categorise


@pytest.fixture
def directory(db):  # type: ignore[no-untyped-def]
    clear_cache()
    walks = ServiceFactory(name="Gentle Walks", description="Walking group for company.")
    categorise(walks, "social")
    full = ServiceFactory(name="Full Choir", capacity="full")
    categorise(full, "social")
    yield {"walks": walks, "full": full}
    clear_cache()


@pytest.mark.django_db
def test_api_recommends_for_link_worker_session_and_logs_shown(
    client, world: World, referral_a, directory
):
    signed_in(client, world.link_worker_a)
    url = reverse("api_v1:recommendations", kwargs={"id": referral_a.pk})
    response = client.get(url, {"k": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["results"][0]["service_id"] == str(directory["walks"].pk)
    assert "helps with loneliness or isolation" in body["results"][0]["reasons"]
    assert {"service_id": str(directory["full"].pk), "reason": "full"} in body["excluded"]
    assert body["weights_version"] == "default-1"
    shown = Shown.objects.get()
    assert (shown.position, shown.shown_to, shown.weights_version) == (
        1,
        world.link_worker_a,
        "default-1",
    )
    assert AuditEvent.objects.filter(action="recommendations.viewed").exists()


@pytest.mark.django_db
def test_api_k_out_of_range_names_the_field(client, world: World, referral_a, directory):
    signed_in(client, world.link_worker_a)
    response = client.get(
        reverse("api_v1:recommendations", kwargs={"id": referral_a.pk}), {"k": 500}
    )
    assert response.status_code == 422
    assert "k" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    # Another scheme's link worker: 404. Roles that do no casework: 403 (the gate's rule).
    [("link_worker_b", 404), ("referrer", 403), ("provider", 403), ("admin", 403)],
)
def test_api_refuses_others_and_audits(
    client, world: World, referral_a, directory, persona, status
):
    signed_in(client, getattr(world, persona))
    response = client.get(reverse("api_v1:recommendations", kwargs={"id": referral_a.pk}))
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert AuditEvent.objects.filter(action="access.denied").exists()
    assert not Shown.objects.exists()


@pytest.mark.django_db
def test_api_token_of_scheme_host_may_ask_others_may_not(
    client, world: World, referral_a, directory
):
    url = reverse("api_v1:recommendations", kwargs={"id": referral_a.pk})
    _, host_secret = issue_api_token(by=None, organisation=world.scheme_a.host, name="Cases")
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {host_secret}")
    assert response.status_code == 200
    _, practice_secret = issue_api_token(by=None, organisation=world.practice, name="GP system")
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {practice_secret}").status_code == 404
    assert client.get(url).status_code == 401


@pytest.mark.django_db
def test_connections_page_suggests_and_connects_in_one_click(
    client, world: World, referral_a, directory
):
    record_consents(
        by=None,
        person=referral_a.person,
        consents={ConsentKind.SHARE_WITH_PROVIDERS: True},
        method=ConsentMethod.VERBAL,
    )
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("casework:connections", args=[referral_a.pk])).content.decode()
    assert "Suggested services" in page
    assert "Gentle Walks" in page
    assert "Full Choir" not in page
    assert "sharing name and phone number and email address" in page
    client.post(
        reverse("casework:connect", args=[referral_a.pk, directory["walks"].pk]),
        {"shared_fields": ["name", "contact"], "send": "send"},
    )
    connection = Connection.objects.get()
    assert connection.status == ConnectionStatus.REQUESTED
    # Once connected, the service is not suggested again.
    page = client.get(reverse("casework:connections", args=[referral_a.pk])).content.decode()
    assert "Request a place at Gentle Walks" not in page


@pytest.mark.django_db
def test_connections_page_says_request_a_place_or_record_signposting(
    client, world: World, referral_a, directory
):
    leaflet = ServiceFactory(name="Walking Leaflet", referral_route=ReferralRoute.SIGNPOST)
    categorise(leaflet, "social")
    clear_cache()
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("casework:connections", args=[referral_a.pk])).content.decode()
    assert 'aria-label="Request a place at Gentle Walks"' in page
    assert 'aria-label="Record signposting to Walking Leaflet"' in page
    assert "Sends the service a request for a place; they accept or decline it." in page
    assert "This service takes no referrals: the person contacts it themselves" in page
    assert ">Connect<" not in "".join(page.split())
