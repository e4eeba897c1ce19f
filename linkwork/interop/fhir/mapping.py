"""The one table between FHIR Task status and Linkwork's states, both ways.

Each row is a Task status of the IG's value set; the connection status it stands for on a
provider's Task (a connection to a service), the referral statuses it stands for on a
referrer's Task (the referral it sent into a scheme), who sets it, and what a requester's
update to it does to its referral (`withdraws`). Read left to right it says what Linkwork
shows; right to left what a provider's or a referrer's update does.

A referrer takes its referral back with `cancelled` (statusReason.text says why) or
`entered-in-error` (it was sent in error): both withdraw the referral, and a withdrawn
referral's Task then reads `cancelled`. Linkwork keeps no record of which of the two it was
beyond the reason, so `entered-in-error` is never read back. The table in
docs/guides/integration.md is this one; tests/integration/interop/test_mapping.py checks
every row both ways.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.referrals.lifecycle import Status


@dataclass(frozen=True)
class Row:
    task_status: str
    connection: ConnectionStatus | None
    referral: tuple[Status, ...]
    set_by: str  # "requester" or "owner", as the IG says
    # Whether a requester setting this Task status withdraws the referral behind it.
    withdraws: bool = False


TABLE: Final[tuple[Row, ...]] = (
    Row("draft", ConnectionStatus.DRAFT, (), "requester"),
    Row("requested", ConnectionStatus.REQUESTED, (Status.RECEIVED,), "requester"),
    Row("accepted", ConnectionStatus.ACCEPTED, (Status.ACCEPTED,), "owner"),
    Row("rejected", ConnectionStatus.REJECTED, (Status.DECLINED, Status.REDIRECTED), "owner"),
    Row("in-progress", ConnectionStatus.IN_PROGRESS, (Status.ACTIVE,), "owner"),
    Row("on-hold", ConnectionStatus.ON_HOLD, (Status.ON_HOLD,), "owner"),
    Row("failed", ConnectionStatus.FAILED, (), "owner"),
    Row("completed", ConnectionStatus.COMPLETED, (Status.CLOSED,), "owner"),
    Row("cancelled", ConnectionStatus.CANCELLED, (Status.WITHDRAWN,), "requester", True),
    Row("entered-in-error", None, (), "requester", True),
)
# A signposted service took no referral: there is no Task to follow.
NO_TASK: Final = frozenset({ConnectionStatus.SIGNPOSTED})

_BY_TASK: Final = {row.task_status: row for row in TABLE}


def row_for(task_status: str) -> Row:
    return _BY_TASK[task_status]


def task_status_of_connection(status: str) -> str:
    """The Task status of a connection in `status` (never a signposted one)."""
    for row in TABLE:
        if row.connection == status:
            return row.task_status
    raise ValueError(f"A connection that is {status} has no Task.")


def task_status_of_referral(status: str) -> str:
    for row in TABLE:
        if status in row.referral:
            return row.task_status
    raise ValueError(f"No Task status stands for a referral that is {status}.")


def referral_status_for(task_status: str) -> Status | None:
    """The referral status a requester's update to `task_status` makes; None when Linkwork
    takes no such update on a referral."""
    return Status.WITHDRAWN if _BY_TASK[task_status].withdraws else None


def connection_status_for(task_status: str) -> ConnectionStatus | None:
    """The connection status a Task status stands for; None when Linkwork has none."""
    return _BY_TASK[task_status].connection


def connection_statuses(task_statuses: set[str]) -> set[str]:
    return {
        str(row.connection)
        for row in TABLE
        if row.task_status in task_statuses and row.connection is not None
    }


def referral_statuses(task_statuses: set[str]) -> set[str]:
    return {
        str(status) for row in TABLE if row.task_status in task_statuses for status in row.referral
    }
