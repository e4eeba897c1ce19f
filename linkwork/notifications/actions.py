"""Writes to messages: trying a failed message again or cancelling it, a provider's delivery
receipt, a reply a person sent back and matching it by hand, and marking a letter printed; and
writes people make to their own alerts (marking them read, choosing which kinds also go by
email)."""

from __future__ import annotations

import datetime as dt
import uuid
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwork.accounts.models import User
from linkwork.audit import auditor
from linkwork.notifications import inbound, lifecycle
from linkwork.notifications.models import (
    Alert,
    AlertKind,
    AlertSettings,
    InboundMessage,
    InboundStatus,
    Letter,
    Message,
)
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


@transaction.atomic
def record_receipt(*, reference: str, provider_id: str, status: str) -> Message | None:
    """Apply a provider's delivery receipt to the message it is about: found by the message's
    own id (the `reference` we gave the provider) or else by the provider's id for it. None
    when no message matches, or the receipt changes nothing (the same receipt twice)."""
    found: Message | None = None
    try:
        found = Message.objects.select_for_update(of=("self",)).get(pk=uuid.UUID(reference))
    except (ValueError, Message.DoesNotExist):
        if provider_id:
            found = (
                Message.objects.select_for_update(of=("self",))
                .filter(provider_reference=provider_id[:200])
                .first()
            )
    if found is None:
        return None
    previous = found.status
    changed = lifecycle.record_receipt(found, status)
    if changed is None:
        return None
    auditor.record(
        action="message.receipt",
        target=found,
        scheme_id=_scheme_id(found),
        detail={"from": previous, "to": found.status},
    )
    return found


@transaction.atomic
def receive_reply(
    *,
    provider_id: str,
    source_number: str,
    destination_number: str,
    body: str,
    received_at: dt.datetime | None = None,
) -> InboundMessage:
    """Keep a text message a person sent back, threaded on their referral when exactly one
    matches the sender's number (`inbound.match`), else waiting for an admin to match it by
    hand. The same provider id twice keeps one reply."""
    existing = InboundMessage.objects.filter(provider_id=provider_id[:200]).first()
    if existing is not None:
        return existing
    number = inbound.normalised_number(source_number)
    referral_id = inbound.match(number)
    reply = InboundMessage.objects.create(
        provider_id=provider_id[:200],
        source_number=number[:20],
        destination_number=inbound.normalised_number(destination_number)[:20],
        body=body,
        received_at=received_at or timezone.now(),
        referral_id=referral_id,
        status=InboundStatus.MATCHED if referral_id is not None else InboundStatus.UNMATCHED,
    )
    reply.refresh_from_db()
    auditor.record(
        action="reply.received",
        target=reply,
        scheme_id=reply.referral.scheme_id if reply.referral is not None else None,
        detail={"matched": referral_id is not None},
    )
    if referral_id is not None:
        inbound.reply_received(reply)
    return reply


@transaction.atomic
def match_reply(*, by: User, reply: InboundMessage, referral: Any) -> InboundMessage:
    """Thread an unmatched reply on `referral`, chosen by an admin, and tell its link worker.
    Refused (ValueError) for a reply matched since."""
    locked = InboundMessage.objects.select_for_update().get(pk=reply.pk)
    if locked.status != InboundStatus.UNMATCHED:
        raise ValueError("This reply has already been matched to a referral.")
    locked.referral = referral
    locked.status = InboundStatus.MATCHED
    locked.matched_by = by
    locked.matched_at = timezone.now()
    locked.save(update_fields=["referral", "status", "matched_by", "matched_at"])
    auditor.record(
        action="reply.matched",
        actor=_actor(by),
        target=locked,
        scheme_id=referral.scheme_id,
        detail={"referral": str(referral.pk)},
    )
    inbound.reply_received(locked)
    return locked


@transaction.atomic
def mark_printed(*, by: User, letter: Letter) -> Letter:
    """Mark a letter in the print queue as printed and posted, by `by`, now. Refused
    (ValueError) for one already marked."""
    locked = (
        Letter.objects.select_for_update(of=("self",))
        .select_related("message__referral")
        .get(pk=letter.pk)
    )
    if locked.printed_at is not None:
        raise ValueError("This letter has already been marked as printed and posted.")
    locked.printed_at = timezone.now()
    locked.printed_by = by
    locked.save(update_fields=["printed_at", "printed_by"])
    auditor.record(
        action="letter.printed",
        actor=_actor(by),
        target=locked.message,
        scheme_id=_scheme_id(locked.message),
    )
    return locked


def mark_alert_read(*, by: User, alert: Alert) -> Alert:
    """Mark one of the user's own alerts read (once: the first reading is kept)."""
    if alert.recipient_id != by.pk:
        raise ValueError("Only the recipient marks an alert read.")
    if alert.read_at is None:
        alert.read_at = timezone.now()
        Alert.objects.filter(pk=alert.pk, read_at__isnull=True).update(read_at=alert.read_at)
    return alert


@transaction.atomic
def mark_all_alerts_read(*, by: User) -> int:
    """Mark every unread alert of the user read; return how many were."""
    return Alert.objects.visible_to(by).unread().update(read_at=timezone.now())


@transaction.atomic
def choose_alert_emails(*, by: User, kinds: list[str]) -> AlertSettings:
    """Keep which kinds of alert also go to the user by email. Audited with the kinds only."""
    unknown = sorted(set(kinds) - set(AlertKind.values))
    if unknown:
        raise ValueError(f"kinds: unknown kind {unknown[0]!r}")
    chosen = [kind for kind in AlertKind.values if kind in kinds]
    found, _ = AlertSettings.objects.update_or_create(
        user=by, defaults={"email_kinds": chosen, "updated_at": timezone.now()}
    )
    auditor.record(
        action="alert_settings.changed",
        actor=_actor(by),
        target=found,
        detail={"email_kinds": chosen},
    )
    return found
