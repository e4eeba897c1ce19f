"""Sending in the task worker, after the transaction that created the message commits.

`queue(message)` stores the message as queued, in the caller's transaction (an outbox: it
commits with the change it reports, or not at all) and, on commit, enqueues
`deliver_message`. If that hand-over is lost (a crash just after the commit, a cleared
queue), `linkwork retry-messages` finds the message and sends it.

Delivery is at least once, and never twice: the worker claims the message (status sending)
before handing it to the backend, with a key the provider keeps (the message id: Notify's
`reference`, the email's Message-ID), and writes a receipt the moment the backend accepts
it. A worker that stops between sending and marking the message sent leaves it sending; the
next attempt sees that and asks (the receipt, then the backend by reference) before sending
again. A temporary failure is tried again with growing delays, up to
LINKWORK_MESSAGE_MAX_ATTEMPTS attempts, then the message is marked failed. A permanent
failure marks it failed at once. Failed messages stay in the table, on the failed messages
page and for `linkwork retry-messages`: none is lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from linkwork.notifications import lifecycle
from linkwork.notifications.backends import (
    Backend,
    DeliveryFailure,
    PermanentFailure,
    TemporaryFailure,
    backend_for,
)
from linkwork.notifications.models import Message, MessageStatus, Receipt

logger = logging.getLogger(__name__)

# How long one worker holds a message while sending; after this another may try.
CLAIM_HOLD = dt.timedelta(minutes=5)
# The longest wait between two attempts.
MAX_DELAY = dt.timedelta(hours=6)


def queue(message: Message) -> Message:
    """Save `message` as queued and send it from the task worker once this commits."""
    message.status = MessageStatus.QUEUED
    message.next_attempt_at = timezone.now()
    message.full_clean(exclude=["referral"])
    message.save()
    transaction.on_commit(partial(enqueue, message.pk))
    return message


def hold(message: Message, *, reason: str) -> Message:
    """Keep `message` as cancelled, never sent, with why (`holds.held_because`)."""
    message.status = MessageStatus.CANCELLED
    message.last_error = reason[:200]
    message.full_clean(exclude=["referral"])
    message.save()
    return message


def enqueue(message_id: Any, run_after: dt.datetime | None = None) -> None:
    """Hand the message to the task worker, after `run_after` where the backend can wait."""
    deliverer = deliver_message
    if run_after is not None and deliver_message.get_backend().supports_defer:
        deliverer = deliver_message.using(run_after=run_after)
    deliverer.enqueue(str(message_id))


@task()
def deliver_message(message_id: str) -> str:
    return deliver(message_id)


def deliver(message_id: Any) -> str:
    """One attempt at sending; returns what became of it: sent, retrying, failed, in doubt
    or skipped."""
    claimed = lifecycle.claim(message_id, hold=CLAIM_HOLD)
    if claimed is None:
        # Already sent, cancelled or failed, or another worker is sending it now.
        return "skipped"
    message = claimed.message
    try:
        backend = backend_for(message.channel)
    except Exception as unexpected:  # Settings, or a backend's set-up: keep the message.
        error = f"Unexpected error ({type(unexpected).__name__})"
        return still_in_doubt(message, error) if claimed.in_doubt else try_later(message, error)
    if claimed.in_doubt:
        settled = settle_in_doubt(backend, message)
        if settled is not None:
            return settled
    try:
        reference = backend.send(message)
    except PermanentFailure as failure:
        lifecycle.mark_failed(message, error=str(failure))
        logger.warning("Message %s failed: %s", message.pk, failure)
        return "failed"
    except TemporaryFailure as failure:
        return try_later(message, str(failure))
    except Exception as unexpected:  # A fault must not lose the message: keep and retry it.
        # The exception's own text may quote personal data, so only its type is kept.
        return try_later(message, f"Unexpected error ({type(unexpected).__name__})")
    record_sent(message, reference)
    if getattr(backend, "simulates_receipts", False):
        # A local backend for demos and tests: its "provider" delivers at once.
        lifecycle.record_receipt(message, "delivered")
        return "delivered"
    return "sent"


def try_later(message: Message, error: str) -> str:
    """The attempt failed, and nothing went: try again after a growing delay, or, after the
    last attempt, mark the message failed."""
    if message.attempts >= max_attempts():
        lifecycle.mark_failed(message, error=error)
        logger.warning(
            "Message %s failed after %s attempts: %s", message.pk, message.attempts, error
        )
        return "failed"
    at = timezone.now() + retry_delay(message.attempts)
    lifecycle.schedule_retry(message, error=error, at=at)
    logger.info("Message %s will be tried again: %s", message.pk, error)
    enqueue(message.pk, run_after=at)
    return "retrying"


def record_sent(message: Message, reference: str) -> None:
    """The backend accepted the message: keep its receipt at once (its own write, committed
    straight away), then mark it sent. Should the second step fail (the database went
    away, the worker stopped), the message stays sending with its receipt, and the next
    attempt marks it sent without sending it again."""
    Receipt.objects.get_or_create(message=message, defaults={"provider_reference": reference[:200]})
    lifecycle.mark_sent(message, provider_reference=reference)


def settle_in_doubt(backend: Backend, message: Message) -> str | None:
    """An earlier worker claimed this message and stopped before recording what happened.
    Mark it sent if it went ("sent"); None if it did not, so it is sent now."""
    try:
        reference = already_sent(backend, message)
    except DeliveryFailure as failure:
        return still_in_doubt(message, str(failure))
    if reference is None:
        return None
    lifecycle.mark_sent(message, provider_reference=reference)
    logger.info("Message %s had already been sent: marked sent, not sent again", message.pk)
    return "sent"


def still_in_doubt(message: Message, error: str) -> str:
    """Whether an interrupted send went cannot be told yet: the message stays sending and is
    asked about again once this claim runs out ("in doubt"). After the last attempt it
    fails, for a person to check with the provider before trying again."""
    if message.attempts >= max_attempts():
        lifecycle.mark_failed(
            message, error=f"Could not tell whether it was sent: check first ({error})"
        )
        return "failed"
    lifecycle.keep_in_doubt(message, error=f"Could not tell whether it was sent ({error})")
    # A moment after the claim runs out, so the next attempt can take it.
    enqueue(
        message.pk, run_after=(message.claimed_until or timezone.now()) + dt.timedelta(seconds=1)
    )
    return "in doubt"


def already_sent(backend: Backend, message: Message) -> str | None:
    """The provider reference of a message an earlier worker may have sent: from its
    receipt, else from the backend, asked by the message's own reference. None when it was
    not sent, or when the backend keeps no record to ask (email by SMTP): it is then sent
    again with the same Message-ID, by which mail systems can know it."""
    receipt = Receipt.objects.filter(message=message).first()
    if receipt is not None:
        return receipt.provider_reference
    # A backend named by dotted path may predate `sent`: it keeps no record to ask.
    ask = getattr(backend, "sent", None)
    return ask(message) if ask is not None else None


def max_attempts() -> int:
    return max(1, int(settings.LINKWORK_MESSAGE_MAX_ATTEMPTS))


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait longer after each failure: 1, 4, 16, 64 minutes... with the default of 60 s."""
    seconds = settings.LINKWORK_MESSAGE_RETRY_SECONDS * 4 ** max(0, attempts - 1)
    return min(dt.timedelta(seconds=seconds), MAX_DELAY)


def stuck(now: dt.datetime | None = None, *, grace: dt.timedelta) -> Q:
    """Queued messages whose next attempt is overdue by more than `grace` and that no worker
    holds: their task was lost (a worker stopped, or the queue was cleared)."""
    now = now or timezone.now()
    return (
        Q(status=MessageStatus.QUEUED)
        & (Q(next_attempt_at__lt=now - grace) | Q(next_attempt_at__isnull=True))
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )
