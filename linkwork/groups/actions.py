"""Every write of group sessions: making a group and its sessions ahead, booking people,
marking the register and finalising it.

Each public action is one transaction that writes its own audit event (ids and codes only,
never a name). Booking and finalising lock the session's row first, so two people booking the
last place, or finalising the same register at once, are served one after the other: the
second booking finds the session full, the second finalise finds it finalised and writes
nothing. The unique constraints (one entry per person per session, one attendance per entry
and per connection and day) hold the same promise in the database.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linkwork.accounts.models import Organisation, Scheme, User
from linkwork.audit import auditor
from linkwork.casework import actions as casework_actions
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection
from linkwork.directory.models import Service
from linkwork.groups.models import (
    HOLDS_A_PLACE,
    EntryStatus,
    Group,
    GroupSession,
    Recurrence,
    RegisterEntry,
)
from linkwork.groups.schedule import WEEKS_AHEAD, meeting_days

# Connections that may be booked onto a session: accepted (or on the waiting list) or started.
BOOKABLE = (ConnectionStatus.ACCEPTED, ConnectionStatus.IN_PROGRESS)


class GroupError(ValueError):
    """A change to a group or its register that cannot be made. `field` names the form field
    the message belongs to; the message is for people."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _scheme_of(group: Group) -> int | None:
    return group.scheme_id


