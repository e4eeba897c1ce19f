"""What each message says, in plain English.

`message_back` writes the message back to the referrer and GP practice that the PRSB Social
Prescribing Information Standard (v1.1) asks for: at acceptance, decline, redirection, first
contact and closure. The closing summary puts what the reader must act on first, then needs
identified, support offered, connections made, and outcome scores.

Every message back names the person as the referrer sent them (`Referral.as_sent`), never
the record the referral may have joined by a confirmed match.

The closing summary's sections about casework (plan and actions, support offered,
connections made) and outcomes (outcome scores) are written by those apps, which sit above
referrals: each contributes its sections with `contribute(...)` from its `AppConfig.ready()`.
A section nobody contributes says "None recorded.", as an empty one does.

`person_message` writes to the person: the acknowledgement of their referral, appointment
confirmations, and the end of support, in English or Welsh (its strings are in the referrals
app's Welsh catalogue; the message back to staff is in English only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linkwork.core.presenters import date_uk, datetime_uk
from linkwork.notifications.models import Event
from linkwork.people.models import ConsentKind, current_consents
from linkwork.people.nhs_number import format_nhs_number
from linkwork.referrals.lifecycle import ClosureReason, DeclineReason, Status
from linkwork.referrals.models import CodedEvent, Referral
from linkwork.vocabulary.needs import Need

MESSAGE_BACK_EVENTS = frozenset(
    {Event.ACCEPTED, Event.DECLINED, Event.REDIRECTED, Event.FIRST_CONTACT, Event.CLOSED}
)
PERSON_EVENTS = frozenset({Event.RECEIVED, Event.APPOINTMENT, Event.CLOSED})
# A confirmation to the referrer only: a withdrawal is the referrer's own act, and a referral
# sent in error is no news for the GP record.
REFERRER_EVENTS = frozenset({Event.WITHDRAWN})

NONE_RECORDED = "None recorded."
NO_ACTION = "No action needed."


@dataclass(frozen=True)
class Section:
    """One section of the closing summary: its heading, and what it says when empty."""

    heading: str
    empty: str = NONE_RECORDED


PLAN = Section("Plan and requested actions", NO_ACTION)
SAFETY = Section("Safety flags", "None raised.")
NEEDS = Section("Needs identified")
SUPPORT = Section("Support offered")
CONNECTIONS = Section("Connections made")
OUTCOMES = Section("Outcome scores")
# In the order the closing summary gives them: what the reader must act on first.
CLOSING_SECTIONS = (PLAN, SAFETY, NEEDS, SUPPORT, CONNECTIONS, OUTCOMES)

Lines = Callable[[Referral], list[str]]


def needs_identified(referral: Referral) -> list[str]:
    """The needs identified, as labels: for now, those given on the referral."""
    return [Need(slug).label for slug in referral.needs if slug in Need.values]


_contributors: dict[Section, Lines] = {NEEDS: needs_identified}


def contribute(section: Section, lines: Lines) -> None:
    """Have `lines(referral)` write `section` of the closing summary, one list item a line.
    Apps above referrals call this from their `AppConfig.ready()`."""
    if section not in CLOSING_SECTIONS:
        raise ValueError(f"The closing summary has no section {section.heading!r}.")
    _contributors[section] = lines


def closing_lines(section: Section, referral: Referral) -> list[str]:
    """The lines of one section of the closing summary; none when no app writes it."""
    lines = _contributors.get(section)
    return lines(referral) if lines is not None else []


# Why a referral was declined, in words for the referrer, and what they can do next.
DECLINE_EXPLANATIONS: dict[str, tuple[str, str]] = {
    DeclineReason.PERSON_DECLINED: (
        "{name} told us they do not want social prescribing support at the moment. "
        "The person declined.",
        "Nothing is needed from you. {name} can be referred again, or refer themselves, "
        "at any time.",
    ),
    DeclineReason.OUTSIDE_AREA: (
        "{name} lives outside the area {scheme} serves.",
        "Please refer them to the social prescribing service for their area. Their GP "
        "practice can say which one that is.",
    ),
    DeclineReason.NOT_ELIGIBLE: (
        "The referral does not meet {scheme}'s criteria.",
        "If you think it does, please contact the scheme and quote the reference.",
    ),
    DeclineReason.NEEDS_CLINICAL_CARE: (
        "{name}'s needs call for clinical care first.",
        "Please arrange that care. Social prescribing can support {name} once it is in place.",
    ),
    DeclineReason.DUPLICATE: (
        "{name} has already been referred to {scheme}, so this referral was not needed.",
        "Nothing is needed from you: the earlier referral goes on.",
    ),
    DeclineReason.UNABLE_TO_CONTACT: (
        "We tried to contact {name} and could not reach them.",
        "If you have other contact details for {name}, please refer them again with those.",
    ),
}


def message_back(referral: Referral, event: str) -> tuple[str, str]:
    """The subject and plain-text body of the message back to the referrer and GP."""
    event = Event(event)
    if event not in MESSAGE_BACK_EVENTS | REFERRER_EVENTS:
        raise ValueError(f"There is no message back for the event {event.value!r}.")
    builders = {
        Event.ACCEPTED: _accepted,
        Event.DECLINED: _declined,
        Event.REDIRECTED: _redirected,
        Event.FIRST_CONTACT: _first_contact,
        Event.CLOSED: _closed,
        Event.WITHDRAWN: _withdrawn,
    }
    subject, sections = builders[event](referral)
    return subject, _join([*sections, _about(referral)])


def person_message(
    referral: Referral,
    event: str,
    *,
    appointment_at: dt.datetime | None = None,
    appointment_place: str = "",
) -> tuple[str, str]:
    """The subject and plain-text body of a message to the person referred, in the language
    active when called (the caller chooses the person's: `core.i18n.language_for`). Short
    enough to send as a text message."""
    event = Event(event)
    person = referral.person
    scheme = referral.scheme.name
    words: dict[str, object] = {
        "name": person.given_name,
        "scheme": scheme,
        "reference": referral.reference,
    }
    hello = _("Hello %(name)s,") % words
    reference = _("Your reference is %(reference)s.") % words
    if event == Event.RECEIVED:
        days = referral.scheme.triage_working_days
        words["days"] = days
        return (
            _("We have your referral for social prescribing"),
            _join(
                [
                    hello,
                    _("%(scheme)s has received a referral for you.") % words + " " + reference,
                    ngettext(
                        "What happens next: we will look at it within %(days)s working day. "
                        "Then a link worker will contact you to talk about what matters to you "
                        "and what support might help.",
                        "What happens next: we will look at it within %(days)s working days. "
                        "Then a link worker will contact you to talk about what matters to you "
                        "and what support might help.",
                        days,
                    )
                    % words,
                    _(
                        "You do not need to do anything now. If you do not want this support, "
                        "tell us and quote your reference."
                    ),
                ]
            ),
        )
    if event == Event.APPOINTMENT:
        if appointment_at is None:
            raise ValueError("An appointment message needs the appointment's date and time.")
        words["when"] = datetime_uk(appointment_at)
        words["worker"] = (
            referral.link_worker.full_name if referral.link_worker else _("a link worker")
        )
        words["place"] = appointment_place.strip()
        confirms = (
            _(
                "This confirms your appointment with %(worker)s from %(scheme)s on %(when)s "
                "at %(place)s."
            )
            if words["place"]
            else _("This confirms your appointment with %(worker)s from %(scheme)s on %(when)s.")
        )
        return (
            _("Your appointment with %(scheme)s") % words,
            _join(
                [
                    hello,
                    confirms % words,
                    _("If you cannot make it, please let us know.") + " " + reference,
                ]
            ),
        )
    if event == Event.CLOSED:
        if referral.closure_reason == ClosureReason.UNABLE_TO_CONTACT:
            ended = _("We have not been able to reach you, so %(scheme)s has closed your referral.")
        else:
            ended = _("Your support from %(scheme)s has now ended. Thank you for working with us.")
        return (
            _("Your social prescribing support has ended"),
            _join(
                [
                    hello,
                    ended % words,
                    _(
                        "If you need support again, ask your GP practice or the person who "
                        "referred you, or contact %(scheme)s."
                    )
                    % words
                    + " "
                    + reference,
                ]
            ),
        )
    raise ValueError(f"There is no message to the person for the event {event.value!r}.")


def _accepted(referral: Referral) -> tuple[str, list[str]]:
    name = referral.as_sent().full_name
    scheme = referral.scheme.name
    worker = referral.link_worker
    if worker is not None:
        who = worker.full_name + (f", {worker.job_title}" if worker.job_title else "")
        link_worker = _prose("Their link worker", who, f"Email: {worker.email}")
        first = worker.get_short_name()
    else:
        link_worker = _prose("Their link worker", "Not assigned yet.")
        first = "A link worker"
    return (
        f"Referral {referral.reference} accepted by {scheme}",
        [
            f"{scheme} has accepted the referral of {name} for social prescribing.",
            link_worker,
            _prose(
                "What happens next",
                f"{first} will contact {referral.as_sent().given_name} to arrange a first "
                "conversation about what matters to them and what support might help. "
                "We will write again after that first contact, and when support ends.",
            ),
        ],
    )


def _declined(referral: Referral) -> tuple[str, list[str]]:
    name = referral.as_sent().full_name
    scheme = referral.scheme.name
    why, then = DECLINE_EXPLANATIONS.get(
        referral.decline_reason,
        ("{scheme} could not accept the referral.", "Please contact the scheme to talk it over."),
    )
    reasons = [why.format(name=name, scheme=scheme)]
    note = _note(referral, Status.DECLINED, default=_label(DeclineReason, referral.decline_reason))
    if note:
        reasons.append(f"Note from the scheme: {note}")
    sections = [
        f"{scheme} has not accepted the referral of {name}.",
        _prose("Why", *reasons),
        _prose("What you can do", then.format(name=name, scheme=scheme)),
    ]
    codes = _codes(referral)
    if codes:
        sections.append(codes)
    return f"Referral {referral.reference} not accepted by {scheme}", sections


def _redirected(referral: Referral) -> tuple[str, list[str]]:
    name = referral.as_sent().full_name
    scheme = referral.scheme.name
    to = referral.redirected_to or "another service"
    note = _note(referral, Status.REDIRECTED, default=f"Redirected to {referral.redirected_to}")
    return (
        f"Referral {referral.reference} redirected to {to}",
        [
            f"{scheme} has passed the referral of {name} to {to}, which is better placed to help.",
            _prose("Where", to),
            _prose("Why", note or "No reason was recorded."),
            _prose(
                "What happens next",
                f"{to} will contact {referral.as_sent().given_name}. Nothing is needed from you.",
            ),
        ],
    )


def _first_contact(referral: Referral) -> tuple[str, list[str]]:
    name = referral.as_sent().full_name
    scheme = referral.scheme.name
    worker = referral.link_worker.full_name if referral.link_worker else "A link worker"
    when = _changed_at(referral, Status.ACTIVE) or timezone.now()
    return (
        f"Referral {referral.reference}: first contact made",
        [
            f"{worker} of {scheme} first spoke with {name} on {date_uk(when)}. Support has "
            "started.",
            _prose(
                "What happens next",
                f"{worker} will work with {referral.as_sent().given_name} on what matters to "
                "them and connect them with support. We will write again when support "
                "ends, with a summary.",
            ),
        ],
    )


def _closed(referral: Referral) -> tuple[str, list[str]]:
    name = referral.as_sent().full_name
    scheme = referral.scheme.name
    ended = _changed_at(referral, Status.CLOSED) or timezone.now()
    reason = _label(ClosureReason, referral.closure_reason) or "Not recorded"
    opening = (
        f"{scheme} has ended social prescribing support for {name} on {date_uk(ended)}. "
        f"Reason: {reason}."
    )
    subject = f"Referral {referral.reference}: social prescribing support has ended"
    if current_consents(referral.person).get(ConsentKind.MESSAGE_BACK) is not True:
        return subject, [
            opening,
            f"{name} has not agreed to a summary of their support being shared, so this "
            "message says only that support has ended.",
        ]
    sections = [
        opening,
        *(
            _section(section.heading, closing_lines(section, referral), section.empty)
            for section in CLOSING_SECTIONS
        ),
    ]
    codes = _codes(referral)
    if codes:
        sections.append(codes)
    return subject, sections


def _withdrawn(referral: Referral) -> tuple[str, list[str]]:
    name = referral.as_sent().full_name
    scheme = referral.scheme.name
    when = _changed_at(referral, Status.WITHDRAWN) or timezone.now()
    return (
        f"Referral {referral.reference} withdrawn",
        [
            f"The referral of {name} to {scheme} was withdrawn on {datetime_uk(when)}.",
            _prose("Reason given", referral.withdrawal_reason() or "No reason was recorded."),
            _prose(
                "What happens next",
                f"{scheme} will take no further action on this referral, and its link worker "
                "has been told. If the person still needs support, send a new referral.",
            ),
        ],
    )


def _about(referral: Referral) -> str:
    """Who the referral is about, as the referrer sent them: when the referral has joined a
    record already on file, that record's details are never repeated to the referrer."""
    person = referral.as_sent()
    nhs_number = format_nhs_number(person.nhs_number) if person.nhs_number else "not given"
    born = f", born {date_uk(person.date_of_birth)}" if person.date_of_birth else ""
    return _prose(
        "About this referral",
        f"Reference: {referral.reference}",
        f"Person: {person.full_name}{born}",
        f"NHS number: {nhs_number}",
        f"Scheme: {referral.scheme.name}",
        f"Referred on: {date_uk(referral.received_at)}",
    )


def _codes(referral: Referral) -> str:
    coded = [
        f"{event.code} {event.display}"
        for event in CodedEvent.objects.filter(referral=referral).order_by("recorded_at", "id")
    ]
    return _section("For the GP record (SNOMED CT)", coded) if coded else ""


def _section(
    heading: str, items: Iterable[str], empty: str = NONE_RECORDED, *, bullets: bool = True
) -> str:
    """A heading and its lines, as bullets for lists; `empty` when there are none."""
    lines = [item for item in items if item]
    if not lines:
        return f"{heading}\n{empty}"
    if bullets:
        lines = [f"- {line}" for line in lines]
    return "\n".join([heading, *lines])


def _prose(heading: str, *paragraphs: str) -> str:
    return _section(heading, paragraphs, bullets=False)


def _join(parts: Iterable[str]) -> str:
    return "\n\n".join(part for part in parts if part) + "\n"


def _note(referral: Referral, status: Status, *, default: str) -> str:
    """The reason recorded with a status change, when someone wrote one of their own."""
    change = referral.history.filter(to_status=status).order_by("changed_at", "id").last()
    reason = change.reason.strip() if change is not None else ""
    return "" if reason == default.strip() else reason


def _changed_at(referral: Referral, status: Status) -> dt.datetime | None:
    change = referral.history.filter(to_status=status).order_by("changed_at", "id").last()
    return change.changed_at if change is not None else None


def _label(choices: type[DeclineReason] | type[ClosureReason], value: str) -> str:
    return str(choices(value).label) if value in choices.values else ""
