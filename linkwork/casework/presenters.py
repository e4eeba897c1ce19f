"""What the caseload and capacity pages show of each person and each link worker: labels,
dates, due items and loads in words. Presenters format; the pages lay out."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from markupsafe import Markup

from linkwork.casework.capacity import ConnectionCounts
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.core import tables
from linkwork.core.paging import Paging
from linkwork.core.presenters import date_uk, datetime_uk, status_tag
from linkwork.outcomes.schedules import DueMeasure
from linkwork.referrals.capacity import LoadStatus, WorkerLoad
from linkwork.referrals.lifecycle import Complexity

# Open connection statuses in the order a connection goes through them.
CONNECTION_ORDER = (
    ConnectionStatus.DRAFT,
    ConnectionStatus.REQUESTED,
    ConnectionStatus.ACCEPTED,
    ConnectionStatus.IN_PROGRESS,
    ConnectionStatus.ON_HOLD,
)

LOAD_TAG_CLASSES = {
    LoadStatus.HAS_ROOM: "nhsuk-tag--green",
    LoadStatus.NEAR_LIMIT: "nhsuk-tag--yellow",
    LoadStatus.AT_LIMIT: "nhsuk-tag--orange",
    LoadStatus.OVER_LIMIT: "nhsuk-tag--red",
}


LIMIT_WORDS = {
    LoadStatus.NEAR_LIMIT: "near",
    LoadStatus.AT_LIMIT: "at",
    LoadStatus.OVER_LIMIT: "over",
}


class RecordUrl:
    """The address of one record's page, for many records: `reverse` once, then the id put in
    by replacing a placeholder, since a caseload has hundreds of rows with several links each."""

    PLACEHOLDER = uuid.UUID(int=0)

    def __init__(self, name: str) -> None:
        self.template = reverse(name, args=[self.PLACEHOLDER])

    def __call__(self, pk: Any) -> str:
        return self.template.replace(str(self.PLACEHOLDER), str(pk))


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def number(value: float) -> str:
    """42 or 42.5: weighted loads are whole or halves."""
    return f"{value:g}"


def days_since(value: dt.datetime, today: dt.date) -> int:
    return max((today - timezone.localtime(value).date()).days, 0)


@dataclass(frozen=True)
class DueItem:
    """Something the link worker should do for the person. Overdue items say so in words."""

    text: str
    overdue: bool = False
    href: str | None = None
    link_text: str | None = None


@dataclass(frozen=True)
class CaseloadEntry:
    """One referral of a caseload with what is due: all that puts it in order, filters it and
    counts it. Every referral of the caseload has one; only those shown are put in words
    (`CaseloadRow.of`), so a long caseload costs one page of rows, not all of them."""

    referral: Any
    counts: ConnectionCounts | None
    due: list[DueItem]
    earliest_due: dt.date | None
    # Family name first, lower case: how a list of people is put in order by name.
    sort_name: str

    @property
    def received_at(self) -> dt.datetime:
        return self.referral.received_at

    @property
    def overdue(self) -> bool:
        return any(item.overdue for item in self.due)

    def sort_key(self) -> tuple[bool, bool, dt.date, dt.datetime]:
        """Overdue first, then the earliest due date, then the longest since referral."""
        return (
            not self.overdue,
            self.earliest_due is None,
            self.earliest_due or dt.date.max,
            self.received_at,
        )

    def name_key(self) -> tuple[str, dt.datetime]:
        return (self.sort_name, self.received_at)

    def waiting_key(self) -> dt.datetime:
        """The longest waiting since referral first."""
        return self.received_at


@dataclass(frozen=True)
class CaseloadRow:
    """One referral of a caseload in words, as the caseload page and the home page show it."""

    referral_id: Any
    person_name: str
    href: str
    reference: str
    status: dict[str, str]
    complexity: str
    days_since_referral: int
    received_at: dt.datetime
    last_contact: str
    next_follow_up: str
    connections: str
    link_worker: str
    assigned: bool
    assign_href: str
    due: list[DueItem] = field(default_factory=list)
    earliest_due: dt.date | None = None

    @property
    def days_since_text(self) -> str:
        return plural(self.days_since_referral, "day")

    @classmethod
    def of(cls, entry: CaseloadEntry, today: dt.date, urls: CaseloadUrls) -> CaseloadRow:
        referral = entry.referral
        return cls(
            referral_id=referral.pk,
            person_name=referral.person.full_name,
            href=urls.referral(referral.pk),
            reference=referral.reference,
            status=status_tag(referral),
            complexity=Complexity(referral.complexity).label,
            days_since_referral=days_since(referral.received_at, today),
            received_at=referral.received_at,
            last_contact=date_uk(referral.last_contact_at) or "None yet",
            next_follow_up=date_uk(referral.next_follow_up_on) or "None",
            connections=connections_summary(entry.counts),
            link_worker=(
                referral.link_worker.full_name
                if referral.link_worker_id is not None
                else "Waiting list"
            ),
            assigned=referral.link_worker_id is not None,
            assign_href=urls.assign(referral.pk),
            due=entry.due,
            earliest_due=entry.earliest_due,
        )


# The orders a caseload can be shown in: the parameter, its label and its key.
CASELOAD_SORTS: dict[str, tuple[str, Callable[[CaseloadEntry], Any]]] = {
    "due": ("Due date", CaseloadEntry.sort_key),
    "name": ("Name", CaseloadEntry.name_key),
    "waiting": ("Days waiting", CaseloadEntry.waiting_key),
}


def sort_caseload(entries: Iterable[CaseloadEntry], by: str) -> list[CaseloadEntry]:
    """The entries in the order asked for (`CASELOAD_SORTS`); by due date when it is unknown."""
    key: Callable[[CaseloadEntry], Any] = CASELOAD_SORTS.get(by, CASELOAD_SORTS["due"])[1]
    return sorted(entries, key=key)


def connections_summary(counts: ConnectionCounts | None) -> str:
    """'1 requested, 1 on hold', in the order connections go through their states."""
    if counts is None or not counts.by_status:
        return "None open"
    return ", ".join(
        f"{counts.by_status[status]} {status.label.lower()}"
        for status in CONNECTION_ORDER
        if counts.by_status.get(status)
    )


@dataclass(frozen=True)
class CaseloadUrls:
    """The links of a caseload row."""

    referral: RecordUrl
    connections: RecordUrl
    contacts: RecordUrl
    assign: RecordUrl
    outcomes: RecordUrl
    # The form for each instrument, reversed once per caseload rather than once per row.
    measure_forms: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls) -> CaseloadUrls:
        return cls(
            referral=RecordUrl("referrals:detail"),
            connections=RecordUrl("casework:connections"),
            contacts=RecordUrl("casework:contacts"),
            assign=RecordUrl("casework:assign"),
            outcomes=RecordUrl("outcomes:trajectories"),
        )

    def record_measure(self, pk: Any, instrument: str, time_point: str) -> str:
        """The form for one instrument at its time point (a different route, so built here)."""
        base = self.measure_forms.get(instrument)
        if base is None:
            base = reverse("outcomes:record", args=[RecordUrl.PLACEHOLDER, instrument])
            self.measure_forms[instrument] = base
        return base.replace(str(RecordUrl.PLACEHOLDER), str(pk)) + f"?time_point={time_point}"


def due_items(
    referral: Any,
    counts: ConnectionCounts | None,
    measures: Sequence[DueMeasure],
    today: dt.date,
    urls: CaseloadUrls | None = None,
) -> list[DueItem]:
    """What is due for one person, overdue items first. `referral` carries the annotations of
    `capacity.annotate_caseload`."""
    urls = urls or CaseloadUrls.build()
    items: list[DueItem] = []
    connections_url = urls.connections(referral.pk)
    if referral.overdue_follow_ups:
        items.append(
            DueItem(f"{plural(referral.overdue_follow_ups, 'follow-up')} overdue", overdue=True)
        )
    if counts is not None and counts.past_deadline:
        items.append(
            DueItem(
                f"{plural(counts.past_deadline, 'connection')} past the provider's deadline",
                overdue=True,
                href=connections_url,
                link_text="chase or cancel",
            )
        )
    if referral.next_follow_up_on == today:
        items.append(DueItem("Follow-up due today"))
    if counts is not None and counts.on_hold:
        items.append(
            DueItem(
                f"{plural(counts.on_hold, 'connection')} on hold: service paused",
                href=connections_url,
                link_text="find another service",
            )
        )
    if referral.missed_in_a_row >= referral.review_after:
        items.append(
            DueItem(
                f"{plural(referral.missed_in_a_row, 'missed contact')} in a row",
                href=urls.contacts(referral.pk),
                link_text="review or close",
            )
        )
    items.extend(
        DueItem(
            f"{measure.label} {'overdue' if measure.overdue else 'due'}",
            overdue=measure.overdue,
            href=urls.record_measure(referral.pk, measure.instrument, measure.time_point),
            link_text="record it",
        )
        for measure in measures
    )
    return items


def caseload_entries(
    referrals: Iterable[Any],
    connections: Mapping[Any, ConnectionCounts],
    measures: Mapping[Any, Sequence[DueMeasure]],
    today: dt.date,
    flags: Mapping[Any, Sequence[str]] | None = None,
) -> list[CaseloadEntry]:
    """One entry per referral, sorted: overdue first, then by the earliest due date, then by
    when the referral arrived. `flags` gives each referral's open safety flags, which come
    first in what is due and count as overdue. Reads no more from the database."""
    entries = []
    urls = CaseloadUrls.build()
    for referral in referrals:
        counts = connections.get(referral.pk)
        flagged = [
            DueItem(
                f"Safety flag: {label.lower()}",
                overdue=True,
                href=urls.referral(referral.pk),
                link_text="act on it",
            )
            for label in (flags or {}).get(referral.pk, ())
        ]
        dates = [
            d
            for d in (
                referral.next_follow_up_on,
                counts.earliest_deadline if counts is not None else None,
            )
            if d is not None
        ]
        entries.append(
            CaseloadEntry(
                referral=referral,
                counts=counts,
                due=flagged
                + due_items(referral, counts, measures.get(referral.pk, ()), today, urls),
                earliest_due=min(dates) if dates else None,
                sort_name=f"{referral.person.family_name} {referral.person.given_name}".lower(),
            )
        )
    return sorted(entries, key=CaseloadEntry.sort_key)


def caseload_rows(entries: Iterable[CaseloadEntry], today: dt.date) -> list[CaseloadRow]:
    """The entries shown, in words, in the order given."""
    urls = CaseloadUrls.build()
    return [CaseloadRow.of(entry, today, urls) for entry in entries]


@dataclass(frozen=True)
class LoadSummary:
    """A link worker's load in one scheme, in words."""

    scheme_name: str
    worker_name: str
    worker_id: int
    active_people: int
    active: str
    year: str
    status: LoadStatus
    tag: dict[str, str]
    # "near", "at" or "over" (the limit), when at least near it: the page warns.
    near: str | None

    @classmethod
    def of(cls, load: WorkerLoad) -> LoadSummary:
        status = load.status
        return cls(
            scheme_name=load.scheme.name,
            worker_name=load.worker.full_name,
            worker_id=load.worker.pk,
            active_people=load.active_people,
            active=f"{number(load.active_weighted)} of {load.active_limit}",
            year=f"{number(load.year_weighted)} of {load.yearly_limit}",
            status=status,
            tag={"text": status.label, "classes": LOAD_TAG_CLASSES[status]},
            near=LIMIT_WORDS.get(status),
        )

    @property
    def hint(self) -> str:
        """For a choice of link worker: their load in one line."""
        return (
            f"{self.status.label}: {self.active} weighted at once "
            f"({plural(self.active_people, 'person', 'people')}), {self.year} this year"
        )


