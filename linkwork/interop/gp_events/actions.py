"""Exporting a practice's new coded events: once each, into a batch kept as it was sent.

Exports for one practice run one after another (the practice's row is locked), so two
people pressing "export" at once cannot send the same event twice; the ledger's unique key
would refuse it anyway. Every export and download is audited with ids and counts only.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction

from linkwork.accounts.models import Organisation, Scheme
from linkwork.audit import auditor
from linkwork.interop.gp_events import events, render
from linkwork.interop.gp_events.models import ExportBatch, ExportedEvent

FORMATS = {"csv": "text/csv; charset=utf-8", "fhir": "application/fhir+json"}


@transaction.atomic
def export(*, by: Any, scheme: Scheme, practice: Organisation) -> ExportBatch | None:
    """Export the scheme's events not yet sent to the practice, as a new batch; None when
    there is nothing new (no empty batch is kept)."""
    Organisation.objects.select_for_update().filter(pk=practice.pk).first()
    due = events.pending(scheme, practice)
    if not due.events:
        auditor.record(
            action="gp_events.nothing_new",
            actor=by,
            target=practice,
            scheme_id=scheme.pk,
            detail={"held_back": due.held_back},
        )
        return None
    batch = ExportBatch.objects.create(
        scheme=scheme,
        practice=practice,
        exported_by=by if by is not None and by.is_authenticated else None,
        shared_all_data=scheme.share_all_data_with_gp,
        events=[event.as_dict() for event in due.events],
    )
    ExportedEvent.objects.bulk_create(
        ExportedEvent(key=event.key, batch=batch) for event in due.events
    )
    auditor.record(
        action="gp_events.exported",
        actor=by,
        target=batch,
        scheme_id=scheme.pk,
        detail={
            "practice": practice.pk,
            "events": len(due.events),
            "held_back": due.held_back,
            "shared_all_data": batch.shared_all_data,
        },
    )
    return batch


def batch_events(batch: ExportBatch) -> list[events.Event]:
    return [events.Event.from_dict(data) for data in batch.events]


def content(batch: ExportBatch, file_format: str) -> str:
    """The batch as it was exported, in `file_format` ("csv" or "fhir")."""
    found = batch_events(batch)
    if file_format == "csv":
        return render.csv_text(found)
    if file_format == "fhir":
        bundle = render.fhir_bundle(found, batch_id=batch.pk, exported_at=batch.exported_at)
        return json.dumps(bundle, indent=2) + "\n"
    raise ValueError(f"Unknown format {file_format!r}: use csv or fhir.")


def file_name(batch: ExportBatch, file_format: str) -> str:
    code = batch.practice.ods_code or f"practice-{batch.practice_id}"
    suffix = "csv" if file_format == "csv" else "json"
    return f"gp-events-{code}-{batch.exported_at:%Y%m%d-%H%M%S}.{suffix}"


def downloaded(*, by: Any, batch: ExportBatch, file_format: str, request: Any = None) -> None:
    auditor.record(
        action="gp_events.downloaded",
        request=request,
        actor=by,
        target=batch,
        scheme_id=batch.scheme_id,
        detail={"format": file_format, "events": len(batch.events)},
    )
