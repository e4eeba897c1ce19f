"""What the audit log page shows of each event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from linkwork.audit.models import AuditEvent
from linkwork.core import tables
from linkwork.core.presenters import datetime_uk


def events_table(events: Iterable[AuditEvent]) -> dict[str, Any]:
    """Audit events, newest first: when, who, what and to which record, and from where."""
    rows = []
    for event in events:
        record = (
            tables.markup("{} <code>{}</code>", event.object_type, event.object_id)
            if event.object_type
            else tables.markup("")
        )
        rows.append(
            [
                {"text": datetime_uk(event.occurred_at), "classes": "lw-nowrap"},
                tables.text(event.actor.email if event.actor else "Not signed in"),
                tables.html(tables.markup("<code>{}</code>", event.action)),
                tables.html(record),
                tables.text(event.ip_address or ""),
            ]
        )
    return tables.table("Audit entries", ["When", "Who", "Action", "Record", "From"], rows)
