"""How groups, sessions and registers read: the words of a recurrence, the tables of the group
pages, and how a person on a register is named to whoever runs the group."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from linkwork.casework import provider
from linkwork.casework.models import Connection, SharedField
from linkwork.core import tables
from linkwork.core.presenters import date_uk, datetime_uk
from linkwork.groups.models import EntryStatus, Group, GroupSession, Recurrence, RegisterEntry

TAG_CLASSES = {
    EntryStatus.BOOKED: "nhsuk-tag--blue",
    EntryStatus.ATTENDED: "nhsuk-tag--green",
    EntryStatus.ABSENT: "nhsuk-tag--orange",
    EntryStatus.CANCELLED: "nhsuk-tag--grey",
}

CLOSED_TAG = {"text": "Closed", "classes": "nhsuk-tag--grey"}


def clock(value: dt.time | dt.datetime) -> str:
    """ "10:30am", "2pm": the NHS.UK style for times."""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}:{value.minute:02d}{suffix}" if value.minute else f"{hour}{suffix}"


def when(group: Group) -> str:
    """ "Every week on Tuesday at 10:30am"."""
    day = group.get_weekday_display()
    if group.recurrence == Recurrence.MONTHLY:
        return f"The first {day} of each month at {clock(group.starts_at)}"
    every = "Every two weeks" if group.recurrence == Recurrence.FORTNIGHTLY else "Every week"
    return f"{every} on {day} at {clock(group.starts_at)}"


def session_when(session: GroupSession) -> str:
    local = timezone.localtime(session.starts_at)
    return f"{local:%A} {date_uk(local)} at {clock(local)}"


def finalised_text(session: GroupSession) -> str:
    if session.finalised_at is None:
        return ""
    who = session.finalised_by.get_full_name() if session.finalised_by else ""
    return f"Finalised {datetime_uk(session.finalised_at)}" + (f" by {who}" if who else "")


def run_by(group: Group) -> str:
    runner = group.organisation or group.scheme
    return runner.name if runner is not None else ""


def person_label(connection: Connection, *, as_provider: bool) -> str:
    """The person as the group's runners may know them. A scheme's staff see the name; a
    provider sees it only when it was shared on the connection and the person still consents,
    else the referral's reference."""
    referral = connection.referral
    if as_provider:
        shared = SharedField.NAME in (connection.shared_fields or [])
        if not shared or not provider.consent_in_force(connection):
            return f"Referral {referral.reference}"
    return f"{referral.person.full_name} ({referral.reference})"


def session_state(session: GroupSession) -> dict[str, str]:
    if session.cancelled:
        return {"text": "Cancelled", "classes": "nhsuk-tag--grey"}
    if session.finalised:
        return {"text": "Register finalised", "classes": "nhsuk-tag--green"}
    if session.starts_at <= timezone.now():
        return {"text": "Register to finalise", "classes": "nhsuk-tag--orange"}
    return {"text": "Upcoming", "classes": "nhsuk-tag--blue"}


def groups_table(groups: Iterable[Group], next_sessions: dict[Any, GroupSession]) -> dict[str, Any]:
    rows = []
    for group in groups:
        upcoming = next_sessions.get(group.pk)
        rows.append(
            [
                tables.link(group.name, reverse("groups:group", args=[group.pk])),
                tables.text(group.service.name),
                tables.text(when(group)),
                tables.text(session_when(upcoming) if upcoming else "None planned"),
            ]
        )
    return tables.table(
        "Groups you run", ["Group", "Service", "When", "Next session"], rows, responsive=True
    )


def closed_groups_table(groups: Iterable[Group]) -> dict[str, Any]:
    """Groups the user ran that are closed: no sessions are made for them any more."""
    return tables.table(
        "Closed groups",
        ["Group", "Service", "State"],
        (
            [
                tables.link(group.name, reverse("groups:group", args=[group.pk])),
                tables.text(group.service.name),
                tables.html(tables.tag(CLOSED_TAG)),
            ]
            for group in groups
        ),
        caption_size="s",
        responsive=True,
    )


def sessions_table(caption: str, sessions: Iterable[GroupSession]) -> dict[str, Any]:
    """Sessions with their places taken (annotated `taken`) and the state of the register."""
    return tables.table(
        caption,
        ["Session", "Places booked", "Register"],
        (
            [
                tables.link(session_when(session), reverse("groups:session", args=[session.pk])),
                tables.text(f"{getattr(session, 'taken', 0)} of {session.capacity}"),
                tables.html(tables.tag(session_state(session))),
            ]
            for session in sessions
        ),
        caption_size="s",
        responsive=True,
    )


def register_table(rows: Iterable[tuple[RegisterEntry, str]]) -> dict[str, Any]:
    """The register as it stands: each person and their status; read-only."""
    return tables.table(
        "Register",
        ["Person", "Status", "Written to their record"],
        (
            [
                tables.text(label),
                tables.html(
                    tables.tag(
                        {
                            "text": entry.get_status_display(),
                            "classes": TAG_CLASSES[EntryStatus(entry.status)],
                        }
                    )
                ),
                tables.text("Yes" if entry.attendance_id else "No"),
            ]
            for entry, label in rows
        ),
        responsive=True,
    )
