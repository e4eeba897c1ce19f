"""What casework writes into the closing message back, read from real casework rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linkwork.casework.lifecycle import ConnectionStatus, FailureReason
from linkwork.casework.message_back import (
    ConnectionMade,
    connections_for,
    connections_made,
    plan_and_actions,
    support_offered,
)
from linkwork.casework.models import Attendance, Mode, Outcome
from tests.factories import (
    ConnectionFactory,
    ContactFactory,
    ReferralFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_support_offered_counts_conversations_by_mode_most_first():
    referral = ReferralFactory()
    for mode in (Mode.VIDEO, Mode.HOME_VISIT, Mode.VIDEO, Mode.VIDEO, Mode.HOME_VISIT):
        ContactFactory(referral=referral, mode=mode, outcome=Outcome.ATTENDED)
    ContactFactory(referral=referral, mode=Mode.PHONE, outcome=Outcome.DID_NOT_ATTEND)
    ContactFactory(referral=referral, mode=Mode.PHONE, outcome=Outcome.CANCELLED)
    ContactFactory(outcome=Outcome.ATTENDED)  # another referral's
    assert support_offered(referral) == [
        "5 conversations with the link worker (3 video call, 2 home visit)",
        "2 arranged contacts did not happen",
    ]


def test_support_offered_counts_services_the_link_worker_went_along_to():
    referral = ReferralFactory()
    for linked in (True, True, False):
        ConnectionFactory(referral=referral, supported_linking=linked)
    ConnectionFactory(supported_linking=True)  # another referral's
    assert support_offered(referral) == [
        "The link worker went along to 2 service(s) the first time"
    ]


def test_support_offered_is_empty_when_nothing_was_recorded():
    assert support_offered(ReferralFactory()) == []


def test_connections_say_whether_the_person_went_and_leave_out_drafts_and_cancelled():
    referral = ReferralFactory()
    recorder = UserFactory()
    start = timezone.now() - dt.timedelta(days=10)
    made = [
        ("Walk", ConnectionStatus.IN_PROGRESS, "", []),
        ("Choir", ConnectionStatus.ACCEPTED, "", [False, False]),
        ("Debt", ConnectionStatus.FAILED, FailureReason.NEVER_ATTENDED, []),
        ("Lunch", ConnectionStatus.REQUESTED, "", []),
        ("Draft", ConnectionStatus.DRAFT, "", []),
        ("Cancelled", ConnectionStatus.CANCELLED, "", []),
        ("Art", ConnectionStatus.COMPLETED, "", []),
    ]
    for day, (name, status, failure, sessions) in enumerate(made):
        connection = ConnectionFactory(
            referral=referral,
            service=ServiceFactory(name=name),
            status=status,
            failure_reason=failure,
            created_at=start + dt.timedelta(days=day),
        )
        for week, attended in enumerate(sessions):
            Attendance.objects.create(
                connection=connection,
                session_on=dt.date(2026, 3, 2 + 7 * week),
                attended=attended,
                recorded_by=recorder,
            )
    assert connections_for(referral) == [
        ConnectionMade("Walk", True),
        ConnectionMade("Choir", False),
        ConnectionMade("Debt", False),
        ConnectionMade("Lunch", None),
        ConnectionMade("Art", True),
    ]
    assert connections_made(referral) == [
        "Walk: attended",
        "Choir: did not attend",
        "Debt: did not attend",
        "Lunch: attendance not known",
        "Art: attended",
    ]


def test_plan_and_actions_is_empty_without_a_plan():
    assert plan_and_actions(ReferralFactory()) == []
