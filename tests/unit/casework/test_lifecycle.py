"""The connection lifecycle and the database constraints that hold it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from linkwork.casework.lifecycle import (
    OPEN_STATUSES,
    PAUSABLE_STATUSES,
    TRANSITIONS,
    ConnectionStatus,
    InvalidTransition,
    check_transition,
)
from tests.factories import ConnectionFactory, GoalFactory

ENDED = set(ConnectionStatus) - OPEN_STATUSES


def test_every_status_has_transitions_listed():
    assert set(TRANSITIONS) == set(ConnectionStatus)


@pytest.mark.parametrize("status", sorted(ENDED))
def test_ended_connection_cannot_change(status):
    assert TRANSITIONS[status] == frozenset()
    with pytest.raises(InvalidTransition, match="cannot change again"):
        check_transition(status, ConnectionStatus.REQUESTED)


@pytest.mark.parametrize("status", sorted(OPEN_STATUSES))
def test_open_connection_can_be_cancelled(status):
    check_transition(status, ConnectionStatus.CANCELLED)


@pytest.mark.parametrize("status", sorted(PAUSABLE_STATUSES))
def test_paused_connection_resumes_where_it_was(status):
    check_transition(status, ConnectionStatus.ON_HOLD)
    check_transition(ConnectionStatus.ON_HOLD, status)


def test_draft_cannot_be_accepted_before_it_is_requested():
    with pytest.raises(
        InvalidTransition, match="A connection that is draft cannot become accepted"
    ):
        check_transition(ConnectionStatus.DRAFT, ConnectionStatus.ACCEPTED)


def test_signposted_is_final():
    with pytest.raises(InvalidTransition):
        check_transition(ConnectionStatus.SIGNPOSTED, ConnectionStatus.IN_PROGRESS)


@pytest.mark.django_db
def test_rejected_connection_needs_reason():
    with pytest.raises(IntegrityError):
        ConnectionFactory(status=ConnectionStatus.REJECTED, rejection_reason="")


@pytest.mark.django_db
def test_failed_connection_needs_reason():
    with pytest.raises(IntegrityError):
        ConnectionFactory(status=ConnectionStatus.FAILED, failure_reason="")


@pytest.mark.django_db
def test_held_from_only_while_on_hold():
    with pytest.raises(IntegrityError):
        ConnectionFactory(status=ConnectionStatus.REQUESTED, held_from="accepted")


@pytest.mark.django_db
def test_goal_importance_at_most_ten():
    with pytest.raises(IntegrityError):
        GoalFactory(importance=11)
