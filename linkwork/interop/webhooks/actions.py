"""What admins do to webhooks: add an endpoint, deactivate it, rotate its secret, and replay
dead deliveries. Each is audited with identifiers only (never the secret or the address's
query string)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from linkwork.accounts.models import Organisation, User
from linkwork.audit import auditor
from linkwork.interop.webhooks import signing, tasks
from linkwork.interop.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

# How long the old secret keeps signing after a rotation.
SECRET_OVERLAP = dt.timedelta(days=1)


class WebhookError(Exception):
    """An action refused for a reason the person can act on; the message is for people."""


def _actor(by: User | None) -> User | None:
    return by if by is not None and getattr(by, "is_authenticated", False) else None


@transaction.atomic
def create_endpoint(
    *, by: User | None, organisation: Organisation, name: str, url: str, events: Iterable[str]
) -> tuple[WebhookEndpoint, str]:
    """A new active endpoint and its secret, which the caller shows once."""
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        organisation=organisation,
        name=name.strip(),
        url=url.strip(),
        events=sorted(set(events)),
        secret=secret,
        created_by=_actor(by),
    )
    endpoint.full_clean()
    endpoint.save()
    auditor.record(
        action="webhook.endpoint_created",
        actor=_actor(by),
        target=endpoint,
        detail={"organisation": organisation.pk, "events": endpoint.events},
    )
    return endpoint, secret


@transaction.atomic
def deactivate_endpoint(*, by: User | None, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Stop sending to the endpoint; deliveries still pending give up at their next attempt."""
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not locked.active:
        raise WebhookError("This endpoint is already deactivated")
    locked.active = False
    locked.deactivated_at = timezone.now()
    locked.save(update_fields=["active", "deactivated_at"])
    auditor.record(
        action="webhook.endpoint_deactivated",
        actor=_actor(by),
        target=locked,
        detail={"organisation": locked.organisation_id},
    )
    return locked


@transaction.atomic
def rotate_secret(*, by: User | None, endpoint: WebhookEndpoint) -> str:
    """A new secret for the endpoint, used from the next attempt on; the caller shows it once.
    The old one signs too, for a day, so the receiver can switch without refusing anything."""
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not locked.active:
        raise WebhookError("This endpoint is deactivated, so it has no secret to rotate")
    secret = signing.new_secret()
    now = timezone.now()
    locked.previous_secret, locked.previous_secret_until = locked.secret, now + SECRET_OVERLAP
    locked.secret = secret
    locked.secret_rotated_at = now
    locked.save(
        update_fields=["secret", "secret_rotated_at", "previous_secret", "previous_secret_until"]
    )
    auditor.record(
        action="webhook.secret_rotated",
        actor=_actor(by),
        target=locked,
        detail={"organisation": locked.organisation_id},
    )
    return secret


@transaction.atomic
def replay_delivery(*, by: User | None, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a dead delivery again, with a fresh allowance of attempts."""
    locked = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint")
        .get(pk=delivery.pk)
    )
    if locked.status != DeliveryStatus.DEAD:
        raise WebhookError("This delivery has not given up, so there is nothing to replay")
    if not locked.endpoint.active:
        raise WebhookError("The endpoint is deactivated: add a new endpoint instead")
    attempts, error = locked.attempts, locked.last_error
    if not tasks.replay(locked):
        raise WebhookError("Someone else replayed this delivery first")
    auditor.record(
        action="webhook.delivery_replayed",
        actor=_actor(by),
        target=locked,
        detail={
            "endpoint": str(locked.endpoint_id),
            "event": str(locked.event_id),
            "attempts": attempts,
            "last_error": error,
        },
    )
    return locked


def replay_all(*, by: User | None, deliveries: Iterable[WebhookDelivery]) -> int:
    """Replay each dead delivery given (each audited); returns how many were replayed."""
    replayed = 0
    for delivery in deliveries:
        try:
            replay_delivery(by=by, delivery=delivery)
        except WebhookError:
            continue  # Replayed by someone else since it was listed, or its endpoint is off.
        replayed += 1
    return replayed
