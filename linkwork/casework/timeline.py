"""One referral's timeline: contacts, appointments booked and cancelled, case notes,
connections and their status changes, outcome measures, safety flags and messages, newest
first, in a constant number of queries.

Each kind is read by one source, in one or a few queries whatever the length of the episode.
Safety flags come from their own records (`SafetyFlag` and its `FlagHandling`), so the
timeline shows when each was raised and how it was handled. Apps that keep other things worth
seeing on the timeline add a source with `contribute(kind, source)` from their
`AppConfig.ready()`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.urls import reverse

from linkwork.accounts.models import User
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Appointment, AppointmentStatus, CaseNote, Connection, Contact
from linkwork.core.presenters import datetime_uk
from linkwork.notifications.models import FAILED_STATUSES, InboundMessage, Message
from linkwork.outcomes.models import FlagKind, OutcomeMeasure, SafetyFlag
from linkwork.outcomes.safety import RAISED_BY
from linkwork.outcomes.scoring import INSTRUMENTS
from linkwork.referrals.models import Referral


class Kind(StrEnum):
    CONTACT = "contact"
    APPOINTMENT = "appointment"
    NOTE = "note"
    CONNECTION = "connection"
    MEASURE = "measure"
    FLAG = "flag"
    MESSAGE = "message"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.CONTACT: "Contacts",
    Kind.APPOINTMENT: "Appointments",
    Kind.NOTE: "Case notes",
    Kind.CONNECTION: "Connections",
    Kind.MEASURE: "Outcome measures",
    Kind.FLAG: "Safety flags and safeguarding",
    Kind.MESSAGE: "Messages",
}

# The headline score of each instrument's result, in the order tried.
HEADLINE_KEYS = ("metric", "index", "total")


@dataclass(frozen=True)
class Entry:
    """One thing that happened: when, what kind, a title, who, and a line of detail."""

    at: dt.datetime
    kind: Kind
    title: str
    by: str = ""
    detail: str = ""
    href: str = ""


Source = Callable[[Referral, User], Iterable[Entry]]
_contributed: list[tuple[Kind, Source]] = []


def contribute(kind: Kind, source: Source) -> None:
    """Add `source(referral, user)`, entries of `kind` read in a constant number of queries."""
    if (kind, source) not in _contributed:
        _contributed.append((kind, source))


def _name(user: User | None, nobody: str = "Linkwork") -> str:
    return user.full_name if user is not None else nobody


def contacts(referral: Referral, user: User) -> Iterable[Entry]:
    for contact in (
        Contact.objects.visible_to(user).filter(referral=referral).select_related("recorded_by")
    ):
        yield Entry(
            at=contact.occurred_at,
            kind=Kind.CONTACT,
            title=f"{contact.get_mode_display()}: {contact.get_outcome_display().lower()}",
            by=_name(contact.recorded_by),
            detail=contact.note,
        )


def appointments(referral: Referral, user: User) -> Iterable[Entry]:
    """Each appointment when it was booked, and when it was cancelled. One that happened (or
    was missed) is a contact from then on, and shows as one."""
    for appointment in (
        Appointment.objects.visible_to(user)
        .filter(referral=referral)
        .select_related("created_by", "updated_by", "link_worker")
    ):
        href = reverse("casework:appointment", args=[referral.pk, appointment.pk])
        when = f"{appointment.get_mode_display().lower()}, {datetime_uk(appointment.starts_at)}"
        yield Entry(
            at=appointment.created_at,
            kind=Kind.APPOINTMENT,
            title=f"Appointment booked: {when}",
            by=_name(appointment.created_by),
            detail=f"With {appointment.link_worker.full_name}",
            href=href,
        )
        if appointment.status == AppointmentStatus.CANCELLED:
            yield Entry(
                at=appointment.updated_at,
                kind=Kind.APPOINTMENT,
                title=f"Appointment cancelled: {when}",
                by=_name(appointment.updated_by),
                href=href,
            )


def notes(referral: Referral, user: User) -> Iterable[Entry]:
    for note in (
        CaseNote.objects.visible_to(user).filter(referral=referral).select_related("written_by")
    ):
        yield Entry(
            at=note.written_at,
            # A safeguarding concern is a flag: it is what a reader must not miss.
            kind=Kind.FLAG if note.safeguarding else Kind.NOTE,
            title="Safeguarding concern recorded" if note.safeguarding else "Case note",
            by=_name(note.written_by),
            detail=note.text,
        )


def connections(referral: Referral, user: User) -> Iterable[Entry]:
    found = (
        Connection.objects.visible_to(user)
        .filter(referral=referral)
        .select_related("service")
        .prefetch_related("history__changed_by")
    )
    for connection in found:
        url = reverse("casework:connection", args=[referral.pk, connection.pk])
        for change in connection.history.all():
            status = ConnectionStatus(change.to_status).label.lower()
            yield Entry(
                at=change.changed_at,
                kind=Kind.CONNECTION,
                title=f"{connection.service.name}: {status}",
                by=_name(change.changed_by),
                detail=change.reason,
                href=url,
            )


def _headline(measure: OutcomeMeasure) -> str:
    value = next((measure.result[key] for key in HEADLINE_KEYS if key in measure.result), None)
    return f"score {value:g}" if isinstance(value, int | float) else ""


def measures(referral: Referral, user: User) -> Iterable[Entry]:
    """Each measure recorded, with its headline score."""
    for measure in (
        OutcomeMeasure.objects.visible_to(user)
        .filter(referral=referral)
        .select_related("recorded_by")
    ):
        name = INSTRUMENTS[measure.instrument].name if measure.instrument in INSTRUMENTS else ""
        name = name or measure.instrument
        headline = _headline(measure)
        yield Entry(
            at=measure.recorded_at,
            kind=Kind.MEASURE,
            title=f"{name} ({measure.get_time_point_display().lower()})",
            by=_name(measure.recorded_by),
            detail=headline[:1].upper() + headline[1:],
        )


def flags(referral: Referral, user: User) -> Iterable[Entry]:
    """Each safety flag raised in the episode, and how it was handled once that is recorded."""
    for flag in (
        SafetyFlag.objects.visible_to(user)
        .filter(referral=referral)
        .select_related("raised_by", "handling__handled_by")
    ):
        kind = FlagKind(flag.kind)
        href = reverse("outcomes:flag", args=[referral.pk, flag.pk])
        handling = getattr(flag, "handling", None)
        yield Entry(
            at=flag.raised_at,
            kind=Kind.FLAG,
            title=f"Safety flag raised: {kind.label.lower()}",
            by=_name(flag.raised_by, "The referrer"),
            detail=f"Raised {RAISED_BY[kind]}."
            + ("" if handling else " Still open: not yet recorded as handled."),
            href=href,
        )
        if handling is not None:
            yield Entry(
                at=handling.handled_at,
                kind=Kind.FLAG,
                title=f"Safety flag handled: {kind.label.lower()}",
                by=_name(handling.handled_by),
                detail=handling.action_taken,
                href=href,
            )


def messages(referral: Referral, user: User) -> Iterable[Entry]:
    for message in Message.objects.visible_to(user).filter(referral=referral):
        yield Entry(
            at=message.created_at,
            kind=Kind.MESSAGE,
            title=f"{message.get_event_display()}: {message.get_channel_display().lower()} "
            f"to the {message.get_audience_display().lower()}",
            detail=message.get_status_display()
            + (f": {message.last_error}" if message.status in FAILED_STATUSES else ""),
            href=reverse("notifications:message", args=[message.pk]),
        )
    # Replies the person sent: the words are read on the messages page, where reading them
    # is audited reply by reply.
    for reply in InboundMessage.objects.visible_to(user).filter(referral=referral):
        yield Entry(
            at=reply.received_at,
            kind=Kind.MESSAGE,
            title="Text message reply from the person",
            by="Matched by hand" if reply.matched_by_id else "",
            detail="Read it on the messages page",
            href=reverse("notifications:referral_messages", args=[referral.pk]),
        )


SOURCES: list[tuple[frozenset[Kind], Source]] = [
    (frozenset({Kind.CONTACT}), contacts),
    (frozenset({Kind.APPOINTMENT}), appointments),
    (frozenset({Kind.NOTE, Kind.FLAG}), notes),
    (frozenset({Kind.CONNECTION}), connections),
    (frozenset({Kind.MEASURE}), measures),
    (frozenset({Kind.FLAG}), flags),
    (frozenset({Kind.MESSAGE}), messages),
]


def timeline(referral: Referral, user: User, kinds: Iterable[Kind] | None = None) -> list[Entry]:
    """The referral's entries of `kinds` (all, if None) that `user` may see, newest first.
    Sources of kinds not asked for are not read."""
    wanted = set(Kind) if kinds is None else set(kinds)
    sources: list[tuple[frozenset[Kind], Source]] = [
        *SOURCES,
        *((frozenset({kind}), source) for kind, source in _contributed),
    ]
    entries = [
        entry
        for gives, source in sources
        if gives & wanted
        for entry in source(referral, user)
        if entry.kind in wanted
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def kinds_of(values: Iterable[Any]) -> list[Kind]:
    """The kinds named in a request's `kind` parameters, unknown ones left out."""
    return [Kind(value) for value in values if value in Kind._value2member_map_]
