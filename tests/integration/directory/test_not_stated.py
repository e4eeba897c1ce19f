"""Facts stay facts on the pages: a listing that does not say how it is delivered, how people
get a place or whether it is taking people shows "Not stated", a curator can leave them so,
and a route not stated is signposted, saying why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection
from linkwork.core.presenters import date_uk
from linkwork.directory.models import Service, ServiceStatus
from linkwork.notifications.models import Message
from tests.conftest import World, signed_in
from tests.factories import ServiceFactory

NOT_STATED = {
    "delivers_in_person": None,
    "delivers_online": None,
    "delivers_by_phone": None,
    "referral_route": "",
    "capacity": "",
}


def unknown_service(**fields: object) -> Service:
    return ServiceFactory(**{**NOT_STATED, **fields})


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(response.content.decode().split())


@pytest.mark.django_db
def test_service_page_says_not_stated_and_when_it_was_last_checked(client, world: World):
    service = unknown_service(assured_date=timezone.localdate() - dt.timedelta(days=500))
    signed_in(client, world.link_worker_a)
    page = page_text(client.get(reverse("directory:service", args=[service.pk])))
    for key in ("How it is delivered", "How people get a place", "Taking people"):
        # The NHS.UK macro wrote a space before the tag's `>`; our drawing does not.
        value = f'{key} </dt> <dd class="nhsuk-summary-list__value"> Not stated'
        assert value in page.replace('" >', '">'), key
    assert f"Not checked since {date_uk(service.assured_date)}" in page
    assert "Accepting referrals" not in page


@pytest.mark.django_db
def test_curator_can_leave_facts_not_stated_or_state_them(client, world: World):
    service = ServiceFactory()
    signed_in(client, world.curator)
    url = reverse("directory:edit", args=[service.pk])
    form = page_text(client.get(url))
    # White space before `>` is the NHS.UK macro's, not drawn by `components.fields`.
    assert '<option value="">Not stated</option>' in form.replace(" >", ">")
    data = {
        "name": service.name,
        "organization": service.organization_id,
        "status": ServiceStatus.ACTIVE,
        "capacity": "",
        "referral_route": "",
    }
    assert client.post(url, data).status_code == 302
    service.refresh_from_db()
    assert not service.delivery_stated
    assert (service.referral_route, service.capacity) == ("", "")
    client.post(url, {**data, "delivers_online": "on", "capacity": "full"})
    service.refresh_from_db()
    assert (service.delivers_in_person, service.delivers_online, service.delivers_by_phone) == (
        False,
        True,
        False,
    )
    assert service.capacity == "full"


@pytest.mark.django_db
def test_a_route_not_stated_is_signposted_and_says_why(client, world: World, referral_a):
    service = unknown_service(name="Riverside Drop-in")
    signed_in(client, world.link_worker_a)
    url = reverse("casework:connect", args=[referral_a.pk, service.pk])
    page = page_text(client.get(url))
    assert "This listing does not say whether the service takes referrals" in page
    assert "Record signposting" in page
    search = page_text(
        client.get(reverse("directory:search"), {"for": referral_a.pk, "q": "Riverside"})
    )
    assert "Record signposting" in search
    assert "This listing does not say whether the service takes referrals" in search
    assert "Request a place" not in search
    client.post(url, {"send": "send"})
    assert Connection.objects.get().status == ConnectionStatus.SIGNPOSTED
    assert not Message.objects.exists()
