"""Referral actions: each writes status history and an audit event, codes the events the GP
record needs, and refuses what the lifecycle does not allow, writing nothing."""

from __future__ import annotations

import pytest

from linkwork.audit.models import AuditEvent
from linkwork.referrals import actions
from linkwork.referrals.lifecycle import ClosureReason, DeclineReason, InvalidTransition, Status
from linkwork.referrals.models import Channel, CodedEvent, Referral, StatusChange
from linkwork.referrals.working_days import working_days_after
from linkwork.vocabulary.routes import Route
from tests.conftest import World
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def new_referral(world: World, by=None) -> Referral:  # type: ignore[no-untyped-def]
    return actions.create_referral(
        by=by or world.referrer,
        person=PersonFactory(),
        scheme=world.scheme_a,
        route=Route.GP_PRACTICE,
        channel=Channel.STAFF_FORM,
        needs=["loneliness", "loneliness", "money_debt"],
        reason="Lonely since moving.",
        consent_to_refer=True,
        referring_organisation=world.practice,
        referrer={"name": "Dr Rita Referrer", "email": "rita@example.org"},
    )


def test_create_referral_receives_with_history_audit_and_deadline(world):
    referral = new_referral(world)
    assert referral.status == Status.RECEIVED
    assert referral.needs == ["loneliness", "money_debt"]
    assert referral.reference.startswith("LW-")
    assert referral.triage_due == working_days_after(referral.received_at.date(), 2)
    change = StatusChange.objects.get(referral=referral)
    assert (change.from_status, change.to_status, change.changed_by) == (
        "",
        "received",
        world.referrer,
    )
    assert AuditEvent.objects.filter(action="referral.created", object_id=str(referral.pk)).exists()


def test_create_referral_needs_consent(world):
    with pytest.raises(ValueError, match="consent"):
        actions.create_referral(
            by=world.referrer,
            person=PersonFactory(),
            scheme=world.scheme_a,
            route=Route.SELF,
            channel=Channel.SELF_REFERRAL,
            needs=[],
            consent_to_refer=False,
        )
    assert not Referral.objects.exists()


def test_accept_assigns_link_worker_of_the_scheme(world):
    referral = actions.accept_referral(
        by=world.scheme_lead_a, referral=new_referral(world), link_worker=world.link_worker_a
    )
    assert referral.status == Status.ACCEPTED
    assert referral.link_worker == world.link_worker_a


def test_accept_refuses_link_worker_of_another_scheme(world):
    referral = new_referral(world)
    with pytest.raises(actions.AssignmentError, match="works in this scheme"):
        actions.accept_referral(
            by=world.scheme_lead_a, referral=referral, link_worker=world.link_worker_b
        )
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED
    assert referral.history.count() == 1


def test_decline_by_person_is_coded(world):
    referral = actions.decline_referral(
        by=world.scheme_lead_a, referral=new_referral(world), reason=DeclineReason.PERSON_DECLINED
    )
    assert referral.status == Status.DECLINED
    assert list(referral.coded_events.values_list("code", flat=True)) == ["871711000000103"]


def test_decline_for_other_reasons_is_not_coded_as_person_declining(world):
    referral = actions.decline_referral(
        by=world.scheme_lead_a, referral=new_referral(world), reason=DeclineReason.OUTSIDE_AREA
    )
    assert not referral.coded_events.exists()


def test_redirect_records_where(world):
    referral = actions.redirect_referral(
        by=world.scheme_lead_a, referral=new_referral(world), to="Adult social care"
    )
    assert referral.status == Status.REDIRECTED
    assert referral.redirected_to == "Adult social care"


def test_redirect_needs_a_service(world):
    with pytest.raises(ValueError, match="redirected to"):
        actions.redirect_referral(by=world.scheme_lead_a, referral=new_referral(world), to=" ")


def test_first_contact_activates_and_codes_once_per_episode(world):
    referral = actions.accept_referral(
        by=world.scheme_lead_a, referral=new_referral(world), link_worker=world.link_worker_a
    )
    referral = actions.start_support(by=world.link_worker_a, referral=referral)
    referral = actions.put_on_hold(by=world.link_worker_a, referral=referral, reason="In hospital")
    referral = actions.resume_support(by=world.link_worker_a, referral=referral)
    assert referral.status == Status.ACTIVE
    codes = list(CodedEvent.objects.filter(referral=referral).values_list("code", flat=True))
    assert codes == ["871731000000106"]


def test_close_records_reason_and_full_history(world):
    referral = actions.accept_referral(
        by=world.scheme_lead_a, referral=new_referral(world), link_worker=world.link_worker_a
    )
    referral = actions.start_support(by=world.link_worker_a, referral=referral)
    referral = actions.close_referral(
        by=world.link_worker_a, referral=referral, reason=ClosureReason.GOALS_MET
    )
    assert referral.closure_reason == ClosureReason.GOALS_MET
    steps = list(referral.history.values_list("to_status", flat=True))
    assert steps == ["received", "accepted", "active", "closed"]
    actions_logged = set(
        AuditEvent.objects.filter(object_id=str(referral.pk)).values_list("action", flat=True)
    )
    assert {
        "referral.created",
        "referral.accepted",
        "referral.active",
        "referral.closed",
    } <= actions_logged


@pytest.mark.parametrize(
    "move",
    [
        lambda w, r: actions.start_support(by=w.link_worker_a, referral=r),
        lambda w, r: actions.put_on_hold(by=w.link_worker_a, referral=r, reason="x"),
        lambda w, r: actions.close_referral(
            by=w.link_worker_a, referral=r, reason=ClosureReason.MOVED
        ),
        lambda w, r: actions.resume_support(by=w.link_worker_a, referral=r),
    ],
)
def test_refused_transition_writes_nothing(world, move):
    referral = new_referral(world)
    with pytest.raises(InvalidTransition):
        move(world, referral)
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED
    assert referral.history.count() == 1
    assert not AuditEvent.objects.filter(
        action__in=["referral.active", "referral.on_hold", "referral.closed"]
    ).exists()


def test_closed_referral_cannot_reopen(world):
    referral = actions.accept_referral(
        by=world.scheme_lead_a, referral=new_referral(world), link_worker=world.link_worker_a
    )
    referral = actions.start_support(by=world.link_worker_a, referral=referral)
    referral = actions.close_referral(
        by=world.link_worker_a, referral=referral, reason=ClosureReason.MOVED
    )
    with pytest.raises(InvalidTransition, match="cannot change again"):
        actions.resume_support(by=world.link_worker_a, referral=referral)
