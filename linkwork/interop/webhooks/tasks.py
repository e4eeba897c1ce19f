"""Delivering webhooks in the task worker.

`deliver(delivery_id)` makes one attempt: it claims the delivery (so two workers never send it
at once, and a task that arrives early does nothing), POSTs the signed payload with a short
timeout, and records what happened. A failure is tried again after a growing delay (one minute,
doubling, with a little jitter so many deliveries to one receiver do not all return at the same
second), until LINKWORK_WEBHOOK_MAX_ATTEMPTS attempts have failed; then the delivery is dead,
listed for an admin to replay.

`sweep()` hands every overdue pending delivery to the worker again: the safety net for a lost
hand-over. It runs with the daily jobs (`linkwork reminders`) and from cron as often as wanted
(`linkwork retry-webhooks`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import urllib.error
import urllib.request
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from linkwork.interop.webhooks import addresses, signing, transport
from linkwork.interop.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent

logger = logging.getLogger(__name__)

# How long one worker holds a delivery while sending; after this another may try.
CLAIM_HOLD = dt.timedelta(minutes=2)
# The longest wait between two attempts.
MAX_DELAY = dt.timedelta(hours=6)
# Up to this share of a delay is added as jitter.
JITTER = 0.1
ERROR_LENGTH = 200
USER_AGENT = "Linkwork-Webhooks/1"


def enqueue(delivery_id: Any, run_after: dt.datetime | None = None) -> None:
    """Hand a delivery to the task worker, to run after `run_after` where the backend can wait.
    A backend that cannot wait is given no retry: the sweep sends it when it is due."""
    deliverer = deliver_webhook
    if run_after is not None:
        if not deliver_webhook.get_backend().supports_defer:
            return
        deliverer = deliver_webhook.using(run_after=run_after)
    deliverer.enqueue(str(delivery_id))


@task()
def deliver_webhook(delivery_id: str) -> str:
    return deliver(delivery_id)


def payload(event: WebhookEvent) -> bytes:
    """The body of every delivery of `event`: identifiers only, never personal data."""
    body = {
        "id": str(event.pk),
        "type": event.type,
        "resource": {"type": event.resource_type, "id": event.resource_id},
        "occurred_at": event.created_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
    }
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def claim(delivery_id: Any) -> WebhookDelivery | None:
    """Take a pending, due delivery to send it now, counting the attempt; None when it is
    delivered or dead, not yet due, or held by another worker."""
    now = timezone.now()
    taken = (
        WebhookDelivery.objects.due(now)
        .filter(pk=delivery_id)
        .update(claimed_until=now + CLAIM_HOLD, attempts=F("attempts") + 1, last_attempt_at=now)
    )
    if not taken:
        return None
    return WebhookDelivery.objects.select_related("endpoint", "event").get(pk=delivery_id)


def deliver(delivery_id: Any) -> str:
    """One attempt at a delivery; returns what became of it: delivered, retrying, dead or
    skipped."""
    delivery = claim(delivery_id)
    if delivery is None:
        return "skipped"
    endpoint = delivery.endpoint
    code: int | None = None
    if not endpoint.active:
        return _give_up(delivery, code=None, error="The endpoint was deactivated")
    try:
        code = post(delivery, addresses.address_to_connect(endpoint.url))
    except addresses.NotAllowed as refused:
        return _give_up(delivery, code=None, error=f"Address not allowed: {refused}")
    except addresses.LookupFailed as failure:
        error = str(failure)
    except urllib.error.HTTPError as refused:
        code, error = refused.code, f"Receiver answered {refused.code}"
    except TimeoutError:
        error = f"No answer within {timeout()} seconds"
    except urllib.error.URLError as failure:
        reason = failure.reason
        error = (
            f"No answer within {timeout()} seconds"
            if isinstance(reason, TimeoutError)
            else f"Could not connect ({type(reason).__name__})"
        )
    except Exception as unexpected:  # A fault must not lose the delivery: keep and retry it.
        error = f"Unexpected error ({type(unexpected).__name__})"
    else:
        if 200 <= code < 300:
            _finish(
                delivery,
                status=DeliveryStatus.DELIVERED,
                last_response_code=code,
                last_error="",
                delivered_at=timezone.now(),
                next_attempt_at=None,
            )
            return "delivered"
        error = f"Receiver answered {code}"
    if delivery.attempts >= max_attempts():
        return _give_up(delivery, code=code, error=error)
    at = timezone.now() + retry_delay(delivery)
    _finish(
        delivery,
        status=DeliveryStatus.PENDING,
        last_response_code=code,
        last_error=error[:ERROR_LENGTH],
        next_attempt_at=at,
    )
    logger.info("Webhook delivery %s will be tried again: %s", delivery.pk, error)
    enqueue(delivery.pk, run_after=at)
    return "retrying"


def post(delivery: WebhookDelivery, address: str) -> int:
    """POST the signed payload to the checked `address`; the status code of a 2xx or 1xx
    answer (others raise)."""
    body = payload(delivery.event)
    now = timezone.now()
    headers = signing.headers(
        secrets=delivery.endpoint.signing_secrets(now),
        delivery_id=str(delivery.pk),
        event_type=delivery.event.type,
        body=body,
        timestamp=int(now.timestamp()),
    )
    # The address is https (or loopback in development), checked by `addresses` before this,
    # and the connection goes to the IP address that check resolved.
    request = urllib.request.Request(  # noqa: S310
        delivery.endpoint.url,
        data=body,
        headers={**headers, "User-Agent": USER_AGENT},
        method="POST",
    )
    with transport.opener(address).open(request, timeout=timeout()) as response:
        response.read(1024)  # The answer's words are not kept.
        return int(response.status)


def _finish(delivery: WebhookDelivery, **fields: Any) -> None:
    """Record the attempt's outcome and let go of the claim."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_until=None, **fields)
    for name, value in fields.items():
        setattr(delivery, name, value)
    delivery.claimed_until = None