@transaction.atomic
def create_group(
    *,
    by: User,
    name: str,
    service: Service,
    venue: str,
    recurrence: Recurrence | str,
    weekday: int,
    starts_at: dt.time,
    first_on: dt.date,
    capacity: int,
    duration_minutes: int = 90,
    organisation: Organisation | None = None,
    scheme: Scheme | None = None,
    today: dt.date | None = None,
) -> Group:
    """Start a group run by a provider organisation (whose service it must be) or a scheme,
    and make its sessions from the first (if it is past) to the weeks ahead."""
    if (organisation is None) == (scheme is None):
        raise GroupError("A group is run by one provider organisation or one scheme")
    if organisation is not None and service.organization.account_organisation_id != (
        organisation.pk
    ):
        raise GroupError("Choose one of your organisation's services", field="service")
    if capacity < 1:
        raise GroupError("Places at each session must be 1 or more", field="capacity")
    group = Group.objects.create(
        name=name.strip(),
        service=service,
        venue=venue.strip(),
        recurrence=Recurrence(recurrence),
        weekday=weekday,
        starts_at=starts_at,
        first_on=first_on,
        capacity=capacity,
        duration_minutes=duration_minutes,
        organisation=organisation,
        scheme=scheme,
        created_by=by,
    )
    auditor.record(action="group.created", actor=by, target=group, scheme_id=_scheme_of(group))
    # A group started after its first session keeps the registers of the sessions since.
    today = today or timezone.localdate()
    start = min(first_on, today)
    make_sessions(group=group, today=start, weeks=WEEKS_AHEAD + (today - start).days // 7)
    return group


@transaction.atomic
def make_sessions(*, group: Group, today: dt.date | None = None, weeks: int = WEEKS_AHEAD) -> int:
    """Make the group's sessions from `today` to `weeks` ahead, each once however often this
    runs (the session's group and start time are unique). Returns how many were new."""
    if not group.active:
        return 0
    today = today or timezone.localdate()
    zone = timezone.get_current_timezone()
    made = 0
    for day in meeting_days(
        recurrence=group.recurrence,
        weekday=group.weekday,
        first_on=group.first_on,
        start=today,
        end=today + dt.timedelta(weeks=weeks),
    ):
        starts_at = dt.datetime.combine(day, group.starts_at, tzinfo=zone)
        _, created = GroupSession.objects.get_or_create(
            group=group, starts_at=starts_at, defaults={"capacity": group.capacity}
        )
        made += created
    return made


def _locked(session: GroupSession) -> GroupSession:
    """The session's row, locked until the end of the transaction (PostgreSQL; SQLite runs one
    writer at a time)."""
    return GroupSession.objects.select_for_update().select_related("group").get(pk=session.pk)


def _open_register(session: GroupSession) -> None:
    if session.finalised:
        raise GroupError("This register has been finalised and can no longer be changed")
    if session.cancelled:
        raise GroupError("This session is cancelled")


def places_taken(session: GroupSession) -> int:
    return session.entries.filter(status__in=HOLDS_A_PLACE).count()


@transaction.atomic
def book(*, by: User, session: GroupSession, connection: Connection) -> RegisterEntry:
    """Book one connected person onto a session, up to its capacity. Booking someone whose
    booking was cancelled books them again."""
    session = _locked(session)
    _open_register(session)
    if connection.service_id != session.group.service_id:
        raise GroupError("Select a person connected to this group's service", field="connection")
    if connection.status not in BOOKABLE:
        raise GroupError(
            "Only people whose connection to the service is accepted or started can be booked",
            field="connection",
        )
    entry = session.entries.filter(connection=connection).first()
    if entry is not None and entry.status != EntryStatus.CANCELLED:
        raise GroupError("This person is already booked onto this session", field="connection")
    taken = places_taken(session)
    if taken >= session.capacity:
        raise GroupError(
            f"This session is full: all {session.capacity} places are booked. "
            "Cancel a booking before booking someone else",
            field="connection",
        )
    now = timezone.now()
    if entry is None:
        entry = RegisterEntry.objects.create(
            session=session, connection=connection, booked_by=by, booked_at=now, updated_at=now
        )
    else:
        entry.status = EntryStatus.BOOKED
        entry.booked_by = by
        entry.updated_at = now
        entry.save(update_fields=["status", "booked_by", "updated_at"])
    auditor.record(
        action="register.booked",
        actor=by,
        target=entry,
        scheme_id=connection.referral.scheme_id,
        detail={"session": str(session.pk), "connection": str(connection.pk)},
    )
    return entry


@transaction.atomic
def mark(*, by: User, entries: dict[RegisterEntry, EntryStatus | str]) -> int:
    """Mark people on one session's register booked, attended, did not attend or cancelled.
    Returns how many changed."""
    if not entries:
        return 0
    sessions = {entry.session_id for entry in entries}
    if len(sessions) != 1:
        raise GroupError("Mark one session's register at a time")
    session = _locked(next(iter(entries)).session)
    _open_register(session)
    changed = 0
    now = timezone.now()
    for entry, status in entries.items():
        status = EntryStatus(status)
        current = RegisterEntry.objects.select_related("connection__referral").get(pk=entry.pk)
        if current.status == status:
            continue
        if (
            status in HOLDS_A_PLACE
            and current.status == EntryStatus.CANCELLED
            and places_taken(session) >= session.capacity
        ):
            raise GroupError(
                f"This session is full: all {session.capacity} places are booked",
                field=f"entry-{entry.pk}",
            )
        before = current.status
        current.status = status
        current.updated_at = now
        current.save(update_fields=["status", "updated_at"])
        auditor.record(
            action="register.marked",
            actor=by,
            target=current,
            scheme_id=current.connection.referral.scheme_id,
            detail={"session": str(session.pk), "from": before, "to": status.value},
        )
        changed += 1
    return changed


@transaction.atomic
def finalise(*, by: User, session: GroupSession) -> tuple[int, int]:
    """Finalise the register: write each marked person's attendance to their record, once.

    The session is locked and its finalised time set in one transaction, so a second finalise
    (now or at the same moment) finds it finalised and writes nothing. Returns (written,
    skipped): people whose attendance was written, and people whose connection had ended
    (their record takes no attendance). A register with anyone still only booked is refused:
    every person is marked first."""
    session = _locked(session)
    if session.finalised:
        return (0, 0)
    if session.cancelled:
        raise GroupError("This session is cancelled")
    if session.starts_at > timezone.now():
        raise GroupError("A register can be finalised once the session has started")
    entries = list(
        session.entries.select_related("connection__referral").order_by("booked_at", "pk")
    )
    unmarked = [entry for entry in entries if entry.status == EntryStatus.BOOKED]
    if unmarked:
        raise GroupError(
            f"Mark whether each person attended before finalising: {len(unmarked)} "
            f"{'person is' if len(unmarked) == 1 else 'people are'} still only booked"
        )
    session_on = timezone.localtime(session.starts_at).date()
    written = skipped = 0
    for entry in entries:
        if entry.status not in (EntryStatus.ATTENDED, EntryStatus.ABSENT):
            continue
        if entry.attendance_id is not None:
            continue
        connection = entry.connection
        if connection.status not in BOOKABLE:
            skipped += 1
            continue
        attendance = casework_actions.record_attendance(
            by=by,
            connection=connection,
            session_on=session_on,
            attended=entry.status == EntryStatus.ATTENDED,
        )
        # The same person on two registers of one service on one day has one attendance.
        if not RegisterEntry.objects.filter(attendance=attendance).exists():
            entry.attendance = attendance
            entry.save(update_fields=["attendance"])
        written += 1
    session.finalised_at = timezone.now()
    session.finalised_by = by
    session.save(update_fields=["finalised_at", "finalised_by"])
    auditor.record(
        action="register.finalised",
        actor=by,
        target=session,
        scheme_id=_scheme_of(session.group),
        detail={"written": written, "skipped": skipped, "entries": len(entries)},
    )
    return (written, skipped)


@transaction.atomic
def cancel_session(*, by: User, session: GroupSession) -> GroupSession:
    """Cancel one session (the venue is closed, the leader is ill). Its register can no
    longer be changed or finalised; the group's other sessions go on."""
    session = _locked(session)
    _open_register(session)
    session.cancelled = True
    session.save(update_fields=["cancelled"])
    auditor.record(
        action="group_session.cancelled",
        actor=by,
        target=session,
        scheme_id=_scheme_of(session.group),
    )
    return session
