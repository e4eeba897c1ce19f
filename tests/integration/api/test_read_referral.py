"""GET /api/v1/referrals/{id}: the referring organisation follows its referral; no other
organisation can learn it exists. Every read, allowed or not, is audited."""

from __future__ import annotations

import json
import uuid

import pytest
from django.apps import apps
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.referrals import actions
from linkwork.referrals.lifecycle import ClosureReason
from linkwork.referrals.models import Referral
from tests.factories import ReferralFactory
from tests.integration.api.conftest import PROBLEM, REFERRALS, caller_for, get, post, request_into

pytestmark = pytest.mark.django_db

NOTIFICATIONS = apps.is_installed("linkwork.notifications")


@pytest.fixture
def sent(client, world):  # type: ignore[no-untyped-def]
    """A referral the personas' GP practice sent into scheme A through the API."""
    caller = caller_for(world.practice)
    response = post(client, caller, request_into(world.scheme_a))
    assert response.status_code == 201
    return caller, Referral.objects.get(pk=response.json()["id"])


def test_get_referral_by_referring_organisation(client, sent):
    caller, referral = sent

    response = get(client, caller, f"{REFERRALS}/{referral.pk}")

    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {
        "id",
        "reference",
        "status",
        "received_at",
        "scheme",
        "route",
        "needs",
        "urgency",
        "decline_reason",
        "redirected_to",
        "closure_reason",
        "withdrawal_reason",
        "status_history",
        "messages",
        "links",
    }
    assert answer["id"] == str(referral.pk)
    assert answer["reference"] == referral.reference
    assert answer["status"] == "received"
    assert answer["scheme"] == referral.scheme.slug
    assert answer["needs"] == ["loneliness", "money_debt"]
    assert [entry["status"] for entry in answer["status_history"]] == ["received"]
    assert answer["links"]["self"] == f"/api/v1/referrals/{referral.pk}"
    # The person's details are not repeated back.
    assert b"Okafor" not in response.content
    assert b"9434765919" not in response.content


def test_get_referral_is_audited(client, sent):
    caller, referral = sent

    get(client, caller, f"{REFERRALS}/{referral.pk}")

    event = AuditEvent.objects.get(action="referral.viewed")
    assert event.object_id == str(referral.pk)
    assert event.scheme_id == referral.scheme_id
    assert event.path == f"{REFERRALS}/{referral.pk}"
    assert event.detail == {"api_token": caller.token.pk, "organisation": caller.organisation.pk}


def test_get_referral_history_has_no_staff_names(client, world, sent):
    caller, referral = sent
    actions.accept_referral(
        by=world.scheme_lead_a, referral=referral, link_worker=world.link_worker_a
    )
    actions.start_support(by=world.link_worker_a, referral=referral)
    actions.close_referral(
        by=world.link_worker_a, referral=referral, reason=ClosureReason.GOALS_MET
    )

    response = get(client, caller, f"{REFERRALS}/{referral.pk}")

    answer = response.json()
    assert answer["status"] == "closed"
    assert answer["closure_reason"] == "goals_met"
    assert [entry["status"] for entry in answer["status_history"]] == [
        "received",
        "accepted",
        "active",
        "closed",
    ]
    assert all(set(entry) == {"status", "changed_at"} for entry in answer["status_history"])
    # The history names no one. (The messages back, also in the answer, are those the
    # referrer was sent, which name their link worker to contact.)
    history = json.dumps(answer["status_history"])
    for name in ("Lina Worker", "Lee Lead", world.link_worker_a.email):
        assert name not in history


def test_get_referral_of_another_organisation_answers_404_and_is_audited(
    client, world, sent, housing
):
    _, referral = sent

    response = get(client, housing, f"{REFERRALS}/{referral.pk}")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert referral.reference.encode() not in response.content
    denied = AuditEvent.objects.get(action="access.denied")
    assert denied.detail["pk"] == str(referral.pk)
    assert denied.detail["api_token"] == housing.token.pk
    assert not AuditEvent.objects.filter(action="referral.viewed").exists()


def test_get_unknown_referral_answers_same_404(client, world, sent, housing):
    caller, referral = sent

    theirs = get(client, housing, f"{REFERRALS}/{referral.pk}")
    missing = get(client, caller, f"{REFERRALS}/{uuid.uuid4()}")

    assert missing.status_code == theirs.status_code == 404
    assert missing.json()["detail"] == theirs.json()["detail"]
    assert AuditEvent.objects.filter(action="access.denied").count() == 2


def test_get_referral_made_on_the_staff_form_by_same_organisation(client, world):
    caller = caller_for(world.practice)
    referral = ReferralFactory(scheme=world.scheme_a, referring_organisation=world.practice)

    assert get(client, caller, f"{REFERRALS}/{referral.pk}").status_code == 200


def test_get_referral_into_own_scheme_from_elsewhere_answers_404(client, world):
    """The scheme's host organisation is not the referrer: its token does not see it."""
    caller = caller_for(world.scheme_a.host)
    referral = ReferralFactory(scheme=world.scheme_a, referring_organisation=world.practice)

    assert get(client, caller, f"{REFERRALS}/{referral.pk}").status_code == 404


@pytest.mark.skipif(NOTIFICATIONS, reason="linkwork.notifications is installed")
def test_get_referral_messages_empty_without_notifications(client, sent):
    caller, referral = sent

    assert get(client, caller, f"{REFERRALS}/{referral.pk}").json()["messages"] == []


@pytest.mark.skipif(not NOTIFICATIONS, reason="linkwork.notifications is not installed")
def test_get_referral_lists_messages_back_to_the_referrer(client, sent):
    caller, referral = sent
    message = apps.get_model("notifications", "Message")
    common = {"referral": referral, "channel": "email", "recipient_address": "x@example.org"}
    message.objects.create(
        audience="referrer",
        event="accepted",
        status="sent",
        sent_at=timezone.now(),
        subject="Referral accepted",
        body="We have accepted your referral.",
        **common,
    )
    message.objects.create(
        audience="person",
        event="accepted",
        subject="Welcome",
        body="For the person only.",
        **common,
    )

    messages = get(client, caller, f"{REFERRALS}/{referral.pk}").json()["messages"]

    subjects = [m["subject"] for m in messages]
    assert "Referral accepted" in subjects
    assert "Welcome" not in subjects
    accepted = messages[subjects.index("Referral accepted")]
    assert accepted == {
        "event": "accepted",
        "channel": "email",
        "status": "sent",
        "sent_at": accepted["sent_at"],
        "subject": "Referral accepted",
        "body": "We have accepted your referral.",
    }
    assert accepted["sent_at"] is not None
