"""The webhook pages: an organisation's admins add endpoints (the secret shown once), rotate
secrets, deactivate endpoints and replay deliveries that gave up, each change audited and
scoped to their own organisation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linkwork.accounts.models import Role
from linkwork.audit.models import AuditEvent
from linkwork.interop.webhooks import actions
from linkwork.interop.webhooks.models import (
    DeliveryStatus,
    EventType,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from linkwork.referrals.actions import put_on_hold
from tests.conftest import World, signed_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.integration.interop.webhook_receiver import local_receiver
from tests.integration.test_page_structure import back_link_outside_landmark, skipped_levels

ADDRESS = "https://gp-system.example.org/linkwork/webhooks"


@pytest.fixture
def practice_admin(world: World):  # type: ignore[no-untyped-def]
    """An admin of the referring practice."""
    user = UserFactory(totp=True)
    MembershipFactory(user=user, organisation=world.practice, role=Role.ADMIN)
    return user


def new_endpoint(client, **changes):  # type: ignore[no-untyped-def]
    form = {"name": "GP system", "url": ADDRESS, "events": EventType.values, **changes}
    return client.post(reverse("webhooks:new"), form)


@pytest.mark.django_db
def test_adding_an_endpoint_shows_its_secret_once(client, world: World, practice_admin):
    signed_in(client, practice_admin)
    assert client.get(reverse("webhooks:new")).status_code == 200

    response = new_endpoint(client)
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.organisation, endpoint.url, endpoint.active) == (
        world.practice,
        ADDRESS,
        True,
    )
    assert endpoint.events == sorted(EventType.values)
    page = response.content.decode()
    assert endpoint.secret in page
    assert response["Cache-Control"] == "no-store"
    assert skipped_levels(page) == []

    listing = client.get(reverse("webhooks:endpoints")).content.decode()
    assert ADDRESS in listing
    assert endpoint.secret not in listing
    for body in (listing, client.get(reverse("webhooks:new")).content.decode()):
        assert skipped_levels(body) == []
        assert not back_link_outside_landmark(body)
    created = AuditEvent.objects.get(action="webhook.endpoint_created")
    assert (created.actor, created.object_id) == (practice_admin, str(endpoint.pk))
    assert endpoint.secret not in str(created.detail)


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("http://gp-system.example.org/hooks", "The address must start with https://"),
        ("https://10.1.2.3/hooks", "not this machine or a private network"),
        ("https://localhost/hooks", "not this machine or a private network"),
        ("https://user:pw@example.org/hooks", "must not contain a user name or password"),
        ("gp-system", "Enter a full web address"),
        ("", "Enter the address to send events to"),
    ],
)
@pytest.mark.django_db
def test_a_bad_address_is_refused_naming_the_field(
    client, practice_admin, address: str, problem: str
):
    signed_in(client, practice_admin)
    response = new_endpoint(client, url=address)
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert 'href="#id_url"' in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_no_event_chosen_is_refused(client, practice_admin):
    signed_in(client, practice_admin)
    response = new_endpoint(client, events=[])
    assert response.status_code == 400
    assert "Choose at least one event to send" in response.content.decode()


@pytest.mark.django_db
def test_rotating_the_secret_shows_the_new_one_once_and_is_audited(client, practice_admin, world):
    endpoint, old = actions.create_endpoint(
        by=practice_admin, organisation=world.practice, name="GP", url=ADDRESS,
        events=EventType.values,
    )  # fmt: skip
    signed_in(client, practice_admin)
    response = client.post(reverse("webhooks:rotate", args=[endpoint.pk]))
    assert response.status_code == 200
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in response.content.decode()
    assert AuditEvent.objects.filter(
        action="webhook.secret_rotated", actor=practice_admin, object_id=str(endpoint.pk)
    ).exists()


@pytest.mark.django_db
def test_a_deactivated_endpoint_is_told_nothing_more(client, practice_admin, world, referral_a):
    endpoint, _ = actions.create_endpoint(
        by=practice_admin, organisation=world.practice, name="GP", url=ADDRESS,
        events=EventType.values,
    )  # fmt: skip
    signed_in(client, practice_admin)
    response = client.post(reverse("webhooks:deactivate", args=[endpoint.pk]))
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert AuditEvent.objects.filter(action="webhook.endpoint_deactivated").count() == 1
    put_on_hold(by=world.link_worker_a, referral=referral_a, reason="Away")
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
def test_admins_see_and_change_only_their_own_organisations_endpoints(
    client, practice_admin, world
):
    theirs, _ = actions.create_endpoint(
        by=None, organisation=OrganisationFactory(), name="Elsewhere system",
        url="https://elsewhere.example.org/hooks", events=EventType.values,
    )  # fmt: skip
    signed_in(client, practice_admin)
    assert "Elsewhere system" not in client.get(reverse("webhooks:endpoints")).content.decode()
    for name in ("webhooks:rotate", "webhooks:deactivate"):
        assert client.post(reverse(name, args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.active
    assert AuditEvent.objects.filter(action="access.denied").count() == 2
    # A role that is not an admin may not open the pages at all.
    signed_in(client, world.link_worker_a)
    assert client.get(reverse("webhooks:endpoints")).status_code == 403


@pytest.mark.django_db
def test_replaying_from_the_dead_list_delivers_and_is_audited(
    client, settings, practice_admin, world, referral_a, django_capture_on_commit_callbacks
):
    settings.LINKWORK_WEBHOOK_ALLOW_LOOPBACK = True
    settings.LINKWORK_WEBHOOK_MAX_ATTEMPTS = 1
    with local_receiver(answers=[500, 204]) as receiver:
        actions.create_endpoint(
            by=None, organisation=world.practice, name="GP", url=receiver.url,
            events=EventType.values,
        )  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            put_on_hold(by=world.link_worker_a, referral=referral_a, reason="Away")
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.DEAD

        signed_in(client, practice_admin)
        page = client.get(reverse("webhooks:dead")).content.decode()
        assert f"Task/{referral_a.pk}" in page
        assert "Receiver answered 500" in page
        assert AuditEvent.objects.filter(action="webhook.dead_list_viewed").exists()

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("webhooks:replay", args=[delivery.pk]))
        assert response.status_code == 302
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
            DeliveryStatus.DELIVERED,
            1,
            204,
        )
        replayed = AuditEvent.objects.get(action="webhook.delivery_replayed")
        assert (replayed.actor, replayed.object_id) == (practice_admin, str(delivery.pk))
        assert replayed.detail["last_error"] == "Receiver answered 500"
        assert len(receiver.received) == 2


@pytest.mark.django_db
def test_replay_all_replays_only_the_admins_own_dead_deliveries(
    client, settings, practice_admin, world, referral_a
):
    settings.LINKWORK_WEBHOOK_ALLOW_LOOPBACK = True
    mine, _ = actions.create_endpoint(
        by=None, organisation=world.practice, name="GP", url=ADDRESS, events=EventType.values
    )
    theirs, _ = actions.create_endpoint(
        by=None, organisation=world.provider_org, name="Club", url=ADDRESS,
        events=EventType.values,
    )  # fmt: skip
    event = WebhookEvent.objects.create(
        type=EventType.REFERRAL_STATUS_CHANGED, resource_type="Task",
        resource_id=str(referral_a.pk), organisation=world.practice,
    )  # fmt: skip
    for endpoint in (mine, theirs):
        WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, status=DeliveryStatus.DEAD, attempts=8,
            next_attempt_at=None,
        )  # fmt: skip
    signed_in(client, practice_admin)
    assert client.post(reverse("webhooks:replay_all")).status_code == 302
    statuses = dict(WebhookDelivery.objects.values_list("endpoint_id", "status"))
    assert statuses == {mine.pk: DeliveryStatus.PENDING, theirs.pk: DeliveryStatus.DEAD}
    assert AuditEvent.objects.filter(action="webhook.delivery_replayed").count() == 1
