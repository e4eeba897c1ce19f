"""Versioned edits: every change to a directory record leaves HSDS metadata rows.

Actions that create or edit a listing call `record_changes` in the same transaction, so the
history (and the ORUK `metadata` arrays) says who changed which field, from what, to what.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.utils import timezone

from linkwork.accounts.models import User
from linkwork.directory.models import HsdsRecord, Metadata, MetadataAction


def _values(record: HsdsRecord) -> dict[str, str]:
    return {
        field.attname: field.value_to_string(record)
        for field in record._meta.concrete_fields
        if not field.primary_key
    }


def record_changes(
    *,
    before: HsdsRecord | None,
    after: HsdsRecord,
    by: User | None = None,
    when: datetime | None = None,
) -> list[Metadata]:
    """Write the metadata for a create (`before` is None) or for each field that changed.

    `by` is the user who made the change, or None for imports and the system.
    """
    return Metadata.objects.bulk_create(changes(before=before, after=after, by=by, when=when))


def changes(
    *,
    before: HsdsRecord | None,
    after: HsdsRecord,
    by: User | None = None,
    when: datetime | None = None,
) -> list[Metadata]:
    """The metadata `record_changes` writes, not yet saved: for writers that save many rows
    at once (the import writes a batch of records' rows and their metadata in a few queries).
    """
    when = when or timezone.now()
    common = {
        "resource_id": after.pk,
        "resource_type": after.hsds_entity,
        "last_action_date": when,
        "updated_by": _name(by),
        "updated_by_user": by,
    }
    if before is None:
        rows = [Metadata(last_action_type=MetadataAction.CREATE, **common)]
    else:
        if before.pk != after.pk or type(before) is not type(after):
            raise ValueError("Both versions must be of the same record.")
        old, new = _values(before), _values(after)
        rows = [
            Metadata(
                last_action_type=MetadataAction.UPDATE,
                field_name=name,
                previous_value=old[name],
                replacement_value=new[name],
                **common,
            )
            for name in new
            if old[name] != new[name]
        ]
    return rows


def _name(by: User | None) -> str:
    return by.get_full_name() if by is not None else "Linkwork"


def creation_values(record: HsdsRecord, when: datetime) -> dict[str, Any]:
    """The fields of the metadata row `changes` makes for a record an import creates (no
    user), by attname: for writers that insert thousands at once without making a model
    instance of each."""
    return {
        "id": uuid.uuid4(),
        "resource_id": record.pk,
        "resource_type": record.hsds_entity,
        "last_action_date": when,
        "last_action_type": MetadataAction.CREATE,
        "field_name": "",
        "previous_value": "",
        "replacement_value": "",
        "updated_by": _name(None),
        "updated_by_user_id": None,
    }


def record_deletion(
    *, record: HsdsRecord, by: User | None = None, when: datetime | None = None
) -> Metadata:
    """Write the metadata for a record removed from the directory (such as a session or a
    venue taken off a listing): the row outlives the record, so the history stays whole."""
    return Metadata.objects.create(
        resource_id=record.pk,
        resource_type=record.hsds_entity,
        last_action_date=when or timezone.now(),
        last_action_type=MetadataAction.DELETE,
        updated_by=_name(by),
        updated_by_user=by,
    )
