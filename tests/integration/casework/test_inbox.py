"""The provider's inbox, one request with only the consented details, the answer and
attendance, and the availability of the provider's services."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.casework import actions
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Attendance, CaseNote, Connection, FollowUp
from linkwork.directory.models import Capacity, ServiceStatus
from linkwork.notifications.models import Audience, Event, Message
from linkwork.people.models import Consent, ConsentKind, ConsentMethod
from tests.conftest import World, signed_in
from tests.factories import (
    ConnectionFactory,
    DirectoryOrganizationFactory,
    PersonFactory,
    ReferralFactory,
    ServiceFactory,
)
from tests.html import plain


def consent_to_share(person, by, given: bool = True) -> None:  # type: ignore[no-untyped-def]
    Consent.objects.create(
        person=person,
        kind=ConsentKind.SHARE_WITH_PROVIDERS,
        given=given,
        method=ConsentMethod.VERBAL,
        recorded_by=by,
    )


@pytest.fixture
def service(world: World):  # type: ignore[no-untyped-def]
    """A service of the provider's own organisation."""
    listing = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    return ServiceFactory(organization=listing, name="Millbrook Walks")


@pytest.fixture
def other_service(world: World):  # type: ignore[no-untyped-def]
    """A service of an organisation the provider does not belong to."""
    return ServiceFactory(name="Elsewhere Allotments")


@pytest.fixture
def person(world: World):  # type: ignore[no-untyped-def]
    person = PersonFactory(
        given_name="Ann",
        family_name="Example",
        phone="07700 900123",
        email="ann@example.org",
        date_of_birth=dt.date(1951, 2, 3),
        safeguarding_concerns="Lives with a person who is violent",
    )
    consent_to_share(person, world.link_worker_a)
    return person


@pytest.fixture
def referral(world: World, person):  # type: ignore[no-untyped-def]
    return ReferralFactory(
        scheme=world.scheme_a,
        person=person,
        link_worker=world.link_worker_a,
        status="active",
        needs=["loneliness", "money_debt"],
        what_matters="Walking my dog again",
    )


@pytest.fixture
def requested(world: World, referral, service):  # type: ignore[no-untyped-def]
    """A request to the provider's service sharing the name and needs only."""
    return actions.create_connection(
        by=world.link_worker_a,
        referral=referral,
        service=service,
        shared_fields=["name", "needs"],
        supported_linking=True,
        message_to_provider="Ann would like to start after Easter.",
    )


def inbox(show: str = "") -> str:
    url = reverse("casework:inbox")
    return f"{url}?show={show}" if show else url


def page(connection: Connection) -> str:
    return reverse("casework:inbox_connection", args=[connection.pk])


# The inbox


@pytest.mark.django_db
def test_inbox_shows_only_own_organisation_requests(client, world: World, requested, other_service):
    theirs = ConnectionFactory(service=other_service, referral__reference="THEIRS01")
    draft = ConnectionFactory(
        service=requested.service, status="draft", referral__reference="DRAFT001"
    )
    signposted = ConnectionFactory(
        service=requested.service, status="signposted", referral__reference="SIGNPO01"
    )
    signed_in(client, world.provider)
    response = client.get(inbox())
    body = response.content.decode()
    assert response.status_code == 200
    assert requested.referral.reference in body
    assert "Millbrook Walks" in body
    assert "The link worker will come to the first session" in body
    for hidden in (theirs, draft, signposted):
        assert hidden.referral.reference not in body
    assert "Ann Example" not in body
    assert AuditEvent.objects.filter(action="inbox.viewed", actor=world.provider).exists()


@pytest.mark.django_db
def test_inbox_lists_overdue_requests_first_marked_overdue(client, world: World, service):
    today = timezone.localdate()
    later = ConnectionFactory(
        service=service,
        referral__reference="LATER001",
        requested_at=timezone.now(),
        respond_by=today + dt.timedelta(days=5),
    )
    late = ConnectionFactory(
        service=service,
        referral__reference="LATE0001",
        requested_at=timezone.now() - dt.timedelta(days=20),
        respond_by=today - dt.timedelta(days=2),
    )
    signed_in(client, world.provider)
    body = client.get(inbox()).content.decode()
    assert body.index(late.referral.reference) < body.index(later.referral.reference)
    assert body.count("Overdue") == 1
    assert "1 referral is past the deadline to answer" in body


