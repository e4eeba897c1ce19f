"""Webhook addresses are checked again when a delivery is sent: the endpoint's name is looked
up (by a resolver the tests put in place: no real DNS, no network), every address it resolves
to must be on the internet, and the delivery connects to the address that was checked, so a
name that answers differently a moment later (DNS rebinding) reaches nothing else. A refused
delivery is dead at once, with the reason on its organisation's admin page."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
from django.urls import reverse

from linkwork.interop.webhooks import actions, addresses, tasks, transport
from linkwork.interop.webhooks.models import DeliveryStatus, EventType, WebhookDelivery
from linkwork.referrals.actions import put_on_hold
from tests.conftest import World, signed_in
from tests.integration.interop.test_webhooks_pages import practice_admin  # noqa: F401
from tests.integration.interop.webhook_receiver import local_receiver

GLOBAL = "93.184.216.34"
NAME = "hooks.example.org"
URL = f"https://{NAME}/linkwork"


def resolver(*answers: list[str]) -> tuple[Callable[[str, int], list[str]], list[str]]:
    """A resolver giving each answer in turn (the last repeats), and the names it was asked."""
    asked: list[str] = []
    queue = list(answers)

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return resolve, asked


def failing(host: str, port: int) -> list[str]:
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


@pytest.fixture
def no_loopback(settings) -> None:
    settings.DEBUG = False
    settings.LINKWORK_WEBHOOK_ALLOW_LOOPBACK = False


@pytest.fixture
def connections(monkeypatch) -> list[tuple[str, int]]:
    """Where deliveries tried to connect; each attempt is refused, nothing leaves the test."""
    tried: list[tuple[str, int]] = []

    def refuse(where: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        tried.append(where)
        raise ConnectionRefusedError

    monkeypatch.setattr(transport, "open_socket", refuse)
    return tried


@pytest.mark.parametrize(
    "resolved",
    [
        ["10.0.0.5"],
        ["192.168.1.20"],
        ["127.0.0.1"],
        ["169.254.169.254"],
        ["100.64.0.1"],
        ["::1"],
        ["fd00::1"],
        ["::ffff:10.0.0.1"],
        [GLOBAL, "10.0.0.5"],  # any one address that is not global refuses the name
    ],
)
def test_a_name_that_resolves_to_a_private_address_is_refused(no_loopback, monkeypatch, resolved):
    monkeypatch.setattr(addresses, "resolve", resolver(resolved)[0])

    with pytest.raises(addresses.NotAllowed, match="private network"):
        addresses.address_to_connect(URL)


def test_a_name_that_resolves_to_the_internet_gives_the_address_checked(no_loopback, monkeypatch):
    resolve, asked = resolver([GLOBAL, "2606:4700::1111"])
    monkeypatch.setattr(addresses, "resolve", resolve)

    assert addresses.address_to_connect(URL) == GLOBAL
    assert asked == [NAME]


def test_a_literal_address_is_not_looked_up(no_loopback, monkeypatch):
    resolve, asked = resolver(["10.0.0.5"])
    monkeypatch.setattr(addresses, "resolve", resolve)

    assert addresses.address_to_connect(f"https://{GLOBAL}/hook") == GLOBAL
    assert asked == []


def test_a_name_that_cannot_be_looked_up_is_a_lookup_failure(no_loopback, monkeypatch):
    monkeypatch.setattr(addresses, "resolve", failing)

    with pytest.raises(addresses.LookupFailed, match=NAME):
        addresses.address_to_connect(URL)


def test_localhost_only_with_the_loopback_exception_and_only_to_this_machine(settings, monkeypatch):
    monkeypatch.setattr(addresses, "resolve", resolver(["127.0.0.1", "::1"])[0])
    settings.DEBUG = False
    settings.LINKWORK_WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(addresses.NotAllowed):
        addresses.address_to_connect("http://localhost:8000/hook")

    settings.LINKWORK_WEBHOOK_ALLOW_LOOPBACK = True
    assert addresses.address_to_connect("http://localhost:8000/hook") == "127.0.0.1"

    # Even with the exception, "localhost" must lead to this machine.
    monkeypatch.setattr(addresses, "resolve", resolver(["10.0.0.5"])[0])
    with pytest.raises(addresses.NotAllowed):
        addresses.address_to_connect("http://localhost:8000/hook")


def subscribe_and_hold(world: World, referral, url: str) -> WebhookDelivery:  # type: ignore[no-untyped-def]
    actions.create_endpoint(
        by=None, organisation=world.practice, name="GP system", url=url, events=EventType.values
    )
    put_on_hold(by=world.link_worker_a, referral=referral, reason="Away")
    return WebhookDelivery.objects.get()


@pytest.mark.django_db
def test_a_delivery_to_a_private_name_is_dead_with_the_reason_on_the_admins_page(
    client, no_loopback, monkeypatch, connections, world: World, referral_a, practice_admin,  # noqa: F811
    django_capture_on_commit_callbacks,
):  # fmt: skip
    monkeypatch.setattr(addresses, "resolve", resolver(["10.0.0.5"])[0])
    with django_capture_on_commit_callbacks(execute=False):
        delivery = subscribe_and_hold(world, referral_a, URL)

    assert tasks.deliver(delivery.pk) == "dead"

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.last_error.startswith("Address not allowed: The address's name leads to")
    assert connections == []
    signed_in(client, practice_admin)
    page = client.get(reverse("webhooks:dead")).content.decode()
    assert "Address not allowed" in page
    assert "10.0.0.5" not in page


@pytest.mark.django_db
def test_the_delivery_connects_to_the_address_checked_not_a_second_answer(
    no_loopback, monkeypatch, connections, world: World, referral_a,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    # The name is global when checked, then turns to this machine (DNS rebinding).
    resolve, asked = resolver([GLOBAL], ["127.0.0.1"])
    monkeypatch.setattr(addresses, "resolve", resolve)
    with django_capture_on_commit_callbacks(execute=False):
        delivery = subscribe_and_hold(world, referral_a, URL)

    assert tasks.deliver(delivery.pk) == "retrying"

    assert asked == [NAME]
    assert connections == [(GLOBAL, 443)]
    delivery.refresh_from_db()
    assert delivery.last_error == "Could not connect (ConnectionRefusedError)"


@pytest.mark.django_db
def test_a_name_that_cannot_be_looked_up_is_tried_again(
    no_loopback, monkeypatch, connections, world: World, referral_a,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    monkeypatch.setattr(addresses, "resolve", failing)
    with django_capture_on_commit_callbacks(execute=False):
        delivery = subscribe_and_hold(world, referral_a, URL)

    assert tasks.deliver(delivery.pk) == "retrying"

    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("pending", f"Could not look up {NAME}")
    assert connections == []


@pytest.mark.django_db
def test_a_name_is_sent_as_the_host_while_the_connection_goes_to_its_checked_address(
    settings, monkeypatch, world: World, referral_a, django_capture_on_commit_callbacks
):
    settings.LINKWORK_WEBHOOK_ALLOW_LOOPBACK = True
    resolve, asked = resolver(["127.0.0.1"])
    monkeypatch.setattr(addresses, "resolve", resolve)
    with local_receiver() as receiver:
        url = receiver.url.replace("127.0.0.1", "localhost")
        with django_capture_on_commit_callbacks(execute=False):
            delivery = subscribe_and_hold(world, referral_a, url)

        assert tasks.deliver(delivery.pk) == "delivered"

    assert asked == ["localhost"]
    (received,) = receiver.received
    assert received.headers["Host"] == url.split("/")[2]