@dataclass(frozen=True)
class WaitingRow:
    """One person on the waiting list."""

    person_name: str
    href: str
    reference: str
    scheme_name: str
    complexity: str
    waiting_since: str
    days_waiting: int
    assign_href: str

    @classmethod
    def of(cls, referral: Any, today: dt.date) -> WaitingRow:
        return cls(
            person_name=referral.person.full_name,
            href=reverse("referrals:detail", args=[referral.pk]),
            reference=referral.reference,
            scheme_name=referral.scheme.name,
            complexity=Complexity(referral.complexity).label,
            waiting_since=date_uk(referral.waited_from),
            days_waiting=days_since(referral.waited_from, today),
            assign_href=reverse("casework:assign", args=[referral.pk]),
        )

    @property
    def days_waiting_text(self) -> str:
        return plural(self.days_waiting, "day")


def link_worker_items(params: dict[str, Any], loads: Mapping[int, LoadSummary]) -> dict[str, Any]:
    """Add each link worker's load as the hint of their radio (from `choice_field`)."""
    for item in params.get("items", []):
        summary = loads.get(int(item["value"]))
        if summary is not None:
            item["hint"] = {"text": summary.hint}
    return params


# Tables of the casework pages.


def _person_with_reference(href: str, name: str, reference: str) -> tables.Cell:
    return tables.html(
        tables.markup(
            '<a href="{}">{}</a><br><span class="nhsuk-body-s nhsuk-u-nowrap">{}</span>',
            href,
            name,
            reference,
        )
    )