def _give_up(delivery: WebhookDelivery, *, code: int | None, error: str) -> str:
    _finish(
        delivery,
        status=DeliveryStatus.DEAD,
        last_response_code=code,
        last_error=error[:ERROR_LENGTH],
        next_attempt_at=None,
    )
    logger.warning(
        "Webhook delivery %s gave up after %s attempts: %s", delivery.pk, delivery.attempts, error
    )
    return "dead"


def max_attempts() -> int:
    return max(1, int(settings.LINKWORK_WEBHOOK_MAX_ATTEMPTS))


def timeout() -> float:
    return float(settings.LINKWORK_WEBHOOK_TIMEOUT_SECONDS)


def retry_delay(delivery: WebhookDelivery) -> dt.timedelta:
    """1, 2, 4, 8... minutes with the default of 60 s, up to six hours, plus up to a tenth more.
    The jitter comes from the delivery's id and attempt, so it is the same on every run."""
    seconds = settings.LINKWORK_WEBHOOK_RETRY_SECONDS * 2 ** max(0, delivery.attempts - 1)
    base = min(dt.timedelta(seconds=seconds), MAX_DELAY)
    digest = hashlib.sha256(f"{delivery.pk}:{delivery.attempts}".encode()).digest()
    share = int.from_bytes(digest[:4], "big") / 2**32 * JITTER
    return base + base * share


def overdue(grace: dt.timedelta, now: dt.datetime | None = None) -> Q:
    """Pending deliveries due more than `grace` ago that no worker holds: their hand-over to the
    worker was lost, or the backend could not wait for their retry."""
    now = now or timezone.now()
    return (
        Q(status=DeliveryStatus.PENDING)
        & Q(next_attempt_at__lte=now - grace)
        & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )


def sweep(grace: dt.timedelta = dt.timedelta(minutes=5)) -> int:
    """Hand every overdue pending delivery to the worker again; returns how many. Safe to run
    at any time: a delivery handed over twice is sent once (`claim`)."""
    found = list(
        WebhookDelivery.objects.filter(overdue(grace))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)
    )
    for delivery_id in found:
        enqueue(delivery_id)
    return len(found)


@task()
def sweep_webhooks() -> int:
    """The daily safety net; `linkwork retry-webhooks` runs the same sweep from cron."""
    return sweep()


def replay(delivery: WebhookDelivery) -> bool:
    """Make a dead delivery pending again with a fresh allowance of attempts, and hand it to
    the worker when the transaction commits; False when it is no longer dead."""
    moved = WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.DEAD).update(
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claimed_until=None,
    )
    if moved:
        transaction.on_commit(partial(enqueue, delivery.pk))
    return bool(moved)
