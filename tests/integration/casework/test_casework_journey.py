"""The whole episode through the pages, as the people involved use them: triage, first
contact, the plan, two connections (a referral and a signpost), the provider's answer and
attendance, a service closing, discharge and the message back to the referrer."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection, Goal, PlanAction, SupportPlan
from linkwork.directory.models import ReferralRoute
from linkwork.notifications.models import Audience, Event, Message
from linkwork.people.actions import record_consents
from linkwork.people.models import ConsentKind, ConsentMethod
from linkwork.referrals.lifecycle import Status
from tests.conftest import World, signed_in
from tests.factories import (
    DirectoryOrganizationFactory,
    PersonFactory,
    ReferralFactory,
    ServiceFactory,
)


def _day(prefix: str) -> dict[str, int]:
    today = timezone.localdate()
    return {
        f"{prefix}[day]": today.day,
        f"{prefix}[month]": today.month,
        f"{prefix}[year]": today.year,
    }


@pytest.mark.django_db
def test_casework_journey_from_acceptance_to_message_back(
    client, world: World, django_capture_on_commit_callbacks
):
    run = django_capture_on_commit_callbacks
    person = PersonFactory(given_name="Ann", family_name="Example")
    record_consents(
        by=None,
        person=person,
        consents={ConsentKind.SHARE_WITH_PROVIDERS: True, ConsentKind.MESSAGE_BACK: True},
        method=ConsentMethod.VERBAL,
    )
    referral = ReferralFactory(
        scheme=world.scheme_a,
        referring_organisation=world.practice,
        referrer_name="Dr Rita Referrer",
        referrer_email="rita@example.nhs.uk",
        person=person,
    )
    walks = ServiceFactory(
        name="Millbrook Walks",
        organization=DirectoryOrganizationFactory(account_organisation=world.provider_org),
    )
    cafe = ServiceFactory(name="Library Café", referral_route=ReferralRoute.SIGNPOST)

    # The scheme lead accepts the referral and assigns it.
    signed_in(client, world.scheme_lead_a)
    with run(execute=True):
        client.post(
            reverse("referrals:triage_decide", args=[referral.pk]),
            {"decision": "accept", "link_worker": world.link_worker_a.pk},
        )
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED

    # The link worker logs the first contact: support starts.
    signed_in(client, world.link_worker_a)
    with run(execute=True):
        response = client.post(
            reverse("casework:contacts", args=[referral.pk]),
            {
                **_day("date"),
                "time": "00:01",
                "mode": "in_person",
                "duration_minutes": "45",
                "outcome": "attended",
                "note": "Met at the surgery.",
            },
        )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACTIVE

    # A plan is agreed: what matters, a goal with progress and an action.
    plan_url = reverse("casework:plan", args=[referral.pk])
    assert (
        client.post(
            plan_url,
            {
                "form": "plan",
                "plan-what_matters": "Getting out and meeting people again.",
                "plan-strengths": "Loves walking.",
                "plan-needs_and_concerns": "Lonely since moving.",
                "plan-agreed": "on",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            plan_url,
            {
                "form": "goal",
                "goal-description": "Walk with others every week",
                "goal-importance": "9",
                "goal-progress": "2",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            plan_url,
            {"form": "action", "action-what": "Book a first walk", "action-who": "link_worker"},
        ).status_code
        == 302
    )
    plan = SupportPlan.objects.get(referral=referral)
    assert plan.agreed_on == timezone.localdate()
    assert Goal.objects.get(plan=plan).ratings.get().score == 2
    assert PlanAction.objects.filter(plan=plan).count() == 1

    # Two connections: a referral to the walks (sharing name and contact) and a signpost.
    with run(execute=True):
        client.post(
            reverse("casework:connect", args=[referral.pk, walks.pk]),
            {"shared_fields": ["name", "contact"], "supported_linking": "on", "send": "send"},
        )
        client.post(reverse("casework:connect", args=[referral.pk, cafe.pk]), {"send": "send"})
    assert (
        "Library Café"
        in client.get(reverse("casework:connections", args=[referral.pk])).content.decode()
    )
    request = Connection.objects.get(service=walks)
    assert request.status == ConnectionStatus.REQUESTED
    assert Connection.objects.get(service=cafe).status == ConnectionStatus.SIGNPOSTED
    assert Message.objects.filter(event=Event.CONNECTION_REQUESTED, audience=Audience.PROVIDER)

    # The provider accepts in its inbox and records attendance.
    signed_in(client, world.provider)
    inbox = client.get(reverse("casework:inbox")).content.decode()
    assert referral.reference in inbox
    assert "Library Café" not in inbox  # signposting never reaches a provider
    provider_url = reverse("casework:inbox_connection", args=[request.pk])
    page = client.get(provider_url).content.decode()
    assert "Ann" in page  # the name was shared
    with run(execute=True):
        assert (
            client.post(provider_url, {"form": "answer", "decision": "accept"}).status_code == 302
        )
    assert (
        client.post(
            provider_url,
            {"form": "attendance", **_day("session_on"), "attended": "yes"},
        ).status_code
        == 302
    )
    request.refresh_from_db()
    assert request.status == ConnectionStatus.IN_PROGRESS

    # The service closes for a while: the connection goes on hold.
    with run(execute=True):
        client.post(
            reverse("casework:service_availability", args=[walks.pk]),
            {"status": "temporarily closed", "capacity": "accepting"},
        )
    request.refresh_from_db()
    assert (request.status, request.held_from) == (ConnectionStatus.ON_HOLD, "in_progress")
    assert Message.objects.filter(event=Event.SERVICE_PAUSED, audience=Audience.LINK_WORKER)

    # The person is discharged and the referrer gets the closure message.
    signed_in(client, world.link_worker_a)
    with run(execute=True):
        response = client.post(
            reverse("casework:discharge", args=[referral.pk]),
            {"reason": "goals_met", "note": "Walking every week now."},
        )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.closure_reason) == (Status.CLOSED, "goals_met")
    closing = Message.objects.get(referral=referral, event=Event.CLOSED, audience=Audience.REFERRER)
    assert closing.recipient_address == "rita@example.nhs.uk"
    assert "Millbrook Walks: attended" in closing.body
    assert "Library Café: attendance not known" in closing.body
    assert "Walk with others every week" in closing.body