@dataclass(frozen=True)
class SchemeLoads:
    """One scheme on the capacity page: every link worker's load, how many are at each
    status, and the page of the (filtered) list shown."""

    scheme: Any
    loads: list[LoadSummary]
    counts: list[tuple[str, int]]
    paging: Paging
    table: dict[str, Any]

    @property
    def page(self) -> Any:
        return self.paging.page

    @property
    def crowded(self) -> int:
        return sum(1 for load in self.loads if load.near)


def status_counts(loads: Iterable[LoadSummary]) -> list[tuple[str, int]]:
    """How many link workers are at each status, in the statuses' order, leaving out none."""
    counted = Counter(load.status for load in loads)
    return [(status.label, counted.get(status, 0)) for status in LoadStatus]


def loads_table(scheme: Any, loads: Iterable[LoadSummary]) -> dict[str, Any]:
    """Each link worker's load in one scheme, against the scheme's limits."""
    return tables.table(
        f"Link workers in {scheme.name}: at most {scheme.active_caseload_limit} at once and "
        f"{scheme.yearly_caseload_limit} a year each",
        [
            "Link worker",
            "Active people",
            "Weighted load at once",
            "People in the last 365 days",
            "Status",
        ],
        (
            [
                tables.text(load.worker_name),
                tables.text(load.active_people),
                tables.text(load.active),
                tables.text(load.year),
                tables.html(tables.tag(load.tag)),
            ]
            for load in loads
        ),
        caption_size="m",
    )


