"""Withdrawing a referral end to end: the referrer's page and confirm form, the JSON API and
the FHIR Task API, and what the link worker then sees. A refused withdrawal is audited and
changes nothing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from linkwork.audit.models import AuditEvent
from linkwork.interop.webhooks import actions as webhooks
from linkwork.interop.webhooks.models import EventType, WebhookEvent
from linkwork.notifications.models import Audience, Event, Message
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral, StatusChange
from tests.conftest import World, signed_in
from tests.factories import ReferralFactory
from tests.integration.api.conftest import PROBLEM, REFERRALS, caller_for, field_errors
from tests.integration.interop.conftest import fhir, outcome, valid

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(world: World) -> Referral:
    """An active referral the practice sent into scheme A, with link worker A."""
    return ReferralFactory(
        scheme=world.scheme_a,
        referring_organisation=world.practice,
        link_worker=world.link_worker_a,
        status=Status.ACTIVE,
        referrer_email="rita@example.org",
    )


def withdrawals(referral: Referral) -> list[Message]:
    return list(Message.objects.filter(referral=referral, event=Event.WITHDRAWN))


def refusals(referral: Referral) -> int:
    return AuditEvent.objects.filter(
        action="referral.withdrawal_refused", object_id=str(referral.pk)
    ).count()


# The referrer's pages


def test_referrer_withdraws_from_my_referrals_and_link_worker_sees_it(client, world, sent):
    signed_in(client, world.referrer)
    page = client.get(reverse("notifications:my_referrals")).content.decode()
    address = reverse("referrals:withdraw", args=[sent.pk])
    assert address in page
    assert "Withdraw this referral" in page
    assert client.get(address).status_code == 200

    response = client.post(address, {"reason": "She has moved to Leeds.", "version": "1"})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == Status.WITHDRAWN
    assert sorted(m.audience for m in withdrawals(sent)) == [
        Audience.LINK_WORKER,
        Audience.REFERRER,
    ]
    page = client.get(reverse("notifications:my_referrals")).content.decode()
    assert "She has moved to Leeds." in page
    assert address not in page

    signed_in(client, world.link_worker_a)
    page = client.get(reverse("referrals:detail", args=[sent.pk])).content.decode()
    assert "Withdrawn" in page
    assert "She has moved to Leeds." in page
    assert address not in page
    caseload = client.get(reverse("casework:caseload")).content.decode()
    assert sent.reference not in caseload


def test_withdraw_form_names_the_missing_reason(client, world, sent):
    signed_in(client, world.referrer)
    response = client.post(reverse("referrals:withdraw", args=[sent.pk]), {"reason": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter why you are withdrawing this referral" in page
    assert 'href="#id_reason"' in page
    assert 'id="id_reason"' in page
    sent.refresh_from_db()
    assert sent.status == Status.ACTIVE


def test_withdraw_form_after_another_change_says_whose(client, world, sent):
    signed_in(client, world.referrer)
    response = client.post(
        reverse("referrals:withdraw", args=[sent.pk]), {"reason": "Moved", "version": "0"}
    )
    assert response.status_code == 409
    sent.refresh_from_db()
    assert sent.status == Status.ACTIVE


def test_withdraw_page_of_another_organisations_referral_is_404_and_audited(client, world):
    other = ReferralFactory(scheme=world.scheme_b, status=Status.ACTIVE)
    signed_in(client, world.referrer)
    address = reverse("referrals:withdraw", args=[other.pk])
    assert client.post(address, {"reason": "Not mine"}).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(other.pk)).exists()
    other.refresh_from_db()
    assert other.status == Status.ACTIVE


def test_link_worker_may_not_withdraw(client, world, sent):
    signed_in(client, world.link_worker_a)
    assert client.post(reverse("referrals:withdraw", args=[sent.pk])).status_code == 403


def test_withdrawing_a_closed_referral_is_refused_audited_and_changes_nothing(client, world, sent):
    sent.status, sent.closure_reason = Status.CLOSED, "goals_met"
    sent.save()
    signed_in(client, world.referrer)
    address = reverse("referrals:withdraw", args=[sent.pk])
    assert client.get(address).status_code == 302
    response = client.post(address, {"reason": "Too late"})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == Status.CLOSED
    assert refusals(sent) == 1
    assert not withdrawals(sent)


# The JSON API


def withdraw(client, caller, referral, body, key=None):  # type: ignore[no-untyped-def]
    headers = caller.headers(**({"Idempotency-Key": key} if key else {}))
    return client.post(
        f"{REFERRALS}/{referral.pk}/withdraw",
        data=json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_api_withdraws_once_and_replays(client, world, sent):
    caller = caller_for(world.practice)
    first = withdraw(client, caller, sent, {"reason": "Sent in error"}, key="w-1")
    assert first.status_code == 200, first.content
    answer = first.json()
    assert (answer["status"], answer["withdrawal_reason"]) == ("withdrawn", "Sent in error")
    again = withdraw(client, caller, sent, {"reason": "Sent in error"}, key="w-1")
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert StatusChange.objects.filter(referral=sent, to_status=Status.WITHDRAWN).count() == 1
    assert len(withdrawals(sent)) == 2


def test_api_withdrawal_needs_a_reason(client, world, sent):
    response = withdraw(client, caller_for(world.practice), sent, {"reason": " "})
    assert response.status_code == 422
    assert "reason" in field_errors(response)
    sent.refresh_from_db()
    assert sent.status == Status.ACTIVE


@pytest.mark.parametrize("key", [None, "w-2"])
def test_api_withdrawal_of_an_ended_referral_is_409_audited_and_changes_nothing(
    client, world, sent, key
):
    sent.status, sent.closure_reason = Status.CLOSED, "goals_met"
    sent.save()
    response = withdraw(client, caller_for(world.practice), sent, {"reason": "Late"}, key=key)
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert refusals(sent) == 1
    sent.refresh_from_db()
    assert sent.status == Status.CLOSED


def test_api_withdrawal_by_another_organisation_is_404(client, world, sent):
    from tests.factories import OrganisationFactory

    response = withdraw(client, caller_for(OrganisationFactory()), sent, {"reason": "Mine?"})
    assert response.status_code == 404
    sent.refresh_from_db()
    assert sent.status == Status.ACTIVE


def test_api_withdraw_is_in_the_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/referrals/{id}/withdraw"]["post"]
    assert operation["operationId"] == "withdrawReferral"


# FHIR


def test_fhir_requester_cancels_and_the_round_trip_holds(client, world, sent, settings):
    settings.LINKWORK_WEBHOOK_ALLOW_LOOPBACK = True
    webhooks.create_endpoint(
        by=None,
        organisation=world.practice,
        name="Clinical system",
        url="http://127.0.0.1:9/hooks",
        events=[EventType.REFERRAL_STATUS_CHANGED],
    )
    practice = caller_for(world.practice)
    task = valid(fhir(client, practice, "GET", f"/fhir/Task/{sent.pk}").json())
    assert task["status"] == "in-progress"
    task["status"] = "cancelled"
    outcome(fhir(client, practice, "PUT", f"/fhir/Task/{sent.pk}", task), 422, "required")
    task["statusReason"] = {"text": "The person moved away"}
    answer = valid(fhir(client, practice, "PUT", f"/fhir/Task/{sent.pk}", task).json())
    assert (answer["status"], answer["statusReason"]["text"]) == (
        "cancelled",
        "The person moved away",
    )
    sent.refresh_from_db()
    assert sent.status == Status.WITHDRAWN
    # Sent again, nothing more happens.
    fhir(client, practice, "PUT", f"/fhir/Task/{sent.pk}", task)
    assert StatusChange.objects.filter(referral=sent, to_status=Status.WITHDRAWN).count() == 1
    assert len(withdrawals(sent)) == 2
    assert WebhookEvent.objects.filter(resource_id=str(sent.pk)).count() == 1
    request = valid(fhir(client, practice, "GET", f"/fhir/ServiceRequest/{sent.pk}").json())
    assert request["status"] == "revoked"
    found = valid(fhir(client, practice, "GET", "/fhir/Task?status=cancelled").json())
    assert [entry["resource"]["id"] for entry in found["entry"]] == [str(sent.pk)]

    signed_in(client, world.link_worker_a)
    page = client.get(reverse("referrals:detail", args=[sent.pk])).content.decode()
    assert "The person moved away" in page


def test_fhir_entered_in_error_withdraws_as_sent_in_error(client, world, sent):
    practice = caller_for(world.practice)
    task = fhir(client, practice, "GET", f"/fhir/Task/{sent.pk}").json()
    task["status"] = "entered-in-error"
    answer = valid(fhir(client, practice, "PUT", f"/fhir/Task/{sent.pk}", task).json())
    assert answer["status"] == "cancelled"
    assert answer["statusReason"]["text"] == "Sent in error"
    sent.refresh_from_db()
    assert sent.status == Status.WITHDRAWN


def test_fhir_cancel_of_a_closed_referral_is_409_audited_and_changes_nothing(client, world, sent):
    sent.status, sent.closure_reason = Status.CLOSED, "goals_met"
    sent.save()
    practice = caller_for(world.practice)
    task = fhir(client, practice, "GET", f"/fhir/Task/{sent.pk}").json()
    task["status"], task["statusReason"] = "cancelled", {"text": "Late"}
    outcome(fhir(client, practice, "PUT", f"/fhir/Task/{sent.pk}", task), 409, "business-rule")
    assert refusals(sent) == 1
    sent.refresh_from_db()
    assert sent.status == Status.CLOSED