@pytest.mark.django_db
def test_inbox_sections_hold_their_statuses(client, world: World, service):
    made = {
        "answer": ConnectionFactory(service=service, referral__reference="ANSWER01"),
        "waiting_list": ConnectionFactory(
            service=service, status="accepted", waiting_list=True, referral__reference="WAITLI01"
        ),
        "accepted": ConnectionFactory(
            service=service, status="accepted", referral__reference="ACCEPT01"
        ),
        "attending": ConnectionFactory(
            service=service, status="in_progress", referral__reference="ATTEND01"
        ),
        "on_hold": ConnectionFactory(
            service=service, status="on_hold", held_from="accepted", referral__reference="ONHOLD01"
        ),
        "closed": ConnectionFactory(
            service=service,
            status="rejected",
            rejection_reason="no_capacity",
            referral__reference="CLOSED01",
        ),
    }
    signed_in(client, world.provider)
    for section, shown in made.items():
        body = client.get(inbox(section)).content.decode()
        assert shown.referral.reference in body, section
        others = [c.referral.reference for s, c in made.items() if s != section]
        assert not [reference for reference in others if reference in body], section
    assert "Waiting list (1)" in body
    assert "Closed (1)" in body


@pytest.mark.django_db
def test_inbox_closed_section_shows_the_latest_50_a_page(client, world: World, service):
    for n in range(52):
        ConnectionFactory(
            service=service,
            status="cancelled",
            updated_at=timezone.now() - dt.timedelta(days=n),
            referral__reference=f"CL{n:06d}",
        )
    signed_in(client, world.provider)
    body = client.get(inbox("closed")).content.decode()
    assert "CL000000" in body
    assert "CL000049" in body
    assert "CL000050" not in body
    assert "Closed (52)" in body
    assert "Page 1 of 2" in body
    older = client.get(inbox("closed") + "&page=2").content.decode()
    assert "CL000050" in older
    assert "CL000051" in older
    assert "CL000049" not in older


@pytest.mark.django_db
def test_inbox_pages_requests_and_counts_every_overdue_one(client, world: World, service):
    today = timezone.localdate()
    for n in range(53):
        ConnectionFactory(
            service=service,
            referral__reference=f"RQ{n:06d}",
            requested_at=timezone.now() - dt.timedelta(days=30 - n % 30),
            respond_by=today - dt.timedelta(days=1) if n < 52 else today + dt.timedelta(days=3),
        )
    signed_in(client, world.provider)
    body = client.get(inbox()).content.decode()
    assert "52 referrals are past the deadline to answer" in body
    assert "Page 1 of 2" in body
    second = client.get(inbox("answer") + "&page=2").content.decode()
    assert "RQ000052" in second  # the one not yet due comes last


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(db) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("section", "status"), [("answer", "requested"), ("attending", "in_progress")]
)
def test_inbox_query_count_does_not_grow_with_rows(client, world: World, service, section, status):
    signed_in(client, world.provider)
    ConnectionFactory.create_batch(3, service=service, status=status)
    with_3 = _queries(client, inbox(section))
    ConnectionFactory.create_batch(27, service=service, status=status)
    with_30 = _queries(client, inbox(section))
    assert with_3 == with_30


