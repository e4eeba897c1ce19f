"""The webhook tables: endpoints, the outbox of events, and one delivery per endpoint and event.

An event and a delivery hold identifiers only, never personal data: the payload is built from
the event's type and resource ids, and a delivery's error text is Linkwork's own short words
(for example "Receiver answered 500"), never the receiver's answer.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Organisation, Role
from linkwork.interop.webhooks import addresses


class EventType(models.TextChoices):
    REFERRAL_STATUS_CHANGED = "referral.status_changed", "A referral's status changed"
    CONNECTION_STATUS_CHANGED = "connection.status_changed", "A connection's status changed"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    DEAD = "dead", "Gave up"


class EndpointQuerySet(models.QuerySet["WebhookEndpoint"]):
    def visible_to(self, user: object) -> EndpointQuerySet:
        """The endpoints of the organisations in which the user is an admin."""
        return self.filter(organisation_id__in=permissions.organisation_ids(user, Role.ADMIN))


class WebhookEndpoint(models.Model):
    """Where an organisation's system wants to hear about changes, and the secret it checks
    each delivery's signature with. The secret is shown once, when made or rotated."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="webhook_endpoints"
    )
    name = models.CharField(max_length=100, help_text="A label for people, such as the system.")
    url = models.URLField("Address", max_length=500, validators=[addresses.validate])
    events = models.JSONField(default=list, help_text="The event types sent to this endpoint.")
    # Kept as given because signing needs it; never shown again after it is made.
    secret = models.CharField(max_length=100, editable=False)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    # After a rotation the old secret also signs, for a day, while the receiver switches over.
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["organisation_id", "created_at", "id"]
        indexes = [models.Index(fields=["organisation", "active"], name="webhook_endpoint_org_idx")]

    def __str__(self) -> str:
        return self.name

    def subscribes_to(self, event_type: str) -> bool:
        return self.active and event_type in self.events

    def signing_secrets(self, now: dt.datetime) -> list[str]:
        """The secrets each delivery is signed with: the current one, and the one it replaced
        until its day of overlap is over."""
        overlap = self.previous_secret_until is not None and now < self.previous_secret_until
        return (
            [self.secret, self.previous_secret]
            if overlap and self.previous_secret
            else [self.secret]
        )


class WebhookEvent(models.Model):
    """One row of the outbox: something changed that one organisation is to be told about.
    Written in the same transaction as the change."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=40, choices=EventType.choices)
    resource_type = models.CharField(max_length=40)
    resource_id = models.CharField(max_length=64)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["organisation", "created_at"], name="webhook_event_org_idx")
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.resource_type}/{self.resource_id}"


class DeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def visible_to(self, user: object) -> DeliveryQuerySet:
        """Deliveries to the endpoints of the organisations in which the user is an admin."""
        admin_of = permissions.organisation_ids(user, Role.ADMIN)
        return self.filter(endpoint__organisation_id__in=admin_of)

    def due(self, now: object = None) -> DeliveryQuerySet:
        """Pending deliveries whose next attempt is due and that no worker holds."""
        now = now or timezone.now()
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
        )


class WebhookDelivery(models.Model):
    """One event for one endpoint: tried until delivered, or parked as dead for a replay."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries"
    )
    event = models.ForeignKey(WebhookEvent, on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
            models.Index(fields=["endpoint", "status"], name="webhook_delivery_endpoint_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint} ({self.status})"
