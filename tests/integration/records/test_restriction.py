"""Restriction of processing (Article 18): granting the request restricts the organisation's
processing; the person page shows it to that organisation's staff only; no new connection is
made and no message leaves for anyone outside the scheme's staff until it is lifted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from linkwork.casework import actions as casework
from linkwork.notifications import send
from linkwork.notifications.addressing import Recipient
from linkwork.notifications.models import Message
from linkwork.people.models import Restriction
from tests.conftest import World, signed_in
from tests.factories import ReferralFactory, ServiceFactory
from tests.integration.records.conftest import make_request


def _grant(client, world: World, person) -> str:  # type: ignore[no-untyped-def]
    found = make_request(world, person, kind="restriction")
    signed_in(client, world.admin)
    url = reverse("records:request", args=[found.pk])
    response = client.post(
        url,
        {"form": "decide", "decide-decision": "granted", "decide-legal_reason": "art18_1_a"},
    )
    assert response.status_code == 302
    return url


def _message(referral_id, audience: str) -> Message:  # type: ignore[no-untyped-def]
    to = Recipient(audience=audience, channel="email", name="Someone", address="a@example.org")
    return send(to=to, event="first_contact", subject="Hello", body="Hi", referral_id=referral_id)


@pytest.mark.django_db(transaction=False)
def test_granted_restriction_shows_a_banner_and_blocks_connections_and_messages(
    client, world: World, person_a, referral_a, django_capture_on_commit_callbacks
):
    url = _grant(client, world, person_a)
    restriction = Restriction.objects.get()
    assert restriction.organisation == world.scheme_a.host
    assert AuditEvent.objects.filter(action="restriction.placed").count() == 1

    signed_in(client, world.link_worker_a)
    page = client.get(reverse("people:detail", args=[person_a.pk])).content.decode()
    assert 'id="restriction"' in page
    assert "Processing restricted" in page

    with pytest.raises(casework.CaseworkError, match="restricted"):
        casework.create_connection(
            by=world.link_worker_a, referral=referral_a, service=ServiceFactory()
        )
    with django_capture_on_commit_callbacks() as queued:
        held = _message(referral_a.pk, "person")
        staff = _message(referral_a.pk, "link_worker")
    assert (held.status, held.last_error) == (
        "cancelled",
        "Not sent: processing of the person's record is restricted",
    )
    # A notice to the scheme's own staff (such as a safety flag) still goes.
    assert staff.status == "queued"
    assert len(queued) == 1

    # Lifting needs a reason and the person told; then connections are made again.
    signed_in(client, world.admin)
    response = client.post(url, {"form": "lift", "lift-because": ""})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_lift-because"' in body
    assert 'href="#id_lift-told"' in body
    response = client.post(
        url, {"form": "lift", "lift-because": "Accuracy checked", "lift-told": "on"}
    )
    assert response.status_code == 302
    assert not Restriction.objects.active().exists()
    assert AuditEvent.objects.filter(action="restriction.lifted").count() == 1
    casework.create_connection(
        by=world.link_worker_a, referral=referral_a, service=ServiceFactory()
    )
    assert _message(referral_a.pk, "person").status == "queued"


@pytest.mark.django_db
def test_restriction_belongs_to_its_organisation(client, world: World, person_a):
    """Scheme A's restriction is not shown to scheme B's staff and does not stop scheme B."""
    theirs = ReferralFactory(person=person_a, scheme=world.scheme_b, status="active")
    _grant(client, world, person_a)
    signed_in(client, world.link_worker_b)
    page = client.get(reverse("people:detail", args=[person_a.pk])).content.decode()
    assert "Processing restricted" not in page
    assert _message(theirs.pk, "person").status == "queued"
    casework.create_connection(by=world.link_worker_b, referral=theirs, service=ServiceFactory())


@pytest.mark.django_db
def test_refused_restriction_restricts_nothing(client, world: World, person_a):
    found = make_request(world, person_a, kind="restriction")
    signed_in(client, world.admin)
    client.post(
        reverse("records:request", args=[found.pk]),
        {"form": "decide", "decide-decision": "refused", "decide-legal_reason": "art12_5"},
    )
    assert not Restriction.objects.exists()
