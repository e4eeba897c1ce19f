"""The connection lifecycle: the one module that knows which status changes are allowed.

Aligned with FHIR Task status: a connection is drafted, requested from the provider, which
accepts or rejects it; once the person starts attending it is in progress, and it ends
completed or failed. Any open connection can be cancelled, or put on hold while the service is
paused. Services that take no referrals get a `signposted` record instead.
"""

from __future__ import annotations

from django.db import models

from linkwork.core.lifecycle import InvalidTransition as BaseInvalidTransition


class ConnectionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    IN_PROGRESS = "in_progress", "Attending"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Did not work out"
    CANCELLED = "cancelled", "Cancelled"
    SIGNPOSTED = "signposted", "Signposted"


class Decision(models.TextChoices):
    """A provider's answer to a request."""

    ACCEPT = "accept", "Accept"
    WAITING_LIST = "waiting_list", "Accept onto the waiting list"
    DECLINE = "decline", "Decline"


class RejectionReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", "No space at the moment"
    NOT_ELIGIBLE = "not_eligible", "The person is not eligible"
    NOT_SUITABLE = "not_suitable", "The service is not suitable for the person's needs"
    UNABLE_TO_CONTACT = "unable_to_contact", "Unable to contact the person"
    PERSON_DECLINED = "person_declined", "The person decided not to take it up"
    OTHER = "other", "Another reason"


class FailureReason(models.TextChoices):
    NEVER_ATTENDED = "never_attended", "The person never attended"
    STOPPED_ATTENDING = "stopped_attending", "The person stopped attending"
    NOT_RIGHT = "not_right", "The service was not right for the person"
    SERVICE_ENDED = "service_ended", "The service ended"
    OTHER = "other", "Another reason"


# Statuses in which the connection still needs someone to act.
OPEN_STATUSES = frozenset(
    {
        ConnectionStatus.DRAFT,
        ConnectionStatus.REQUESTED,
        ConnectionStatus.ACCEPTED,
        ConnectionStatus.IN_PROGRESS,
        ConnectionStatus.ON_HOLD,
    }
)
# Statuses a service disruption pauses, and which resuming returns to.
PAUSABLE_STATUSES = frozenset(
    {ConnectionStatus.REQUESTED, ConnectionStatus.ACCEPTED, ConnectionStatus.IN_PROGRESS}
)

TRANSITIONS: dict[ConnectionStatus, frozenset[ConnectionStatus]] = {
    ConnectionStatus.DRAFT: frozenset({ConnectionStatus.REQUESTED, ConnectionStatus.CANCELLED}),
    ConnectionStatus.REQUESTED: frozenset(
        {
            ConnectionStatus.ACCEPTED,
            ConnectionStatus.REJECTED,
            ConnectionStatus.ON_HOLD,
            ConnectionStatus.CANCELLED,
        }
    ),
    ConnectionStatus.ACCEPTED: frozenset(
        {
            ConnectionStatus.IN_PROGRESS,
            ConnectionStatus.FAILED,
            ConnectionStatus.ON_HOLD,
            ConnectionStatus.CANCELLED,
        }
    ),
    ConnectionStatus.IN_PROGRESS: frozenset(
        {
            ConnectionStatus.COMPLETED,
            ConnectionStatus.FAILED,
            ConnectionStatus.ON_HOLD,
            ConnectionStatus.CANCELLED,
        }
    ),
    # Resuming returns to the status it was paused from (kept on the connection).
    ConnectionStatus.ON_HOLD: PAUSABLE_STATUSES | {ConnectionStatus.CANCELLED},
    ConnectionStatus.REJECTED: frozenset(),
    ConnectionStatus.COMPLETED: frozenset(),
    ConnectionStatus.FAILED: frozenset(),
    ConnectionStatus.CANCELLED: frozenset(),
    ConnectionStatus.SIGNPOSTED: frozenset(),
}


class InvalidTransition(BaseInvalidTransition):
    """A connection status change the lifecycle does not allow; the message is for people."""

    noun = "connection"
    statuses = ConnectionStatus
    transitions = TRANSITIONS


def check_transition(current: str, wanted: str) -> None:
    InvalidTransition.check(current, wanted)
