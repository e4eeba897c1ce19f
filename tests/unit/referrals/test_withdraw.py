"""Withdrawing a referral: the lifecycle allows it from every status that has not ended; the
action writes the change, its history, audit, messages and webhook rows once, in one
transaction, cancels connections nobody started, and refuses (audited, changing nothing) a
caller of another organisation or a referral that has ended."""

from __future__ import annotations

import pytest

from linkwork.audit.models import AuditEvent
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection, FollowUp
from linkwork.interop.webhooks import actions as webhooks
from linkwork.interop.webhooks.models import EventType, WebhookEvent
from linkwork.notifications.models import Audience, Event, Message
from linkwork.referrals import actions
from linkwork.referrals.lifecycle import (
    TRANSITIONS,
    WITHDRAWABLE_STATUSES,
    InvalidTransition,
    Status,
    check_transition,
)
from linkwork.referrals.models import Referral, StatusChange
from tests.conftest import World
from tests.factories import (
    ConnectionFactory,
    FollowUpFactory,
    MembershipFactory,
    OrganisationFactory,
    ReferralFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def sent(world: World, status: str = "active", **fields) -> Referral:  # type: ignore[no-untyped-def]
    defaults = {
        "scheme": world.scheme_a,
        "referring_organisation": world.practice,
        "link_worker": world.link_worker_a,
        "status": status,
        "referrer_email": "rita@example.org",
        "referrer_name": "Dr Rita Referrer",
    }
    return ReferralFactory(**{**defaults, **fields})


# The lifecycle


@pytest.mark.parametrize("status", sorted(WITHDRAWABLE_STATUSES))
def test_withdrawn_is_reachable_from_every_status_not_ended(status):
    check_transition(status, Status.WITHDRAWN)


@pytest.mark.parametrize(
    "status", [Status.DECLINED, Status.REDIRECTED, Status.CLOSED, Status.WITHDRAWN]
)
def test_withdrawn_is_refused_once_a_referral_has_ended(status):
    with pytest.raises(InvalidTransition, match="cannot become withdrawn"):
        check_transition(status, Status.WITHDRAWN)


def test_withdrawn_is_terminal():
    assert TRANSITIONS[Status.WITHDRAWN] == frozenset()
    assert Status.WITHDRAWN.label == "Withdrawn"


# The action


@pytest.mark.parametrize("status", sorted(WITHDRAWABLE_STATUSES))
def test_referrer_withdraws_with_history_and_audit(world, status):
    referral = sent(world, status)
    changed = actions.withdraw_referral(
        who=world.referrer, referral=referral, reason="  The person moved away.  "
    )
    changed.refresh_from_db()
    assert (changed.status, changed.version) == (Status.WITHDRAWN, referral.version + 1)
    change = StatusChange.objects.get(referral=referral)
    assert (change.from_status, change.to_status, change.changed_by, change.reason) == (
        status,
        Status.WITHDRAWN,
        world.referrer,
        "The person moved away.",
    )
    assert changed.withdrawal_reason() == "The person moved away."
    event = AuditEvent.objects.get(action="referral.withdrawn", object_id=str(referral.pk))
    assert event.detail["from"] == status
    assert event.detail["on_behalf_of_referrer"] is False


def test_withdrawal_tells_the_link_worker_and_confirms_to_the_referrer_once(world):
    referral = sent(world)
    actions.withdraw_referral(who=world.referrer, referral=referral, reason="Sent twice")
    messages = Message.objects.filter(referral=referral, event=Event.WITHDRAWN)
    assert sorted((m.audience, m.recipient_address) for m in messages) == [
        (Audience.LINK_WORKER, world.link_worker_a.email),
        (Audience.REFERRER, "rita@example.org"),
    ]
    notice = messages.get(audience=Audience.LINK_WORKER)
    # The notice names the reference, never the person.
    assert referral.reference in notice.subject
    assert referral.person.family_name not in notice.body
    confirmation = messages.get(audience=Audience.REFERRER)
    assert "Sent twice" in confirmation.body


def test_withdrawal_with_nobody_assigned_tells_the_scheme_leads(world):
    referral = sent(world, "received", link_worker=None)
    actions.withdraw_referral(who=world.referrer, referral=referral, reason="Not needed")
    told = Message.objects.filter(referral=referral, audience=Audience.SCHEME_LEAD)
    assert [m.recipient_address for m in told] == [world.scheme_lead_a.email]


def test_scheme_lead_withdraws_on_the_referrers_behalf(world):
    referral = sent(world, "accepted")
    actions.withdraw_referral(who=world.scheme_lead_a, referral=referral, reason="Phoned in")
    event = AuditEvent.objects.get(action="referral.withdrawn", object_id=str(referral.pk))
    assert event.detail["on_behalf_of_referrer"] is True


def test_withdrawal_writes_the_webhook_row_in_its_transaction(world, settings):
    settings.LINKWORK_WEBHOOK_ALLOW_LOOPBACK = True
    webhooks.create_endpoint(
        by=None,
        organisation=world.practice,
        name="Clinical system",
        url="http://127.0.0.1:9/hooks",
        events=[EventType.REFERRAL_STATUS_CHANGED],
    )
    referral = sent(world)
    actions.withdraw_referral(who=world.referrer, referral=referral, reason="Moved away")
    (event,) = WebhookEvent.objects.filter(resource_id=str(referral.pk))
    assert (event.type, event.organisation_id) == (
        EventType.REFERRAL_STATUS_CHANGED,
        world.practice.pk,
    )


def test_withdrawal_cancels_unstarted_connections_and_keeps_attended_ones(world):
    referral = sent(world)
    requested = ConnectionFactory(referral=referral, status=ConnectionStatus.REQUESTED)
    draft = ConnectionFactory(referral=referral, status=ConnectionStatus.DRAFT)
    held = ConnectionFactory(
        referral=referral, status=ConnectionStatus.ON_HOLD, held_from=ConnectionStatus.ACCEPTED
    )
    attending = ConnectionFactory(referral=referral, status=ConnectionStatus.IN_PROGRESS)
    follow_up = FollowUpFactory(referral=referral)
    actions.withdraw_referral(who=world.referrer, referral=referral, reason="Moved away")
    statuses = dict(Connection.objects.filter(referral=referral).values_list("pk", "status"))
    assert statuses == {
        requested.pk: ConnectionStatus.CANCELLED,
        draft.pk: ConnectionStatus.CANCELLED,
        held.pk: ConnectionStatus.CANCELLED,
        attending.pk: ConnectionStatus.IN_PROGRESS,
    }
    assert FollowUp.objects.get(pk=follow_up.pk).done_at is not None


def refused(referral: Referral) -> AuditEvent:
    return AuditEvent.objects.get(action="referral.withdrawal_refused", object_id=str(referral.pk))


def assert_unchanged(referral: Referral, status: str) -> None:
    again = Referral.objects.get(pk=referral.pk)
    assert (again.status, again.version) == (status, referral.version)
    assert not StatusChange.objects.filter(referral=referral).exists()
    assert not Message.objects.filter(referral=referral).exists()
    assert not AuditEvent.objects.filter(
        action="referral.withdrawn", object_id=str(referral.pk)
    ).exists()


def test_withdrawal_of_a_closed_referral_is_refused_audited_and_changes_nothing(world):
    referral = sent(world, "closed", closure_reason="goals_met")
    with pytest.raises(InvalidTransition):
        actions.withdraw_referral(who=world.referrer, referral=referral, reason="Too late")
    assert refused(referral).detail["why"] == "InvalidTransition"
    assert_unchanged(referral, "closed")


def test_withdrawal_by_another_organisation_is_refused_audited_and_changes_nothing(world):
    other = UserFactory()
    MembershipFactory(user=other, organisation=OrganisationFactory(), role="referrer")
    referral = sent(world)
    for who in (other, world.link_worker_a, world.link_worker_b):
        with pytest.raises(actions.WithdrawalRefused):
            actions.withdraw_referral(who=who, referral=referral, reason="Not mine")
    assert (
        AuditEvent.objects.filter(
            action="referral.withdrawal_refused", object_id=str(referral.pk)
        ).count()
        == 3
    )
    assert_unchanged(referral, "active")


def test_withdrawal_needs_a_reason(world):
    referral = sent(world)
    with pytest.raises(ValueError, match="Say why"):
        actions.withdraw_referral(who=world.referrer, referral=referral, reason="   ")
    assert_unchanged(referral, "active")
