"""Writing to the outbox, inside the transaction of the change it records.

`record` writes one event per organisation that has an active endpoint subscribed to the event
type, and one pending delivery for each such endpoint, then hands the deliveries to the task
worker once the transaction commits. Organisations with no such endpoint get no row: there is
nobody to tell, and an endpoint added later hears about later changes only.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from linkwork.interop.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent


def record(
    *, event_type: str, resource_type: str, resource_id: str, organisation_ids: Iterable[int | None]
) -> list[WebhookEvent]:
    """Write the event for each organisation to be told, and its deliveries; the rows commit
    or roll back with the caller's transaction."""
    wanted = {org for org in organisation_ids if org is not None}
    if not wanted:
        return []
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(organisation_id__in=wanted, active=True)
        if endpoint.subscribes_to(event_type)
    ]
    now = timezone.now()
    events: list[WebhookEvent] = []
    deliveries: list[WebhookDelivery] = []
    for organisation_id in sorted({endpoint.organisation_id for endpoint in endpoints}):
        event = WebhookEvent.objects.create(
            type=event_type,
            resource_type=resource_type,
            resource_id=resource_id,
            organisation_id=organisation_id,
            created_at=now,
        )
        events.append(event)
        deliveries += [
            WebhookDelivery(endpoint=endpoint, event=event, next_attempt_at=now, created_at=now)
            for endpoint in endpoints
            if endpoint.organisation_id == organisation_id
        ]
    WebhookDelivery.objects.bulk_create(deliveries)
    if deliveries:
        from linkwork.interop.webhooks.tasks import enqueue

        for delivery in deliveries:
            transaction.on_commit(partial(enqueue, delivery.pk))
    return events
