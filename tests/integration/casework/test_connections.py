"""Connections from the link worker's side: connecting, signposting, sharing only what was
consented, acting on a connection, service disruption, follow-ups and discharge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.casework import actions
from linkwork.casework.lifecycle import ConnectionStatus, Decision
from linkwork.casework.models import Connection, ConnectionStatusChange, FollowUp
from linkwork.directory.models import Capacity, ReferralRoute, ServiceStatus
from linkwork.notifications.models import Audience, Event, Message
from linkwork.outcomes.licensing import set_licence
from linkwork.outcomes.scoring import INSTRUMENTS
from linkwork.people.actions import record_consents
from linkwork.people.models import ConsentKind, ConsentMethod
from linkwork.referrals.lifecycle import Status
from tests.conftest import World, signed_in
from tests.factories import (
    ConnectionFactory,
    DirectoryOrganizationFactory,
    FollowUpFactory,
    ServiceFactory,
    categorise,
)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run the callbacks queued to run after commit, as a real request would."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def provider_service(world: World):  # type: ignore[no-untyped-def]
    organisation = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    return ServiceFactory(organization=organisation, name="Millbrook Walks")


def consent_to_share(referral, given: bool = True) -> None:  # type: ignore[no-untyped-def]
    record_consents(
        by=None,
        person=referral.person,
        consents={ConsentKind.SHARE_WITH_PROVIDERS: given},
        method=ConsentMethod.VERBAL,
    )


@pytest.mark.django_db
def test_connect_sends_request_with_consented_fields_and_deadline(
    client, world: World, referral_a, provider_service, committed
):
    consent_to_share(referral_a)
    signed_in(client, world.link_worker_a)
    url = reverse("casework:connect", args=[referral_a.pk, provider_service.pk])
    page = client.get(url).content.decode()
    assert "What the service may see" in page
    with committed(execute=True):
        response = client.post(
            url,
            {
                "shared_fields": ["name", "contact"],
                "supported_linking": "on",
                "message_to_provider": "Prefers mornings.",
                "send": "send",
            },
        )
    assert response.status_code == 302
    connection = Connection.objects.get()
    assert connection.status == ConnectionStatus.REQUESTED
    assert connection.shared_fields == ["name", "contact"]
    assert connection.supported_linking
    assert connection.respond_by is not None
    assert connection.respond_by > timezone.localdate()
    assert connection.remind_on is not None
    assert connection.remind_on < connection.respond_by
    assert [c.to_status for c in ConnectionStatusChange.objects.order_by("id")] == [
        "draft",
        "requested",
    ]
    notices = Message.objects.filter(event=Event.CONNECTION_REQUESTED)
    # To the service's own address and to the provider organisation's user.
    assert {n.recipient_address for n in notices} == {
        provider_service.email,
        world.provider.email,
    }
    for notice in notices:
        assert notice.audience == Audience.PROVIDER
        assert referral_a.reference in notice.body
        assert referral_a.person.family_name not in notice.body + notice.subject


@pytest.mark.django_db
def test_connect_without_consent_shares_nothing(client, world: World, referral_a, provider_service):
    consent_to_share(referral_a, given=False)
    signed_in(client, world.link_worker_a)
    url = reverse("casework:connect", args=[referral_a.pk, provider_service.pk])
    assert "has not consented" in client.get(url).content.decode()
    # A crafted request cannot share anyway: the choice is not offered, so it is an error.
    response = client.post(url, {"shared_fields": ["name"], "send": "send"})
    assert response.status_code == 400
    assert "shared_fields" in response.content.decode() or "valid choice" in (
        response.content.decode()
    )
    assert not Connection.objects.exists()
    response = client.post(url, {"send": "send"})
    assert response.status_code == 302
    assert Connection.objects.get().shared_fields == []


@pytest.mark.django_db
def test_signpost_only_service_records_signposting(client, world: World, referral_a):
    service = ServiceFactory(referral_route=ReferralRoute.SIGNPOST, name="Drop-in café")
    signed_in(client, world.link_worker_a)
    url = reverse("casework:connect", args=[referral_a.pk, service.pk])
    assert "does not take referrals" in client.get(url).content.decode()
    client.post(url, {"shared_fields": [], "send": "send"})
    connection = Connection.objects.get()
    assert connection.status == ConnectionStatus.SIGNPOSTED
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_full_service_can_only_be_drafted(client, world: World, referral_a, provider_service):
    provider_service.capacity = Capacity.FULL
    provider_service.save()
    signed_in(client, world.link_worker_a)
    url = reverse("casework:connect", args=[referral_a.pk, provider_service.pk])
    page = client.get(url).content.decode()
    assert "Not taking people just now" in page
    response = client.post(url, {"send": "send"})
    assert response.status_code == 400
    assert "is full" in response.content.decode()
    client.post(url, {"send": "draft"})
    assert Connection.objects.get().status == ConnectionStatus.DRAFT


@pytest.mark.django_db
def test_second_open_connection_to_same_service_refused(
    client, world: World, referral_a, provider_service
):
    signed_in(client, world.link_worker_a)
    url = reverse("casework:connect", args=[referral_a.pk, provider_service.pk])
    client.post(url, {"send": "send"})
    response = client.post(url, {"send": "send"})
    assert response.status_code == 400
    assert "already an open connection" in response.content.decode()
    assert Connection.objects.count() == 1


@pytest.mark.django_db
def test_accepting_schedules_follow_up_shown_on_connections_page(
    client, world: World, referral_a, provider_service
):
    connection = actions.create_connection(
        by=world.link_worker_a, referral=referral_a, service=provider_service
    )
    actions.respond_to_connection(
        by=world.provider, connection=connection, decision=Decision.ACCEPT
    )
    follow_up = FollowUp.objects.get(connection=connection)
    assert follow_up.due_on == timezone.localdate() + dt.timedelta(days=14)
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("casework:connections", args=[referral_a.pk])).content.decode()
    assert "Check how the person is getting on with Millbrook Walks" in page
    client.post(reverse("casework:follow_up", args=[referral_a.pk, follow_up.pk]))
    follow_up.refresh_from_db()
    assert follow_up.done_by == world.link_worker_a


@pytest.mark.django_db
def test_link_worker_records_attendance_and_ends_connection(
    client, world: World, referral_a, provider_service
):
    connection = ConnectionFactory(
        referral=referral_a, service=provider_service, status=ConnectionStatus.ACCEPTED
    )
    signed_in(client, world.link_worker_a)
    url = reverse("casework:connection", args=[referral_a.pk, connection.pk])
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "step": "attendance",
            "attendance-session_on[day]": today.day,
            "attendance-session_on[month]": today.month,
            "attendance-session_on[year]": today.year,
            "attendance-attended": "yes",
        },
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.IN_PROGRESS
    response = client.post(url, {"step": "end", "end-outcome": "failed"})
    assert response.status_code == 400
    assert "Select why the connection did not work out" in response.content.decode()
    client.post(
        url, {"step": "end", "end-outcome": "failed", "end-failure_reason": "stopped_attending"}
    )
    connection.refresh_from_db()
    assert (connection.status, connection.failure_reason) == ("failed", "stopped_attending")


@pytest.mark.django_db
def test_invalid_step_is_a_conflict_not_a_crash(client, world: World, referral_a, provider_service):
    connection = ConnectionFactory(
        referral=referral_a, service=provider_service, status=ConnectionStatus.COMPLETED
    )
    signed_in(client, world.link_worker_a)
    url = reverse("casework:connection", args=[referral_a.pk, connection.pk])
    response = client.post(url, {"step": "resume"})
    assert response.status_code == 409
    assert "cannot become" in response.content.decode()
    response = client.post(url, {"step": "nonsense"})
    assert response.status_code == 409


@pytest.mark.django_db
def test_service_closing_puts_connections_on_hold_and_suggests_alternatives(
    client, world: World, referral_a, provider_service, committed
):
    alternative = ServiceFactory(name="Friendship Café")
    for service in (provider_service, alternative):
        categorise(service, "social")
    connection = actions.create_connection(
        by=world.link_worker_a, referral=referral_a, service=provider_service
    )
    mail.outbox.clear()
    with committed(execute=True):
        affected = actions.set_service_availability(
            by=world.provider,
            service=provider_service,
            status=ServiceStatus.TEMPORARILY_CLOSED,
            capacity=Capacity.ACCEPTING,
        )
    assert [c.pk for c in affected] == [connection.pk]
    connection.refresh_from_db()
    assert (connection.status, connection.held_from) == ("on_hold", "requested")
    assert Message.objects.filter(event=Event.SERVICE_PAUSED, audience=Audience.LINK_WORKER)
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("casework:connections", args=[referral_a.pk])).content.decode()
    assert "Paused: the service is temporarily closed" in page
    assert "Request a place at Friendship Café" in page
    # Reopening offers to resume; resuming gives a fresh deadline.
    with committed(execute=True):
        actions.set_service_availability(
            by=world.provider,
            service=provider_service,
            status=ServiceStatus.ACTIVE,
            capacity=Capacity.ACCEPTING,
        )
    assert Message.objects.filter(event=Event.SERVICE_REOPENED).exists()
    url = reverse("casework:connection", args=[referral_a.pk, connection.pk])
    assert "Resume connection" in client.get(url).content.decode()
    client.post(url, {"step": "resume"})
    connection.refresh_from_db()
    assert (connection.status, connection.held_from) == ("requested", "")


@pytest.mark.django_db
def test_discharge_asks_reason_lists_measures_and_sends_message_back(
    client, world: World, referral_a, committed
):
    referral_a.referrer_email = "rita@example.nhs.uk"
    referral_a.referrer_name = "Dr Rita Referrer"
    referral_a.save()
    FollowUpFactory(referral=referral_a)
    signed_in(client, world.link_worker_a)
    url = reverse("casework:discharge", args=[referral_a.pk])
    page = client.get(url).content.decode()
    assert "Short Warwick-Edinburgh Mental Wellbeing Scale" in page or "SWEMWBS" in page
    assert "Not recorded" in page
    assert "Dr Rita Referrer" in page
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Select why support is ending" in response.content.decode()
    with committed(execute=True):
        response = client.post(url, {"reason": "goals_met", "note": "Doing well."})
    assert response.status_code == 302
    referral_a.refresh_from_db()
    assert (referral_a.status, referral_a.closure_reason) == (Status.CLOSED, "goals_met")
    assert not FollowUp.objects.filter(done_at__isnull=True).exists()
    assert Message.objects.filter(referral=referral_a, event="closed", audience="referrer")
    assert AuditEvent.objects.filter(action="referral.closed", object_id=str(referral_a.pk))


@pytest.mark.django_db
def test_discharge_lists_no_measure_the_scheme_has_switched_off(client, world: World, referral_a):
    set_licence(
        by=world.admin, scheme=world.scheme_a, instrument=INSTRUMENTS["swemwbs"], enabled=False
    )
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("casework:discharge", args=[referral_a.pk])).content.decode()
    assert "Short Warwick-Edinburgh Mental Wellbeing Scale" not in page
    assert "SWEMWBS" not in page


@pytest.mark.django_db
def test_discharge_refused_before_support_starts(client, world: World, referral_a):
    referral_a.status = Status.ACCEPTED
    referral_a.save()
    signed_in(client, world.link_worker_a)
    response = client.get(reverse("casework:discharge", args=[referral_a.pk]))
    assert response.status_code == 302
    referral_a.refresh_from_db()
    assert referral_a.status == Status.ACCEPTED


@pytest.mark.django_db
def test_directory_search_for_a_referral_offers_connect(
    client, world: World, referral_a, provider_service
):
    signed_in(client, world.link_worker_a)
    page = client.get(
        reverse("directory:search"), {"for": referral_a.pk, "q": "Millbrook"}
    ).content.decode()
    assert reverse("casework:connect", args=[referral_a.pk, provider_service.pk]) in page
    signed_in(client, world.link_worker_b)
    response = client.get(reverse("directory:search"), {"for": referral_a.pk, "q": "Millbrook"})
    assert response.status_code == 404


@pytest.mark.django_db
def test_directory_search_for_a_referral_says_request_or_signpost(
    client, world: World, referral_a, provider_service
):
    ServiceFactory(name="Millbrook Library Café", referral_route=ReferralRoute.SIGNPOST)
    signed_in(client, world.link_worker_a)
    page = " ".join(
        client.get(reverse("directory:search"), {"for": referral_a.pk, "q": "Millbrook"})
        .content.decode()
        .split()
    )
    hidden = '<span class="nhsuk-u-visually-hidden">'
    given = referral_a.person.given_name
    assert f"Request a place{hidden} for {given} at {provider_service.name}" in page
    assert "Sends the service a request for a place; they accept or decline it." in page
    assert f"Record signposting{hidden} for {given} to Millbrook Library Café" in page
    assert "This service takes no referrals: the person contacts it themselves" in page
    assert ">Connect " not in page
