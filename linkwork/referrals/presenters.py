"""What the referral pages show: the summary rows of a referral, built once for the referral's
page, for triage and for the staff form's check-your-answers page, and the referral tables.
Presenters format; the pages lay out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from django.urls import reverse
from markupsafe import Markup

from linkwork.core import tables
from linkwork.core.postcodes import InvalidPostcode
from linkwork.core.presenters import ago, date_uk, datetime_uk, status_tag
from linkwork.directory.geography import postcode_district
from linkwork.matching.profile import age_on
from linkwork.people.forms import equality_details
from linkwork.people.models import ContactMethod, DigitalAccess, Ethnicity, Sex
from linkwork.referrals import capacity
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Referral, Urgency
from linkwork.vocabulary.needs import Need
from linkwork.vocabulary.routes import Route

Row = dict[str, Any]


def row(key: str, value: str | Markup, *, actions: Mapping[str, Any] | None = None) -> Row:
    """One row of the NHS.UK summary list; a `Markup` value is shown as it is."""
    result: Row = {
        "key": {"text": key},
        "value": {"html": value} if isinstance(value, Markup) else {"text": value},
    }
    if actions is not None:
        result["actions"] = dict(actions)
    return result


def need_labels(slugs: Iterable[str]) -> list[str]:
    """The needs in words, in the order given; a slug no longer on the list is left out."""
    return [Need(slug).label for slug in slugs if slug in Need.values]


def route_label(slug: str) -> str:
    return str(Route(slug).label)


def urgency_label(slug: str) -> str:
    return str(Urgency(slug).label)


# Rows more than one page shows, worded the same wherever they appear.


def scheme_row(name: str, **options: Any) -> Row:
    return row("Scheme", name, **options)


def needs_row(labels: list[str], *, none: str = "") -> Row:
    return row("Needs", ", ".join(labels) or none)


def reason_row(reason: str, *, none: str = "") -> Row:
    return row("Reason", reason or none)


def what_matters_row(what_matters: str) -> Row:
    return row("What matters to them", what_matters or "Not known yet")


def urgency_row(slug: str) -> Row:
    return row("Urgency", urgency_label(slug))


def received_row(received_at: dt.datetime) -> Row:
    return row("Received", datetime_uk(received_at))


class ReferralSummary:
    """The rows that describe one referral, for the referral's page and for triage."""

    def __init__(self, referral: Referral) -> None:
        self.referral = referral
        self.needs = need_labels(referral.needs)
        self.route = route_label(referral.route)

    def detail_rows(self, *, as_referrer: bool = False) -> list[Row]:
        """`as_referrer`: for someone who referred but works outside the scheme, who is shown
        the person as they sent them, never the record the referral may have joined."""
        referral = self.referral
        if as_referrer:
            person: Any = referral.as_sent().full_name
        else:
            person = tables.markup(
                '<a href="{}">{}</a>',
                reverse("people:detail", args=[referral.person_id]),
                referral.person.full_name,
            )
        withdrawn = (
            [row("Why it was withdrawn", referral.withdrawal_reason() or "Not recorded")]
            if referral.status == Status.WITHDRAWN
            else []
        )
        return [
            row("Person", person),
            scheme_row(referral.scheme.name),
            row("Status", referral.get_status_display()),
            *withdrawn,
            row("Route", self.route),
            row("Referred by", referral.referrer_name or "Not recorded"),
            needs_row(self.needs, none="None recorded"),
            what_matters_row(referral.what_matters),
            urgency_row(referral.urgency),
            received_row(referral.received_at),
            row(
                "Link worker",
                referral.link_worker.full_name if referral.link_worker else "Not assigned",
            ),
        ]

    def triage_rows(self) -> list[Row]:
        referral = self.referral
        person = referral.person
        referrer = f": {referral.referrer_name}" if referral.referrer_name else ""
        return [
            row("Person", f"{person.full_name}, born {date_uk(person.date_of_birth)}"),
            scheme_row(referral.scheme.name),
            row("Referred by", self.route + referrer),
            needs_row(self.needs, none="None given"),
            reason_row(referral.reason, none="None given"),
            what_matters_row(referral.what_matters),
            urgency_row(referral.urgency),
            received_row(referral.received_at),
            row("Triage due by", date_uk(referral.triage_due)),
        ]


def _change(page: str, what: str) -> dict[str, Any]:
    """A "Change" link back to the form's `page`; `what` is read out after it."""
    return {"items": [{"href": reverse(page), "text": "Change", "visuallyHiddenText": what}]}


