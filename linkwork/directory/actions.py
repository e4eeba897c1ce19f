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
from linkwork.directory.models import Service, ServiceStatus
from linkwork.directory.versioning import record_changes


def _save_with_history(*, by: User, service: Service, before: Service, action: str) -> None:
    service.last_modified = timezone.now()
    service.save()
    changed = record_changes(before=before, after=service, by=by)
    auditor.record(
        action=action,
        actor=by,
        target=service,
        detail={"fields": sorted({row.field_name for row in changed if row.field_name})},
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