# Who may see the provider pages


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["link_worker_a", "scheme_lead_a", "referrer", "admin", "curator", "analyst"]
)
def test_provider_pages_refused_to_other_roles(client, world: World, requested, persona):
    signed_in(client, getattr(world, persona))
    for url in (
        inbox(),
        page(requested),
        reverse("casework:provider_services"),
        reverse("casework:service_availability", args=[requested.service.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(page(requested), {"form": "answer", "decision": "accept"}).status_code == 403
    requested.refresh_from_db()
    assert requested.status == ConnectionStatus.REQUESTED
    assert AuditEvent.objects.filter(action="access.denied").count() >= 5


@pytest.mark.django_db
def test_another_providers_connection_is_404_and_audited(client, world: World, other_service):
    theirs = ConnectionFactory(service=other_service)
    signed_in(client, world.provider)
    assert client.get(page(theirs)).status_code == 404
    denied = AuditEvent.objects.get(action="access.denied")
    assert denied.actor == world.provider
    assert denied.detail["pk"] == str(theirs.pk)
    assert not AuditEvent.objects.filter(action="connection.viewed_by_provider").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "signposted"])
def test_drafts_and_signposted_records_never_reach_the_provider(
    client, world: World, service, status
):
    hidden = ConnectionFactory(service=service, status=status)
    signed_in(client, world.provider)
    assert client.get(page(hidden)).status_code == 404


# One request


@pytest.mark.django_db
def test_connection_page_shows_only_the_consented_details(client, world: World, requested):
    referral = requested.referral
    CaseNote.objects.create(
        referral=referral, text="Private note for the team", written_by=world.link_worker_a
    )
    ConnectionFactory(referral=referral, service=ServiceFactory(name="Debt Advice Centre"))
    signed_in(client, world.provider)
    response = client.get(page(requested))
    body = response.content.decode()
    assert response.status_code == 200
    # Shared: the name and the needs; always: the reference, scheme and link worker.
    for shown in (
        "Ann Example",
        "Loneliness or isolation, Money or debt",
        referral.reference,
        "Scheme A",
        "Lina Worker",
        world.link_worker_a.email,
        "Ann would like to start after Easter.",
        "The link worker will come to the first session",
    ):
        assert shown in body, shown
    # Not shared, or never shared with providers.
    for hidden in (
        "07700 900123",
        "ann@example.org",
        "3 February 1951",
        "BK1 2AB",
        "Walking my dog again",
        "Lives with a person who is violent",
        "Private note for the team",
        "Debt Advice Centre",
    ):
        assert hidden not in body, hidden
    viewed = AuditEvent.objects.get(action="connection.viewed_by_provider")
    assert (viewed.actor, viewed.object_id) == (world.provider, str(requested.pk))
    assert viewed.detail == {"shared": ["name", "needs"]}


@pytest.mark.django_db
def test_connection_page_shows_contact_and_birth_date_when_shared(
    client, world: World, referral, service
):
    connection = actions.create_connection(
        by=world.link_worker_a,
        referral=referral,
        service=service,
        shared_fields=["contact", "date_of_birth"],
    )
    signed_in(client, world.provider)
    body = client.get(page(connection)).content.decode()
    assert "07700 900123" in body
    assert "3 February 1951" in body
    assert "Ann Example" not in body


@pytest.mark.django_db
def test_connection_page_hides_the_person_after_consent_is_withdrawn(
    client, world: World, requested
):
    consent_to_share(requested.referral.person, world.link_worker_a, given=False)
    signed_in(client, world.provider)
    body = client.get(page(requested)).content.decode()
    assert "Ann Example" not in body
    assert "No details of the person have been shared with you" in body
    assert requested.referral.reference in body


@pytest.mark.django_db
def test_provider_accepts_a_request(client, world: World, requested):
    signed_in(client, world.provider)
    response = client.post(page(requested), {"form": "answer", "decision": "accept"})
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == ConnectionStatus.ACCEPTED
    assert not requested.waiting_list
    assert FollowUp.objects.filter(connection=requested).exists()
    body = client.get(page(requested)).content.decode()
    assert f"You accepted referral {requested.referral.reference}" in body
    assert "Record attendance" in body
    assert "Your answer" not in body


@pytest.mark.django_db
def test_provider_accepts_onto_the_waiting_list(client, world: World, requested):
    signed_in(client, world.provider)
    client.post(page(requested), {"form": "answer", "decision": "waiting_list"})
    requested.refresh_from_db()
    assert (requested.status, requested.waiting_list) == (ConnectionStatus.ACCEPTED, True)
    assert requested.referral.reference in client.get(inbox("waiting_list")).content.decode()


@pytest.mark.django_db
def test_declining_needs_a_reason(client, world: World, requested):
    signed_in(client, world.provider)
    response = client.post(page(requested), {"form": "answer", "decision": "decline"})
    assert response.status_code == 400
    assert "Select why you are declining the referral" in response.content.decode()
    requested.refresh_from_db()
    assert requested.status == ConnectionStatus.REQUESTED

    response = client.post(
        page(requested),
        {"form": "answer", "decision": "decline", "reason": "not_eligible", "detail": "Over 18s"},
    )
    assert response.status_code == 302
    requested.refresh_from_db()
    assert (requested.status, requested.rejection_reason, requested.reason_detail) == (
        ConnectionStatus.REJECTED,
        "not_eligible",
        "Over 18s",
    )


@pytest.mark.django_db
def test_an_answer_without_a_decision_names_the_field(client, world: World, requested):
    signed_in(client, world.provider)
    response = client.post(page(requested), {"form": "answer", "decision": "maybe"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Select whether you accept or decline the referral" in body
    assert 'href="#id_decision"' in body


@pytest.mark.django_db
def test_answering_twice_shows_the_lifecycle_error(client, world: World, requested):
    signed_in(client, world.provider)
    client.post(page(requested), {"form": "answer", "decision": "accept"})
    response = client.post(
        page(requested), {"form": "answer", "decision": "decline", "reason": "other"}
    )
    assert response.status_code == 409
    assert "A connection that is accepted cannot become rejected" in response.content.decode()
    requested.refresh_from_db()
    assert requested.status == ConnectionStatus.ACCEPTED


@pytest.mark.django_db
def test_attendance_recorded_and_the_person_is_attending(client, world: World, requested):
    actions.respond_to_connection(by=world.provider, connection=requested, decision="accept")
    signed_in(client, world.provider)
    day = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        page(requested),
        {
            "form": "attendance",
            "session_on[day]": day.day,
            "session_on[month]": day.month,
            "session_on[year]": day.year,
            "attended": "yes",
        },
    )
    assert response.status_code == 302
    requested.refresh_from_db()
    assert requested.status == ConnectionStatus.IN_PROGRESS
    session = Attendance.objects.get(connection=requested)
    assert (session.session_on, session.attended, session.recorded_by) == (
        day,
        True,
        world.provider,
    )
    body = client.get(page(requested)).content.decode()
    assert "Attended" in body
    assert requested.referral.reference in client.get(inbox("attending")).content.decode()


@pytest.mark.django_db
def test_attendance_in_the_future_refused(client, world: World, requested):
    actions.respond_to_connection(by=world.provider, connection=requested, decision="accept")
    signed_in(client, world.provider)
    day = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        page(requested),
        {
            "form": "attendance",
            "session_on[day]": day.day,
            "session_on[month]": day.month,
            "session_on[year]": day.year,
            "attended": "no",
        },
    )
    assert response.status_code == 400
    assert "The date of the session must be today or in the past" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_attendance_before_an_answer_is_refused(client, world: World, requested):
    signed_in(client, world.provider)
    today = timezone.localdate()
    response = client.post(
        page(requested),
        {
            "form": "attendance",
            "session_on[day]": today.day,
            "session_on[month]": today.month,
            "session_on[year]": today.year,
            "attended": "yes",
        },
    )
    assert response.status_code == 400
    assert "Attendance can be recorded once the referral is accepted" in response.content.decode()
    assert not Attendance.objects.exists()


# The provider's services


@pytest.mark.django_db
def test_services_lists_own_services_with_open_counts(
    client, world: World, requested, other_service
):
    ConnectionFactory(service=requested.service, status="draft")
    ConnectionFactory(service=requested.service, status="completed")
    signed_in(client, world.provider)
    response = client.get(reverse("casework:provider_services"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Millbrook Walks" in body
    assert "Elsewhere Allotments" not in body
    # Open: the request; not the draft (never sent) nor the completed one. None on hold.
    assert re.search(
        r"Millbrook Walks</td>\s*<td>Active</td>\s*<td>Accepting people</td>\s*"
        r"<td>1</td>\s*<td>0</td>",
        plain(body),
    )
    assert reverse("casework:service_availability", args=[requested.service.pk]) in body


@pytest.mark.django_db
def test_closing_a_service_puts_its_referrals_on_hold(
    client, world: World, requested, django_capture_on_commit_callbacks
):
    service = requested.service
    url = reverse("casework:service_availability", args=[service.pk])
    signed_in(client, world.provider)
    assert 'value="active" checked' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"status": ServiceStatus.TEMPORARILY_CLOSED, "capacity": Capacity.ACCEPTING}
        )
    assert response.status_code == 302
    service.refresh_from_db()
    requested.refresh_from_db()
    assert service.status == ServiceStatus.TEMPORARILY_CLOSED
    assert (requested.status, requested.held_from) == (ConnectionStatus.ON_HOLD, "requested")
    body = client.get(reverse("casework:provider_services")).content.decode()
    assert "1 referral to it went on hold, and its link worker was told" in body
    assert Message.objects.filter(
        event=Event.SERVICE_PAUSED, audience=Audience.LINK_WORKER
    ).exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"status": ServiceStatus.ACTIVE, "capacity": Capacity.WAITING_LIST})
    body = client.get(reverse("casework:provider_services")).content.decode()
    assert "The link workers of 1 referral on hold were told it reopened" in body
    assert Message.objects.filter(event=Event.SERVICE_REOPENED).exists()


@pytest.mark.django_db
def test_availability_errors_are_named(client, world: World, service):
    signed_in(client, world.provider)
    url = reverse("casework:service_availability", args=[service.pk])
    response = client.post(url, {"status": "defunct"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Select whether the service is running" in body
    assert "Select whether the service is taking people" in body
    service.refresh_from_db()
    assert service.status == ServiceStatus.ACTIVE


@pytest.mark.django_db
def test_availability_of_another_organisations_service_is_404(client, world: World, other_service):
    signed_in(client, world.provider)
    url = reverse("casework:service_availability", args=[other_service.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"status": "temporarily closed", "capacity": "accepting"})
    assert response.status_code == 404
    other_service.refresh_from_db()
    assert other_service.status == ServiceStatus.ACTIVE
    assert AuditEvent.objects.filter(action="access.denied", actor=world.provider).exists()