def check_person_rows(person: Mapping[str, Any]) -> list[Row]:
    """The person's answers on the staff form's check page, from the form's cleaned data."""
    change = _change("referrals:new_person", "details about the person")
    return [
        row("Name", f"{person['given_name']} {person['family_name']}", actions=change),
        row("Date of birth", date_uk(person["date_of_birth"])),
        row("NHS number", person["nhs_number"] or "Not given"),
        row("Postcode", person["postcode"] or "Not given"),
        row("Contact by", ContactMethod(person["preferred_contact_method"]).label),
        *equality_rows(equality_details(dict(person))),
    ]


def equality_rows(answers: Mapping[str, str]) -> list[Row]:
    """The equality answers as the check page shows them: "Not known" where not answered."""
    return [
        row("Sex", Sex(answers["sex"]).label),
        row("Ethnic group", Ethnicity(answers["ethnicity"]).label),
        row("Uses the internet", DigitalAccess(answers["digital_access"]).label),
    ]


def check_referral_rows(details: Mapping[str, Any]) -> list[Row]:
    """The referral's answers on the staff form's check page, from the form's cleaned data."""
    change = _change("referrals:new_details", "the reason for referral")
    return [
        scheme_row(details["scheme"].name, actions=change),
        row("Who is referring", route_label(details["route"])),
        needs_row(need_labels(details["needs"])),
        reason_row(details["reason"]),
        urgency_row(details["urgency"]),
    ]


# Tables of referrals: each cell is built by one function, whichever table it is in.


def _reference_link(referral: Referral, name: str = "referrals:detail") -> tables.Cell:
    return tables.link(referral.reference, reverse(name, args=[referral.pk]))


def _status(referral: Referral) -> tables.Cell:
    return tables.html(tables.tag(status_tag(referral)))


def urgency_tag(referral: Referral) -> Markup:
    """Urgent in red, routine in grey."""
    urgent = referral.urgency == Urgency.URGENT
    return tables.tag(
        {
            "text": referral.get_urgency_display(),
            "classes": "nhsuk-tag--red" if urgent else "nhsuk-tag--grey",
        }
    )


def _received_on(referral: Referral) -> tables.Cell:
    return tables.text(date_uk(referral.received_at))


def _received_ago(referral: Referral) -> tables.Cell:
    return tables.text(ago(referral.received_at))


def _scheme(referral: Referral) -> tables.Cell:
    return tables.text(referral.scheme.name)


def _urgency(referral: Referral) -> tables.Cell:
    return tables.html(urgency_tag(referral))


def _link_worker(referral: Referral) -> tables.Cell:
    return tables.text(referral.link_worker.full_name if referral.link_worker else "Not assigned")


def _person_link(referral: Referral) -> tables.Cell:
    href = reverse("people:detail", args=[referral.person_id])
    return tables.link(referral.person.full_name, href)


# Columns that several referral tables share, shown the same way on every page.
REFERENCE: tables.Column = ("Reference", _reference_link)
SCHEME: tables.Column = ("Scheme", _scheme)
STATUS: tables.Column = ("Status", _status)
URGENCY: tables.Column = ("Urgency", _urgency)


def list_table(referrals: Iterable[Referral], record_schemes: Collection[int]) -> dict[str, Any]:
    """The referrals page: every referral the user may see, a page at a time. A referral of
    a scheme outside `record_schemes` (those whose records the user works on) is one the user
    sees as its referrer, so it names the person as they were sent."""

    def name(referral: Referral) -> str:
        if referral.scheme_id in record_schemes:
            return referral.person.full_name
        return referral.as_sent().full_name

    person: tables.Column = ("Person", lambda referral: tables.text(name(referral)))
    return tables.records_table(
        "Referrals you can see",
        [REFERENCE, person, SCHEME, STATUS, ("Received", _received_on)],
        referrals,
    )


def _triage_person(referral: Referral, today: dt.date) -> tables.Cell:
    """Name and age; a person with another open referral is marked, so the lead can check
    before a second episode starts."""
    person = referral.person
    who = f"{person.full_name}, {age_on(person.date_of_birth, today)}"
    if not getattr(referral, "open_elsewhere", False):
        return tables.text(who)
    badge = tables.tag(
        {"text": "Known person: open referral elsewhere", "classes": "nhsuk-tag--blue"}
    )
    return tables.html(tables.markup("{}<br>{}", who, badge))


