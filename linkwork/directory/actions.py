"""Curation: the writes that keep the directory true. Each is one transaction, leaves HSDS
metadata for every changed field and writes an audit event."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwork.accounts.models import User
from linkwork.audit import auditor
from linkwork.directory.models import (
    Attribute,
    Entity,
    LinkType,
    Service,
    ServiceStatus,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
)
from linkwork.directory.oruk.attributes import AUDIENCE_TAXONOMY_NAME
from linkwork.directory.taxonomy import ensure_linkwork_taxonomy, term_id
from linkwork.directory.versioning import record_changes
from linkwork.vocabulary.categories import TAXONOMY_NAME


def _save_with_history(
    *,
    by: User,
    service: Service,
    before: Service,
    action: str,
    detail: dict[str, Any] | None = None,
) -> None:
    service.last_modified = timezone.now()
    service.save()
    changed = record_changes(before=before, after=service, by=by)
    auditor.record(
        action=action,
        actor=by,
        target=service,
        detail={
            "fields": sorted({row.field_name for row in changed if row.field_name}),
            **(detail or {}),
        },
    )


@transaction.atomic
def verify_service(*, by: User, service: Service, today: dt.date | None = None) -> Service:
    """A person has checked the listing with the provider today ("verified today")."""
    before = copy.copy(service)
    service.assured_date = today or timezone.localdate()
    # The checker is kept privately as `assurer`; their email is never published in the feed.
    service.assurer = by
    _save_with_history(by=by, service=service, before=before, action="service.verified")
    return service


@transaction.atomic
def edit_service(*, by: User, service: Service, changes: dict[str, Any]) -> Service:
    """Apply a curator's or provider's edits to a listing."""
    before = copy.copy(service)
    for name, value in changes.items():
        setattr(service, name, value)
    service.full_clean()
    _save_with_history(by=by, service=service, before=before, action="service.edited")
    return service


@transaction.atomic
def merge_services(*, by: User, keep: Service, duplicate: Service) -> Service:
    """Fold a duplicate listing into the one kept: its tips move across and it is marked
    defunct, pointing at the listing kept. Nothing is deleted."""
    if keep.pk == duplicate.pk:
        raise ValueError("A listing cannot be merged into itself.")
    duplicate.tips.update(service=keep)
    before = copy.copy(duplicate)
    duplicate.status = ServiceStatus.DEFUNCT
    duplicate.alert = f"Merged into {keep.name} ({keep.pk})."
    _save_with_history(by=by, service=duplicate, before=before, action="service.merged")
    return keep


class SuggestionDecided(ValueError):
    """The suggestion was already confirmed or rejected (by someone else, or a second click)."""


def _decide(*, by: User, suggestion: Suggestion, status: str) -> None:
    if suggestion.status != SuggestionStatus.SUGGESTED:
        raise SuggestionDecided(f"This suggestion was already {suggestion.status}.")
    suggestion.status = status
    suggestion.decided_at = timezone.now()
    suggestion.decided_by = by
    suggestion.save(update_fields=["status", "decided_at", "decided_by"])


@transaction.atomic
def confirm_suggestion(*, by: User, suggestion: Suggestion) -> Service:
    """A curator agrees with a suggestion: it becomes a stated fact of the listing (a category
    or audience attribute, or the listing's ages), with its history and an audit event."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    service = Service.objects.select_for_update().get(pk=suggestion.service_id)
    _decide(by=by, suggestion=suggestion, status=SuggestionStatus.CONFIRMED)
    before = copy.copy(service)
    if suggestion.kind == SuggestionKind.AGES:
        low, _, high = suggestion.value.partition("-")
        service.minimum_age = int(low) if low else None
        service.maximum_age = int(high) if high else None
        service.full_clean()
    else:
        ensure_linkwork_taxonomy()
        category = suggestion.kind == SuggestionKind.CATEGORY
        attribute, created = Attribute.objects.get_or_create(
            link_entity=Entity.SERVICE,
            link_id=service.pk,
            link_type=LinkType.CATEGORY if category else LinkType.AUDIENCE,
            taxonomy_term_id=term_id(
                TAXONOMY_NAME if category else AUDIENCE_TAXONOMY_NAME, suggestion.value
            ),
        )
        if created:
            record_changes(before=None, after=attribute, by=by)
    _save_with_history(
        by=by,
        service=service,
        before=before,
        action="service.suggestion_confirmed",
        detail={"kind": suggestion.kind, "value": suggestion.value},
    )
    return service


@transaction.atomic
def reject_suggestion(*, by: User, suggestion: Suggestion) -> Service:
    """A curator disagrees with a suggestion: it stops counting and is not offered again."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    service = Service.objects.select_for_update().get(pk=suggestion.service_id)
    _decide(by=by, suggestion=suggestion, status=SuggestionStatus.REJECTED)
    before = copy.copy(service)
    _save_with_history(
        by=by,
        service=service,
        before=before,
        action="service.suggestion_rejected",
        detail={"kind": suggestion.kind, "value": suggestion.value},
    )
    return service