def waiting_table(rows: Iterable[WaitingRow], *, several_schemes: bool) -> dict[str, Any]:
    """The waiting list, the longest waiting first; the scheme is shown when there are several."""
    head: list[str | tables.Cell] = ["Person"]
    if several_schemes:
        head.append("Scheme")
    head += ["Complexity", "Waiting since", "Days waiting", tables.hidden_heading("Action")]
    body = []
    for row in rows:
        cells = [_person_with_reference(row.href, row.person_name, row.reference)]
        if several_schemes:
            cells.append(tables.text(row.scheme_name))
        cells += [
            tables.text(row.complexity),
            tables.text(row.waiting_since),
            tables.text(row.days_waiting_text),
            tables.link("Assign", row.assign_href, hidden=row.person_name),
        ]
        body.append(cells)
    return tables.table("People waiting for a link worker, the longest waiting first", head, body)


def contacts_table(contacts: Iterable[Any]) -> dict[str, Any]:
    """A referral's contacts, newest first, with how long each took and who recorded it."""
    return tables.table(
        "Contacts, newest first",
        ["When", "How", "What happened", "Note"],
        (
            [
                tables.html(
                    tables.markup(
                        '{}<br><span class="nhsuk-body-s">{} minutes, {}</span>',
                        datetime_uk(contact.occurred_at),
                        contact.duration_minutes,
                        contact.recorded_by.full_name,
                    )
                ),
                tables.text(contact.get_mode_display()),
                tables.text(contact.get_outcome_display()),
                tables.text(contact.note),
            ]
            for contact in contacts
        ),
    )