def referrer_label(referral: Referral) -> str:
    """The route with who referred, as far as it is known: "GP practice: Dr Ada Lee, Hill
    Surgery"."""
    organisation = (
        referral.referring_organisation.name
        if referral.referring_organisation
        else referral.referrer_organisation_name
    )
    who = ", ".join(part for part in (referral.referrer_name, organisation) if part)
    return f"{route_label(referral.route)}: {who}" if who else route_label(referral.route)


def postcode_area(postcode: str) -> str:
    """The outward code only ("BK3 4QT" -> "BK3"): enough to see where, not who."""
    try:
        return postcode_district(postcode)
    except InvalidPostcode:
        return "Not known"


def triage_queue_table(referrals: Iterable[Referral], today: dt.date) -> dict[str, Any]:
    """Referrals waiting for triage, each linking to its triage page, with what a lead needs
    to decide: who, needs, who referred and where; overdue ones say so. The referrals come
    with their person, scheme and referring organisation, and `open_elsewhere` annotated."""
    rows = []
    for referral in referrals:
        due = tables.text(date_uk(referral.triage_due))
        if referral.triage_due and referral.triage_due < today:
            overdue = tables.tag({"text": "Overdue", "classes": "nhsuk-tag--orange"})
            due = tables.html(tables.markup("{} {}", date_uk(referral.triage_due), overdue))
        rows.append(
            [
                _reference_link(referral, "referrals:triage"),
                _triage_person(referral, today),
                tables.text(", ".join(need_labels(referral.needs)) or "None given"),
                tables.text(referrer_label(referral)),
                tables.text(postcode_area(referral.person.postcode)),
                _scheme(referral),
                _urgency(referral),
                _received_ago(referral),
                due,
            ]
        )
    return tables.table(
        "Referrals waiting for triage",
        [
            "Reference",
            "Person and age",
            "Needs",
            "Referred by",
            "Postcode area",
            "Scheme",
            "Urgency",
            "Received",
            "Due by",
        ],
        rows,
    )


def person_referrals_table(referrals: Iterable[Referral]) -> dict[str, Any]:
    """One person's referrals, on the person's page."""
    return tables.records_table(
        "Referrals for this person",
        [REFERENCE, SCHEME, STATUS, ("Received", _received_on), ("Link worker", _link_worker)],
        referrals,
        responsive=True,
    )


# The home page's referral sections.


def triage_home_table(referrals: Iterable[Referral]) -> dict[str, Any]:
    """Referrals waiting for triage on a scheme lead's home page."""
    return tables.records_table(
        "Referrals waiting for triage",
        [REFERENCE, SCHEME, URGENCY, ("Received", _received_ago)],
        referrals,
    )


def load_counts_table(
    schemes: Sequence[Any], loads: Mapping[int, Sequence[capacity.WorkerLoad]]
) -> dict[str, Any]:
    """How many of each scheme's link workers have room, are near, at or over a limit, on a
    scheme lead's home page (the capacity page lists them)."""
    statuses = list(capacity.LoadStatus)
    return tables.table(
        "Link workers by how near their limits they are",
        [
            "Scheme",
            *({"text": status.label, "format": "numeric"} for status in statuses),
        ],
        (
            [
                tables.text(scheme.name),
                *(
                    tables.text(sum(1 for load in loads.get(scheme.pk, []) if load.status == s))
                    for s in statuses
                ),
            ]
            for scheme in schemes
        ),
    )


def my_referrals_table(referrals: Iterable[Referral]) -> dict[str, Any]:
    """The referrals a referrer's organisation made, on the referrer's home page."""
    return tables.records_table(
        "Referrals made by your organisation",
        [REFERENCE, SCHEME, STATUS, ("Sent", _received_on)],
        referrals,
    )


def routes_table(counts: Iterable[Mapping[str, Any]], small_number: int) -> dict[str, Any]:
    """Referrals by route (each count: `route` in words, `nhs`, and `total`, None when too
    small to show), for analysts."""
    return tables.table(
        "Referrals by route in the last 12 months",
        ["Route", "NHS or not", {"text": "Referrals", "format": "numeric"}],
        (
            [
                tables.text(count["route"]),
                tables.text("NHS" if count["nhs"] else "Non-NHS"),
                tables.text(
                    count["total"] if count["total"] is not None else f"fewer than {small_number}"
                ),
            ]
            for count in counts
        ),
    )
