"""Which status changes make webhook events, heard from the apps below.

Referrals and casework cannot call interop (it is on the floor above), but every status change
of theirs writes one immutable history row (`StatusChange`, `ConnectionStatusChange`) in the
same transaction as the change. Hearing those rows' `post_save` puts the outbox rows in that
transaction too. History written in bulk (the demo seed) sends no save signal and so makes no
events, which is right for made-up people.

Who is told:
- a referral's status change: the referring organisation;
- a connection's status change: the referring organisation of its referral, and the provider
  organisation (the account organisation of the service's listing) once the connection has
  been requested of it; a draft or a signpost is no business of the provider's.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection, ConnectionStatusChange
from linkwork.interop.webhooks import outbox
from linkwork.interop.webhooks.models import EventType
from linkwork.referrals.models import Referral, StatusChange

# The FHIR resource a receiver fetches for each kind of record (see docs/guides/integration.md):
# the Task that carries the status, `/fhir/Task/<id>` with the referral's or connection's id.
REFERRAL_RESOURCE = "Task"
CONNECTION_RESOURCE = "Task"
# Connection statuses the provider has not been asked about.
NOT_THE_PROVIDERS = frozenset({ConnectionStatus.DRAFT, ConnectionStatus.SIGNPOSTED})


def referral_status_changed(
    sender: Any, instance: StatusChange, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    if raw or not created:
        return
    if StatusChange.referral.is_cached(instance):
        # Written by the status change itself, with the referral in hand.
        referring = instance.referral.referring_organisation_id
    else:
        referring = (
            Referral.objects.filter(pk=instance.referral_id)
            .values_list("referring_organisation_id", flat=True)
            .first()
        )
    outbox.record(
        event_type=EventType.REFERRAL_STATUS_CHANGED,
        resource_type=REFERRAL_RESOURCE,
        resource_id=str(instance.referral_id),
        organisation_ids=[referring],
    )


def connection_status_changed(
    sender: Any,
    instance: ConnectionStatusChange,
    created: bool = False,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    if raw or not created:
        return
    found = (
        Connection.objects.filter(pk=instance.connection_id)
        .values_list(
            "referral__referring_organisation_id", "service__organization__account_organisation_id"
        )
        .first()
    )
    if found is None:
        return
    referring, provider = found
    told = [referring]
    if instance.to_status not in NOT_THE_PROVIDERS:
        told.append(provider)
    outbox.record(
        event_type=EventType.CONNECTION_STATUS_CHANGED,
        resource_type=CONNECTION_RESOURCE,
        resource_id=str(instance.connection_id),
        organisation_ids=told,
    )


def connect() -> None:
    post_save.connect(
        referral_status_changed, sender=StatusChange, dispatch_uid="webhooks-referral-status"
    )
    post_save.connect(
        connection_status_changed,
        sender=ConnectionStatusChange,
        dispatch_uid="webhooks-connection-status",
    )
