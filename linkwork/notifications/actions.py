"""Writes people make to messages (trying a failed message again, or cancelling it) and to
their own alerts (marking them read, choosing which kinds also go by email)."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone

from linkwork.accounts.models import User
from linkwork.audit import auditor
from linkwork.notifications import lifecycle
from linkwork.notifications.models import Alert, AlertKind, AlertSettings, Message
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
