"""What a provider may see: the rows of its inbox, and about a person only the details the
person consented to share and the link worker chose to share on that connection.

A provider never sees notes, contacts, safeguarding text, other connections or anything not
listed in `Connection.shared_fields`. When the person has since withdrawn their consent to
share with services, none of their details are shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection, SharedField, SupportPlan
from linkwork.core import tables
from linkwork.core.languages import LANGUAGES
from linkwork.core.presenters import date_uk, status_tag
from linkwork.people.models import ConsentKind, current_consents
from linkwork.vocabulary.needs import Need

SUPPORTED_LINKING = "The link worker will come to the first session"
LANGUAGE_NAMES = dict(LANGUAGES)
NEED_LABELS = dict(Need.choices)


@dataclass(frozen=True)
class Section:
    """One part of the inbox: which connections, in which order."""

    slug: str
    title: str
    caption: str


SECTIONS = (
    Section("answer", "Needs an answer", "Referrals waiting for your answer, overdue first"),
    Section("waiting_list", "Waiting list", "People accepted onto your waiting list"),
    Section("accepted", "Accepted", "Accepted referrals, waiting for the first session"),
    Section("attending", "Attending", "People attending your services"),
    Section("on_hold", "On hold", "Referrals on hold while a service is paused"),
    Section("closed", "Closed", "The 50 most recently closed referrals"),
)
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}
CLOSED_STATUSES = (
    ConnectionStatus.REJECTED,
    ConnectionStatus.COMPLETED,
    ConnectionStatus.FAILED,
    ConnectionStatus.CANCELLED,
)
# A page of the inbox: a phone can scroll it and a screen reader can list it.
PAGE_SIZE = 50


def section_filters(slug: str) -> dict[str, Any]:
    """The queryset filter of one inbox section."""
    filters: dict[str, dict[str, Any]] = {
        "answer": {"status": ConnectionStatus.REQUESTED},
        "waiting_list": {"status": ConnectionStatus.ACCEPTED, "waiting_list": True},
        "accepted": {"status": ConnectionStatus.ACCEPTED, "waiting_list": False},
        "attending": {"status": ConnectionStatus.IN_PROGRESS},
        "on_hold": {"status": ConnectionStatus.ON_HOLD},
        "closed": {"status__in": CLOSED_STATUSES},
    }
    return filters[slug]


def section_ordering(slug: str) -> list[str]:
    if slug == "answer":
        # The earliest deadline first puts the overdue ones at the top.
        return ["respond_by", "requested_at"]
    if slug == "closed":
        return ["-updated_at"]
    return ["-responded_at", "-requested_at"]


@dataclass(frozen=True)
class InboxRow:
    reference: str
    href: str
    service: str
    requested: str
    deadline: str
    overdue: bool
    tag: dict[str, str]
    supported_linking: str


def inbox_table(section: Section, rows: Iterable[InboxRow]) -> dict[str, Any]:
    """One section of the inbox; overdue answers are tagged."""
    body = []
    for row in rows:
        deadline = tables.text(row.deadline)
        if row.overdue:
            overdue = tables.tag({"text": "Overdue", "classes": "nhsuk-tag--red"})
            deadline = tables.html(tables.markup("{} {}", row.deadline, overdue))
        body.append(
            [
                tables.link(row.reference, row.href),
                tables.text(row.service),
                tables.text(row.requested),
                deadline,
                tables.html(tables.tag(row.tag)),
                tables.text(row.supported_linking),
            ]
        )
    answered = "Answer by" if section.slug == "answer" else "Answered"
    return tables.table(
        section.caption,
        ["Referral", "Service", "Requested", answered, "Status", "Supported linking"],
        body,
    )


def services_table(services: Iterable[Any]) -> dict[str, Any]:
    """The provider's services (annotated with `open_connections` and `on_hold`), each with
    a link to change whether it is running and taking people."""
    return tables.table(
        "Your organisation's services",
        [
            "Service",
            "Status",
            "Taking people",
            "Open referrals",
            "On hold",
            tables.hidden_heading("Action"),
        ],
        (
            [
                tables.text(service.name),
                tables.text(service.get_status_display()),
                tables.text(service.get_capacity_display() or "Not stated"),
                tables.text(service.open_connections),
                tables.text(service.on_hold),
                tables.link(
                    "Change availability",
                    reverse("casework:service_availability", args=[service.pk]),
                    hidden=f"of {service.name}",
                ),
            ]
            for service in services
        ),
    )


def is_overdue(connection: Connection, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        connection.status == ConnectionStatus.REQUESTED
        and connection.respond_by is not None
        and connection.respond_by < today
    )


def tag(connection: Connection) -> dict[str, str]:
    """The status tag, in words; an accepted connection on the waiting list says so."""
    params = status_tag(connection)
    if connection.status == ConnectionStatus.ACCEPTED and connection.waiting_list:
        params = {**params, "text": "Waiting list"}
    return params


def deadline(connection: Connection) -> str:
    """The answer deadline while a request waits; afterwards, when it was answered."""
    if connection.status == ConnectionStatus.REQUESTED:
        return date_uk(connection.respond_by)
    if connection.responded_at is not None:
        return f"Answered {date_uk(connection.responded_at)}"
    return ""


def inbox_row(connection: Connection, today: dt.date | None = None) -> InboxRow:
    """One row of the inbox; reads only the connection, its referral and its service."""
    return InboxRow(
        reference=connection.referral.reference,
        href=reverse("casework:inbox_connection", args=[connection.pk]),
        service=connection.service.name,
        requested=date_uk(connection.requested_at),
        deadline=deadline(connection),
        overdue=is_overdue(connection, today),
        tag=tag(connection),
        supported_linking=SUPPORTED_LINKING if connection.supported_linking else "No",
    )


# The details of one connection


def consent_in_force(connection: Connection) -> bool:
    """Whether the person still consents to share their details with services."""
    return bool(current_consents(connection.referral.person).get(ConsentKind.SHARE_WITH_PROVIDERS))


def _what_matters(connection: Connection) -> str:
    referral = connection.referral
    try:
        plan: SupportPlan | None = referral.plan
    except SupportPlan.DoesNotExist:
        plan = None
    if plan is not None and plan.what_matters:
        return plan.what_matters
    return referral.what_matters


def _address(address: str, postcode: str) -> str:
    lines = [line.strip().rstrip(",") for line in address.splitlines() if line.strip()]
    if postcode:
        lines.append(postcode)
    return ", ".join(lines)


def _field_details(connection: Connection, field: SharedField) -> list[tuple[str, str]]:
    person = connection.referral.person
    not_recorded = "Not recorded"
    if field == SharedField.NAME:
        return [("Name", person.full_name)]
    if field == SharedField.CONTACT:
        return [
            ("Phone number", person.phone or not_recorded),
            ("Email address", person.email or not_recorded),
        ]
    if field == SharedField.DATE_OF_BIRTH:
        return [("Date of birth", date_uk(person.date_of_birth))]
    if field == SharedField.ADDRESS:
        return [("Address", _address(person.address, person.postcode) or not_recorded)]
    if field == SharedField.NEEDS:
        needs = [NEED_LABELS.get(need, need) for need in connection.referral.needs]
        return [("Needs", ", ".join(needs) or not_recorded)]
    if field == SharedField.WHAT_MATTERS:
        return [("What matters to them", _what_matters(connection) or not_recorded)]
    if field == SharedField.ACCESS:
        language = person.preferred_language or "en"
        return [
            ("Preferred language", LANGUAGE_NAMES.get(language, language)),
            ("Needs an interpreter", "Yes" if person.interpreter_needed else "No"),
            ("Accessibility needs", person.accessibility_needs or "None recorded"),
        ]
    return []


def shared_details(connection: Connection) -> list[tuple[str, str]]:
    """The person's details shared on this connection, as (label, value), in the order of
    `SharedField`; nothing when the person has withdrawn their consent to share."""
    chosen = set(connection.shared_fields or [])
    if not chosen or not consent_in_force(connection):
        return []
    details: list[tuple[str, str]] = []
    for field in SharedField:
        if field.value in chosen:
            details += _field_details(connection, field)
    return details


def request_details(connection: Connection) -> list[tuple[str, str]]:
    """What a provider always sees about a request: whose referral, from which scheme, how to
    reach the link worker, their message, and whether they come to the first session."""
    referral = connection.referral
    worker = referral.link_worker
    details = [
        ("Referral", referral.reference),
        ("Service", connection.service.name),
        ("Scheme", referral.scheme.name),
        ("Link worker", worker.full_name if worker else "Not assigned yet"),
    ]
    if worker is not None:
        details.append(("Link worker's email", worker.email))
    return [
        *details,
        ("Message from the link worker", connection.message_to_provider or "No message"),
        ("Supported linking", SUPPORTED_LINKING if connection.supported_linking else "No"),
        ("Requested", date_uk(connection.requested_at)),
    ]