def sessions_table(
    sessions: Iterable[Any],
    *,
    caption: str,
    attended: tuple[str, str] = ("Yes", "No"),
    caption_size: str | None = None,
) -> dict[str, Any]:
    """Sessions at a service, newest first: the date and whether the person came (in the
    words of `attended`: yes, then no)."""
    return tables.table(
        caption,
        ["Date", "Attended"],
        (
            [
                tables.text(date_uk(session.session_on)),
                tables.text(attended[0] if session.attended else attended[1]),
            ]
            for session in sessions
        ),
        caption_size=caption_size,
    )


def _connection_link(connection: Any) -> str:
    return reverse("casework:connection", args=[connection.referral_id, connection.pk])


def _open_connection_details(connection: Any, paused_because: str, today: dt.date) -> Markup:
    details = tables.markup("")
    if connection.status == ConnectionStatus.REQUESTED:
        details = tables.markup("Answer due by {}", date_uk(connection.respond_by))
        if connection.respond_by and connection.respond_by < today:
            details += tables.markup(": <strong>overdue</strong>")
    elif connection.status == ConnectionStatus.ACCEPTED and connection.waiting_list:
        details = tables.markup("On the service's waiting list")
    elif connection.status == ConnectionStatus.ON_HOLD:
        details = (
            tables.markup("Paused: the service is {}", paused_because)
            if paused_because
            else tables.markup("The service has reopened: you can resume this connection")
        )
    if connection.supported_linking:
        details += tables.markup("<br>Supported linking")
    return details


def open_connections_table(
    connections: Iterable[Any], *, paused_because: Mapping[Any, str], today: dt.date
) -> dict[str, Any]:
    """A referral's open connections, newest first, with what each is waiting for."""
    return tables.table(
        "Open connections, newest first",
        ["Service", "Status", "Details"],
        (
            [
                tables.html(
                    tables.markup(
                        '<a href="{}">{}</a><br><span class="nhsuk-body-s">{}</span>',
                        _connection_link(connection),
                        connection.service.name,
                        connection.service.organization.name,
                    )
                ),
                tables.html(tables.tag(status_tag(connection))),
                tables.html(
                    _open_connection_details(
                        connection, paused_because.get(connection.pk, ""), today
                    )
                ),
            ]
            for connection in connections
        ),
    )


def ended_connections_table(connections: Iterable[Any]) -> dict[str, Any]:
    """A referral's ended connections and the services it was signposted to."""
    return tables.table(
        "Connections that have ended and services signposted",
        ["Service", "Status", "Since"],
        (
            [
                tables.html(
                    tables.markup(
                        '<a href="{}">{}</a>', _connection_link(connection), connection.service.name
                    )
                ),
                tables.html(tables.tag(status_tag(connection))),
                tables.text(date_uk(connection.updated_at)),
            ]
            for connection in connections
        ),
    )


# The link worker's home page: what is due first.


def _due_cell(row: CaseloadRow) -> tables.Cell:
    return tables.html(
        Markup("<br>").join(
            tables.markup("<strong>{}</strong>", item.text) if item.overdue else item.text
            for item in row.due
        )
    )


def _person_cell(row: CaseloadRow) -> tables.Cell:
    return tables.link(row.person_name, row.href)


def due_today_table(rows: Iterable[CaseloadRow]) -> dict[str, Any]:
    """People with something overdue or due today, overdue first."""
    return tables.records_table(
        "Due today, overdue first",
        [
            ("Person", _person_cell),
            ("Reference", lambda row: tables.text(row.reference)),
            ("What is due", _due_cell),
        ],
        rows,
    )


