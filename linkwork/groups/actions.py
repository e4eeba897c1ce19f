"""Every write of group sessions: making a group and its sessions ahead, changing its details
and closing it, booking people, marking the register and finalising it.

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
from linkwork.core import concurrency
from linkwork.core.presenters import date_uk
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
    end = today + dt.timedelta(weeks=weeks)
    # A day that has a session already keeps it, at whatever time: after the group's start
    # time changes, today's session that has started (at the old time) is not made again.
    taken_days = {
        timezone.localtime(starts_at).date()
        for starts_at in group.sessions.filter(
            starts_at__gte=dt.datetime.combine(today, dt.time.min, tzinfo=zone),
            starts_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
        ).values_list("starts_at", flat=True)
    }
    made = 0
    for day in meeting_days(
        recurrence=group.recurrence,
        weekday=group.weekday,
        first_on=group.first_on,
        start=today,
        end=end,
    ):
        if day in taken_days:
            continue
        starts_at = dt.datetime.combine(day, group.starts_at, tzinfo=zone)
        _, created = GroupSession.objects.get_or_create(
            group=group, starts_at=starts_at, defaults={"capacity": group.capacity}
        )
        made += created
    return made


def _group_last_change(group: Group) -> concurrency.LastChange:
    if group.updated_by_id is None:
        return concurrency.name_of(group.created_by), group.created_at
    return concurrency.name_of(group.updated_by), group.updated_at


def _group_for_change(group: Group, version: str | None) -> Group:
    """The group's row locked for a change, refused when someone changed it since the form
    was shown (`version`) or when it is closed."""
    # No select_related: PostgreSQL cannot lock the nullable side of an outer join.
    locked = Group.objects.select_for_update().get(pk=group.pk)
    concurrency.check(
        sent=version,
        current=locked.version,
        what="group",
        last_change=lambda: _group_last_change(locked),
    )
    if not locked.active:
        raise GroupError("This group is closed: its details can no longer be changed")
    return locked


def _coming_sessions(group: Group, now: dt.datetime) -> list[tuple[GroupSession, int]]:
    """The group's sessions still to start, neither finalised nor cancelled, locked, each with
    its places taken."""
    sessions = (
        GroupSession.objects.select_for_update()
        .filter(group=group, starts_at__gt=now, finalised_at__isnull=True, cancelled=False)
        .order_by("starts_at")
    )
    return [(session, places_taken(session)) for session in sessions]


def _save_group(group: Group, by: User, fields: list[str]) -> None:
    group.version += 1
    group.updated_by = by
    group.updated_at = timezone.now()
    group.save(update_fields=[*fields, "version", "updated_by", "updated_at"])


# The details of a group that can change once it has started, in the order of the form.
EDITABLE = ("name", "venue", "starts_at", "duration_minutes", "capacity")


@transaction.atomic
def edit_group(
    *,
    by: User,
    group: Group,
    name: str | None = None,
    venue: str | None = None,
    starts_at: dt.time | None = None,
    duration_minutes: int | None = None,
    capacity: int | None = None,
    version: str | None = None,
    now: dt.datetime | None = None,
) -> list[str]:
    """Change a group's name, venue, start time, length or places (None keeps a detail as it
    is). Returns the names of the fields changed; nothing is written when none changed.

    The group's sessions still to come, neither finalised nor cancelled, follow the new start
    time (on the same day) and places; sessions that have started and finalised registers
    never change. Places fewer than the people already booked on a coming session are refused,
    naming that session, so no session is ever overbooked.

    The service, who runs the group, how often it meets, its weekday and its first session
    cannot change here: its coming sessions would move to other days or end, and the people
    booked on them with them. A group that changes those is closed and a new one started."""
    locked = _group_for_change(group, version)
    wanted: dict[str, object] = {
        "name": name.strip() if name is not None else None,
        "venue": venue.strip() if venue is not None else None,
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "capacity": capacity,
    }
    if wanted["name"] == "":
        raise GroupError("Enter the name of the group", field="name")
    if wanted["venue"] == "":
        raise GroupError("Enter where the group meets", field="venue")
    if capacity is not None and capacity < 1:
        raise GroupError("Places at each session must be 1 or more", field="capacity")
    if duration_minutes is not None and duration_minutes < 1:
        raise GroupError(
            "The length of a session must be 1 minute or more", field="duration_minutes"
        )
    changed = [
        field
        for field in EDITABLE
        if wanted[field] is not None and wanted[field] != getattr(locked, field)
    ]
    if not changed:
        return []
    sessions: list[tuple[GroupSession, int]] = []
    if "starts_at" in changed or "capacity" in changed:
        sessions = _coming_sessions(locked, now or timezone.now())
    if capacity is not None and "capacity" in changed:
        for session, taken in sessions:
            if taken > capacity:
                raise GroupError(
                    f"The session on {date_uk(session.starts_at)} has "
                    f"{taken} places booked. Enter {taken} places or more, or cancel bookings "
                    "on that session first",
                    field="capacity",
                )
    for field in changed:
        setattr(locked, field, wanted[field])
    _save_group(locked, by, changed)
    zone = timezone.get_current_timezone()
    for session, _ in sessions:
        if "starts_at" in changed:
            day = timezone.localtime(session.starts_at).date()
            session.starts_at = dt.datetime.combine(day, locked.starts_at, tzinfo=zone)
        session.capacity = locked.capacity
        session.save(update_fields=["starts_at", "capacity"])
    # Field names only: a venue may be someone's home.
    auditor.record(
        action="group.changed",
        actor=by,
        target=locked,
        scheme_id=_scheme_of(locked),
        detail={"fields": changed, "sessions": len(sessions)},
    )
    return changed


@transaction.atomic
def close_group(
    *, by: User, group: Group, version: str | None = None, now: dt.datetime | None = None
) -> int:
    """Close a group that has ended: no more sessions are made for it, and its coming
    sessions, none of which may have anyone booked, are cancelled. Returns how many were
    cancelled.

    A group with people booked on a coming session is refused, naming the first such session:
    cancelling it would tell no one (a cancelled session sends no message), so its bookings
    or the session are cancelled on its register first, where the runner can tell each person.
    Sessions that have started keep their registers, to be finalised as before."""
    locked = _group_for_change(group, version)
    sessions = _coming_sessions(locked, now or timezone.now())
    booked = [session for session, taken in sessions if taken]
    if booked:
        first = date_uk(booked[0].starts_at)
        count = len(booked)
        raise GroupError(
            f"People are booked on {count} coming "
            f"{'session' if count == 1 else 'sessions'}, the first on {first}. Cancel their "
            "bookings, or cancel those sessions, on each session's register, then close the "
            "group"
        )
    for session, _ in sessions:
        cancel_session(by=by, session=session)
    locked.active = False
    _save_group(locked, by, ["active"])
    auditor.record(
        action="group.closed",
        actor=by,
        target=locked,
        scheme_id=_scheme_of(locked),
        detail={"sessions_cancelled": len(sessions)},
    )
    return len(sessions)


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
    if not session.group.active:
        raise GroupError("This group has closed, so nobody new can be booked onto its sessions")
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
