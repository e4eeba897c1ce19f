"""Casework notices: what each connection event says, word for word, and to whom."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from linkwork.casework.notices import NOTICES, send_notice
from linkwork.directory.models import ServiceStatus
from linkwork.notifications.models import Audience, DeliveryChannel, Event, MessageStatus
from tests.factories import ConnectionFactory, DirectoryOrganizationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

# (event, audiences in order, subject, body); {ref} is the referral reference, {inbox} and
# {connections} the links to the provider's inbox page and the referral's connections page.
EXPECTED = [
    (
        Event.CONNECTION_REQUESTED,
        ["provider", "provider"],
        "New referral to Millbrook Walks: {ref}",
        "Scheme A has asked Millbrook Walks to take a referral (reference {ref}).\n\n"
        "Please accept it, decline it or put the person on your waiting list by "
        "Friday 06 March 2026:\n{inbox}\n",
    ),
    (
        Event.CONNECTION_REMINDER,
        ["provider", "provider"],
        "Reminder: referral {ref} to Millbrook Walks needs an answer",
        "Referral {ref} from Scheme A to Millbrook Walks is still waiting for an answer. "
        "Please reply by Friday 06 March 2026:\n{inbox}\n",
    ),
    (
        Event.CONNECTION_OVERDUE,
        ["link_worker", "scheme_lead"],
        "No answer from Millbrook Walks for referral {ref}",
        "Millbrook Walks has not answered the request for referral {ref} by its deadline, "
        "Friday 06 March 2026. You may want to call them, or choose another service:\n"
        "{connections}\n",
    ),
    (
        Event.CONNECTION_ANSWERED,
        ["link_worker"],
        "Millbrook Walks answered referral {ref}",
        "Millbrook Walks has marked referral {ref} as accepted (waiting list).\n{connections}\n",
    ),
    (
        Event.SERVICE_PAUSED,
        ["link_worker"],
        "Millbrook Walks is paused: referral {ref} is on hold",
        "Millbrook Walks is inactive, so the connection for referral {ref} is on hold. "
        "Linkwork suggests other services on the connections page:\n{connections}\n",
    ),
    (
        Event.SERVICE_REOPENED,
        ["link_worker"],
        "Millbrook Walks has reopened: resume referral {ref}?",
        "Millbrook Walks is taking people again. The connection for referral {ref} is still "
        "on hold; you can resume it here:\n{connections}\n",
    ),
]


def test_every_connection_event_has_a_notice():
    assert set(NOTICES) == {event for event, *_ in EXPECTED}


@pytest.mark.parametrize(("event", "audiences", "subject", "body"), EXPECTED)
def test_notice_says_the_same_words_to_each_reader(
    world, referral_a, event, audiences, subject, body
):
    service = ServiceFactory(
        name="Millbrook Walks",
        status=ServiceStatus.INACTIVE,
        organization=DirectoryOrganizationFactory(account_organisation=world.provider_org),
    )
    connection = ConnectionFactory(
        referral=referral_a,
        service=service,
        status="accepted",
        waiting_list=True,
        respond_by=dt.date(2026, 3, 6),
    )
    base = settings.LINKWORK_BASE_URL.rstrip("/")
    words = {
        "ref": referral_a.reference,
        "inbox": f"{base}/casework/inbox/{connection.pk}/",
        "connections": f"{base}/casework/referrals/{referral_a.pk}/connections/",
    }
    sent = send_notice(connection, event)
    assert [m.audience for m in sent] == audiences
    for message in sent:
        assert message.subject == subject.format(**words)
        assert message.body == body.format(**words)
        assert (message.event, message.channel) == (event, DeliveryChannel.EMAIL)
        assert message.status == MessageStatus.QUEUED
        assert message.referral_id == referral_a.pk


def test_notice_goes_once_to_each_address(world, referral_a):
    """The service's own address and a provider user with the same address get one copy."""
    world.provider.email = "WALKS@example.org"
    world.provider.save()
    service = ServiceFactory(
        email="walks@example.org",
        organization=DirectoryOrganizationFactory(account_organisation=world.provider_org),
    )
    connection = ConnectionFactory(referral=referral_a, service=service, respond_by=dt.date.max)
    sent = send_notice(connection, Event.CONNECTION_REQUESTED)
    assert [(m.audience, m.recipient_address) for m in sent] == [
        (Audience.PROVIDER, "walks@example.org")
    ]
