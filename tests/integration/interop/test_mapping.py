"""The one table between Task status and Linkwork's states covers every state, both ways."""

from __future__ import annotations

import pytest

from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.interop.fhir import codes, mapping
from linkwork.referrals.lifecycle import Status


def test_table_holds_exactly_the_igs_value_set():
    assert {row.task_status for row in mapping.TABLE} == codes.TASK_STATUSES
    assert len(mapping.TABLE) == len(codes.TASK_STATUSES)
    for row in mapping.TABLE:
        allowed = codes.OWNER_STATUSES if row.set_by == "owner" else codes.REQUESTER_STATUSES
        assert row.task_status in allowed


def test_every_connection_status_has_one_task_status():
    covered = [row.connection for row in mapping.TABLE if row.connection is not None]
    assert sorted(covered) == sorted(set(ConnectionStatus) - mapping.NO_TASK)


def test_every_referral_status_has_one_task_status():
    covered = [status for row in mapping.TABLE for status in row.referral]
    assert sorted(covered) == sorted(Status)


@pytest.mark.parametrize("row", mapping.TABLE, ids=lambda row: row.task_status)
def test_each_row_both_ways(row):
    assert mapping.row_for(row.task_status) == row
    assert mapping.connection_status_for(row.task_status) == row.connection
    if row.connection is not None:
        assert mapping.task_status_of_connection(row.connection) == row.task_status
        assert mapping.connection_statuses({row.task_status}) == {row.connection}
    for status in row.referral:
        assert mapping.task_status_of_referral(status) == row.task_status
    assert mapping.referral_statuses({row.task_status}) == set(row.referral)


def test_signposted_has_no_task():
    with pytest.raises(ValueError, match="has no Task"):
        mapping.task_status_of_connection(ConnectionStatus.SIGNPOSTED)


def test_a_requesters_cancelled_or_entered_in_error_withdraws_a_referral():
    withdrawing = {row.task_status for row in mapping.TABLE if row.withdraws}
    assert withdrawing == {"cancelled", "entered-in-error"}
    for status in codes.TASK_STATUSES:
        expected = Status.WITHDRAWN if status in withdrawing else None
        assert mapping.referral_status_for(status) == expected
    # Read back, a withdrawn referral's Task is cancelled, whichever way it was withdrawn.
    assert mapping.task_status_of_referral(Status.WITHDRAWN) == "cancelled"
