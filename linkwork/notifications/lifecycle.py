"""The message lifecycle: the one module that changes a message's status.

    queued -> sending (a task worker claims it) | queued (stuck: tried again) | cancelled
    sending -> sent | failed | queued (a retry is scheduled) | sending (claimed again after
               the last worker stopped part-way: it may have gone, so the backend is asked)
    failed -> queued (someone tries again) | cancelled
    sent -> delivered | permanent_failure | temporary_failure (the provider's delivery receipt)
    temporary_failure -> delivered | permanent_failure | temporary_failure (a later receipt)
    permanent_failure -> queued (someone tries again, perhaps after the address is mended)
                         | cancelled

Every change is a conditional UPDATE on the status the caller saw, so two task workers, or a
worker and a person pressing "Try again", cannot both move the same message. A message that
is sending cannot be cancelled or tried again by hand: it may already have gone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from linkwork.notifications.models import Message, MessageStatus

TRANSITIONS: dict[MessageStatus, frozenset[MessageStatus]] = {
    MessageStatus.QUEUED: frozenset(
        {MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.CANCELLED}
    ),
    MessageStatus.SENDING: frozenset(
        {MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.FAILED, MessageStatus.QUEUED}
    ),
    MessageStatus.FAILED: frozenset({MessageStatus.QUEUED, MessageStatus.CANCELLED}),
    MessageStatus.SENT: frozenset(
        {
            MessageStatus.DELIVERED,
            MessageStatus.PERMANENT_FAILURE,
            MessageStatus.TEMPORARY_FAILURE,
        }
    ),
    MessageStatus.TEMPORARY_FAILURE: frozenset(
        {
            MessageStatus.DELIVERED,
            MessageStatus.PERMANENT_FAILURE,
            MessageStatus.TEMPORARY_FAILURE,
        }
    ),
    MessageStatus.PERMANENT_FAILURE: frozenset({MessageStatus.QUEUED, MessageStatus.CANCELLED}),
    MessageStatus.DELIVERED: frozenset(),
    MessageStatus.CANCELLED: frozenset(),
}

# What a delivery receipt's status becomes, and the short description kept for a failure.
RECEIPT_STATUSES: dict[str, tuple[MessageStatus, str]] = {
    "delivered": (MessageStatus.DELIVERED, ""),
    "permanent-failure": (
        MessageStatus.PERMANENT_FAILURE,
        "Not delivered: the number or address does not exist or refused it",
    ),
    "temporary-failure": (
        MessageStatus.TEMPORARY_FAILURE,
        "Not delivered yet: the phone was off or the inbox full",
    ),
    "technical-failure": (
        MessageStatus.PERMANENT_FAILURE,
        "Not delivered: the provider had a technical problem",
    ),
    # Letters through Notify's letter API: a PDF Notify could not print.
    "validation-failed": (
        MessageStatus.PERMANENT_FAILURE,
        "Not posted: Notify could not print the letter's PDF",
    ),
    "virus-scan-failed": (
        MessageStatus.PERMANENT_FAILURE,
        "Not posted: Notify could not print the letter's PDF",
    ),
}
# Receipts Notify sends on the way (a letter accepted for printing, say): nothing to change.
RECEIPT_STATUSES_IN_PASSING = frozenset(
    {"created", "sending", "pending", "pending-virus-check", "accepted", "received", "cancelled"}
)

# The longest error text kept: a short description, never the provider's words.
ERROR_LENGTH = 200


class InvalidMessageTransition(Exception):
    """A status change the lifecycle does not allow, or one somebody else made first."""

    def __init__(self, current: str, wanted: str) -> None:
        self.current = MessageStatus(current)
        self.wanted = MessageStatus(wanted)
        super().__init__(
            f"A message that is {self.current.label.lower()} cannot become "
            f"{self.wanted.label.lower()}."
        )


def check_transition(current: str, wanted: str) -> None:
    if MessageStatus(wanted) not in TRANSITIONS[MessageStatus(current)]:
        raise InvalidMessageTransition(current, wanted)


def _change(
    message: Message, to: MessageStatus, *, where: Q | None = None, **fields: Any
) -> Message:
    check_transition(message.status, to)
    rows = Message.objects.filter(pk=message.pk, status=message.status)
    if where is not None:
        rows = rows.filter(where)
    changed = rows.update(status=to, **fields)
    if not changed:
        current = Message.objects.values_list("status", flat=True).get(pk=message.pk)
        raise InvalidMessageTransition(current, to)
    message.status = to
    for name, value in fields.items():
        setattr(message, name, value)
    return message


@dataclass(frozen=True)
class Claim:
    """A message a task worker holds to send. `in_doubt`: an earlier worker claimed it and
    stopped before recording what happened, so it may already have been sent."""

    message: Message
    in_doubt: bool


def claim(message_id: Any, *, hold: dt.timedelta) -> Claim | None:
    """Take a message to send it now, counting the attempt: a queued one, or one whose last
    sender stopped part-way (sending, with its claim run out). None when it is sent,
    cancelled or failed, or another worker holds it."""
    now = timezone.now()
    taking = {
        "status": MessageStatus.SENDING,
        "claimed_until": now + hold,
        "attempts": F("attempts") + 1,
    }
    if Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED).update(**taking):
        return Claim(Message.objects.get(pk=message_id), in_doubt=False)
    interrupted = Message.objects.filter(
        pk=message_id, status=MessageStatus.SENDING, claimed_until__lt=now
    ).update(**taking)
    if interrupted:
        return Claim(Message.objects.get(pk=message_id), in_doubt=True)
    return None


def interrupted(now: dt.datetime | None = None) -> Q:
    """Messages whose sender stopped part-way: sending, with the claim run out."""
    return Q(status=MessageStatus.SENDING, claimed_until__lt=now or timezone.now())


def mark_sent(message: Message, *, provider_reference: str) -> Message:
    return _change(
        message,
        MessageStatus.SENT,
        provider_reference=provider_reference[:200],
        sent_at=timezone.now(),
        last_error="",
        next_attempt_at=None,
        claimed_until=None,
    )


def schedule_retry(message: Message, *, error: str, at: dt.datetime) -> Message:
    """The attempt failed for now: keep the message queued and try again at `at`."""
    return _change(
        message,
        MessageStatus.QUEUED,
        last_error=error[:ERROR_LENGTH],
        next_attempt_at=at,
        claimed_until=None,
    )


def keep_in_doubt(message: Message, *, error: str) -> Message:
    """A sending message whose fate the backend cannot tell yet: it stays sending, held until
    its claim runs out, when the task worker asks again."""
    return _change(message, MessageStatus.SENDING, last_error=error[:ERROR_LENGTH])


def mark_failed(message: Message, *, error: str) -> Message:
    return _change(
        message,
        MessageStatus.FAILED,
        last_error=error[:ERROR_LENGTH],
        next_attempt_at=None,
        claimed_until=None,
    )


def record_receipt(message: Message, receipt_status: str) -> Message | None:
    """Apply a provider's delivery receipt ("delivered", "permanent-failure", ...) to a sent
    message. None when the receipt changes nothing: the same receipt twice, or one that
    arrives after the message already settled (delivered, or tried again since)."""
    wanted, error = RECEIPT_STATUSES[receipt_status]
    if MessageStatus(message.status) == wanted and wanted != MessageStatus.TEMPORARY_FAILURE:
        return None
    if wanted not in TRANSITIONS[MessageStatus(message.status)]:
        return None
    return _change(message, wanted, last_error=error[:ERROR_LENGTH], receipt_at=timezone.now())


def requeue(message: Message) -> Message:
    """Send a failed (or stuck queued) message again, with a fresh allowance of attempts.
    Refused for a message that is sending: it may have gone, and only the task worker,
    which asks the backend first, may try it again."""
    if message.status == MessageStatus.SENDING:
        raise InvalidMessageTransition(message.status, MessageStatus.QUEUED)
    now = timezone.now()
    return _change(
        message,
        MessageStatus.QUEUED,
        where=Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        attempts=0,
        next_attempt_at=now,
        claimed_until=None,
    )


def cancel(message: Message) -> Message:
    return _change(message, MessageStatus.CANCELLED, next_attempt_at=None, claimed_until=None)
