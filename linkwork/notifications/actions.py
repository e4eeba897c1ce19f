"""Writes people make to messages: trying a failed message again, or cancelling it."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from linkwork.accounts.models import User
from linkwork.audit import auditor
from linkwork.notifications import lifecycle
from linkwork.notifications.models import Message
from linkwork.notifications.tasks import enqueue


def _actor(by: User | None) -> User | None:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


def _scheme_id(message: Message) -> int | None:
    return message.referral.scheme_id if message.referral is not None else None


@transaction.atomic
def retry_message(*, by: User | None, message: Message) -> Message:
    """Queue a failed (or stuck) message again, with a fresh allowance of attempts."""
    locked = (
        Message.objects.select_for_update(of=("self",))
        .select_related("referral")
        .get(pk=message.pk)
    )
    previous = locked.status
    lifecycle.requeue(locked)
    auditor.record(
        action="message.retried",
        actor=_actor(by),
        target=locked,
        scheme_id=_scheme_id(locked),
        detail={"from": previous, "last_error": locked.last_error},
    )
    transaction.on_commit(partial(enqueue, locked.pk))
    return locked


@transaction.atomic
def cancel_message(*, by: User | None, message: Message) -> Message:
    """Stop a queued or failed message from being sent."""
    locked = (
        Message.objects.select_for_update(of=("self",))
        .select_related("referral")
        .get(pk=message.pk)
    )
    previous = locked.status
    lifecycle.cancel(locked)
    auditor.record(
        action="message.cancelled",
        actor=_actor(by),
        target=locked,
        scheme_id=_scheme_id(locked),
        detail={"from": previous},
    )
    return locked
