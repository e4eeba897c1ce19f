"""The demo's casework: every connection status shows up even in a small demo, plans have
goals with ratings, and everything follows the lifecycles and stays in the past."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from itertools import pairwise

import pytest
from django.utils import timezone

from linkwork.casework.demo import seed_casework
from linkwork.casework.lifecycle import TRANSITIONS, ConnectionStatus
from linkwork.casework.models import (
    Attendance,
    CaseNote,
    Connection,
    ConnectionStatusChange,
    Contact,
    FollowUp,
    Goal,
    GoalRating,
    Outcome,
    PlanAction,
    SupportPlan,
)
from linkwork.directory.models import Capacity, ReferralRoute, ServiceStatus
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral, StatusChange
from tests.conftest import World
from tests.factories import ReferralFactory, ServiceFactory

pytestmark = pytest.mark.django_db

STATES = [Status.ACCEPTED, Status.ACTIVE, Status.ON_HOLD, Status.CLOSED]


def small_demo(world: World, now: dt.datetime) -> tuple[list[Referral], list[StatusChange]]:
    """Forty referrals over the last year in the four casework states, with their history
    (kept in memory, as the demo command passes it), and a handful of services."""
    ServiceFactory.create_batch(4)
    ServiceFactory(capacity=Capacity.WAITING_LIST)
    ServiceFactory(referral_route=ReferralRoute.SIGNPOST)
    ServiceFactory(status=ServiceStatus.TEMPORARILY_CLOSED)
    ServiceFactory(capacity=Capacity.FULL)
    referrals: list[Referral] = []
    changes: list[StatusChange] = []
    for n in range(40):
        status = STATES[n % 4]
        received = now - dt.timedelta(days=5 + n * 9)
        referral = ReferralFactory(
            scheme=world.scheme_a,
            link_worker=world.link_worker_a,
            status=status,
            closure_reason="goals_met" if status == Status.CLOSED else "",
            received_at=received,
            needs=["loneliness", "money_debt"],
        )
        referrals.append(referral)
        path = [Status.RECEIVED, Status.ACCEPTED]
        if status != Status.ACCEPTED:
            path.append(Status.ACTIVE)
        if status in (Status.ON_HOLD, Status.CLOSED):
            path.append(status)
        span = now - received
        for step, to in enumerate(path):
            at = received + span * step / len(path)
            changes.append(StatusChange(referral=referral, to_status=to, changed_at=at))
    return referrals, changes


@pytest.fixture
def seeded(world: World) -> dict[str, int]:
    now = timezone.now()
    referrals, changes = small_demo(world, now)
    return seed_casework(rng=random.Random(11), referrals=referrals, changes=changes, now=now)


def test_small_demo_shows_every_connection_status(seeded):
    assert set(Connection.objects.values_list("status", flat=True)) == set(ConnectionStatus)


def test_demo_plans_have_goals_with_ratings_and_actions(seeded):
    supported = Referral.objects.exclude(status=Status.ACCEPTED)
    assert SupportPlan.objects.filter(referral__in=supported).count() >= 24
    assert not SupportPlan.objects.filter(referral__status=Status.ACCEPTED).exists()
    assert Goal.objects.count() >= SupportPlan.objects.count()
    assert not Goal.objects.filter(ratings__isnull=True).exists()
    assert PlanAction.objects.exists()
    assert {"open", "achieved"} <= set(Goal.objects.values_list("status", flat=True))


def test_demo_contacts_fit_each_episode(seeded):
    per_referral = Counter(Contact.objects.values_list("referral_id", flat=True))
    for referral in Referral.objects.filter(status=Status.CLOSED):
        assert 6 <= per_referral[referral.pk] <= 12
    for referral in Referral.objects.exclude(status=Status.ACCEPTED):
        first = Contact.objects.filter(referral=referral).order_by("occurred_at").first()
        assert first is not None
        assert first.outcome == Outcome.ATTENDED
    for referral in Referral.objects.filter(status=Status.ACCEPTED):
        assert not Contact.objects.filter(referral=referral, outcome=Outcome.ATTENDED).exists()
    assert len(set(Contact.objects.values_list("mode", flat=True))) >= 4
    assert Contact.objects.filter(outcome=Outcome.DID_NOT_ATTEND).exists()


def test_demo_connection_history_follows_the_lifecycle(seeded):
    for connection in Connection.objects.prefetch_related("history"):
        steps = [change.to_status for change in connection.history.all()]
        assert steps[0] in (ConnectionStatus.DRAFT, ConnectionStatus.SIGNPOSTED)
        assert steps[-1] == connection.status
        for before, after in pairwise(steps):
            assert ConnectionStatus(after) in TRANSITIONS[ConnectionStatus(before)]
    for held in Connection.objects.filter(status=ConnectionStatus.ON_HOLD):
        assert held.held_from in {"requested", "accepted", "in_progress"}
        assert held.service.status == ServiceStatus.TEMPORARILY_CLOSED or (
            held.service.capacity == Capacity.FULL
        )
    signposted = Connection.objects.filter(status=ConnectionStatus.SIGNPOSTED)
    assert all(c.service.referral_route == ReferralRoute.SIGNPOST for c in signposted)


def test_demo_attendance_and_follow_ups_come_with_acceptance(seeded):
    attending = Connection.objects.filter(status=ConnectionStatus.IN_PROGRESS)
    assert all(c.attendance.filter(attended=True).exists() for c in attending)
    accepted = ConnectionStatusChange.objects.filter(to_status=ConnectionStatus.ACCEPTED)
    assert FollowUp.objects.count() == accepted.count()
    assert Attendance.objects.exists()
    assert CaseNote.objects.exists()


def test_demo_casework_is_in_the_past(seeded):
    now = timezone.now()
    today = timezone.localdate()
    assert not Contact.objects.filter(occurred_at__gt=now).exists()
    assert not GoalRating.objects.filter(rated_on__gt=today).exists()
    assert not Attendance.objects.filter(session_on__gt=today).exists()
    assert not ConnectionStatusChange.objects.filter(changed_at__gt=now).exists()


def test_demo_counts_match_the_rows(seeded):
    assert seeded["contact"] == Contact.objects.count()
    assert seeded["connection"] == Connection.objects.count()
    assert seeded["goalrating"] == GoalRating.objects.count()
