"""Sending in the task worker, after the transaction that created the message commits.

`queue(message)` stores the message as queued and, on commit, enqueues `deliver_message`. The
task sends it once; a temporary failure is tried again with growing delays, up to
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
from linkwork.notifications.backends import PermanentFailure, TemporaryFailure, backend_for
from linkwork.notifications.models import Message, MessageStatus

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
    """One attempt at sending; returns what became of it: sent, retrying, failed or skipped."""
    message = lifecycle.claim(message_id, hold=CLAIM_HOLD)
    if message is None:
        # Already sent, cancelled or failed, or another worker is sending it now.
        return "skipped"
    try:
        reference = backend_for(message.channel).send(message)
    except PermanentFailure as failure:
        lifecycle.mark_failed(message, error=str(failure))
        logger.warning("Message %s failed: %s", message.pk, failure)
        return "failed"
    except TemporaryFailure as failure:
        error = str(failure)
    except Exception as unexpected:  # A fault must not lose the message: keep and retry it.
        # The exception's own text may quote personal data, so only its type is kept.
        error = f"Unexpected error ({type(unexpected).__name__})"
    else:
        lifecycle.mark_sent(message, provider_reference=reference)
        return "sent"

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