def due_this_week_table(rows: Iterable[CaseloadRow]) -> dict[str, Any]:
    """People with a follow-up or a provider's deadline in the next 7 days, soonest first."""
    return tables.records_table(
        "Due in the next 7 days, soonest first",
        [
            ("Person", _person_cell),
            ("Reference", lambda row: tables.text(row.reference)),
            ("Due", lambda row: tables.text(date_uk(row.earliest_due))),
        ],
        rows,
    )


def others_table(rows: Iterable[CaseloadRow]) -> dict[str, Any]:
    """The rest of the caseload, with nothing due this week, the longest waiting first."""
    return tables.records_table(
        "Others on your caseload, the longest waiting first",
        [
            ("Person", _person_cell),
            ("Reference", lambda row: tables.text(row.reference)),
            ("Referred", lambda row: tables.text(f"{row.days_since_text} ago")),
        ],
        rows,
    )


# Appointments and the diary

APPOINTMENT_TAG_COLOURS = {
    "booked": "blue",
    "attended": "green",
    "did_not_attend": "orange",
    "cancelled": "grey",
}


def appointment_tag(appointment: Any) -> Markup:
    return tables.tag(
        {
            "text": appointment.get_status_display(),
            "classes": f"nhsuk-tag--{APPOINTMENT_TAG_COLOURS.get(appointment.status, 'grey')}",
        }
    )


def time_uk(value: dt.datetime) -> str:
    """'2:05pm'."""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def _how(appointment: Any) -> str:
    how = appointment.get_mode_display()
    return f"{how}: {appointment.place}" if appointment.place else how


def appointment_href(appointment: Any) -> str:
    return reverse("casework:appointment", args=[appointment.referral_id, appointment.pk])


def appointments_table(appointments: Iterable[Any], *, caption: str) -> dict[str, Any]:
    """One referral's appointments, soonest first."""
    return tables.table(
        caption,
        ["When", "How", "Link worker", "Status"],
        (
            [
                tables.link(
                    datetime_uk(appointment.starts_at),
                    appointment_href(appointment),
                ),
                tables.text(f"{_how(appointment)} ({appointment.duration_minutes} minutes)"),
                tables.text(appointment.link_worker.full_name),
                tables.html(appointment_tag(appointment)),
            ]
            for appointment in appointments
        ),
        responsive=True,
    )


@dataclass(frozen=True)
class DiaryDay:
    day: dt.date
    heading: str
    table: dict[str, Any] | None


def diary_days(
    dates: Sequence[dt.date], appointments: Iterable[Any], *, show_worker: bool
) -> list[DiaryDay]:
    """A table of appointments for each day of the diary page (None for a day without any),
    each row linking to the appointment on the person's case."""
    by_day: dict[dt.date, list[Any]] = {day: [] for day in dates}
    for appointment in appointments:
        by_day.setdefault(timezone.localtime(appointment.starts_at).date(), []).append(appointment)
    days = []
    for day in dates:
        heading = f"{day:%A} {date_uk(day)}"
        found = by_day[day]
        head: list[str | tables.Cell] = ["Time", "Person"]
        if show_worker:
            head.append("Link worker")
        head += ["How", "Status"]
        rows = []
        for appointment in found:
            referral = appointment.referral
            cells = [
                tables.text(f"{time_uk(appointment.starts_at)} to {time_uk(appointment.ends_at)}"),
                _person_with_reference(
                    appointment_href(appointment),
                    referral.person.full_name,
                    referral.reference,
                ),
            ]
            if show_worker:
                cells.append(tables.text(appointment.link_worker.full_name))
            cells += [tables.text(_how(appointment)), tables.html(appointment_tag(appointment))]
            rows.append(cells)
        days.append(
            DiaryDay(
                day,
                heading,
                tables.table(f"Appointments on {heading}", head, rows, responsive=True)
                if rows
                else None,
            )
        )
    return days
