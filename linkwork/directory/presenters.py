"""Labels, tags and freshness for directory listings, prepared for the templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from markupsafe import Markup

from linkwork.core import tables
from linkwork.core.presenters import date_uk
from linkwork.directory.duplicates import Pair
from linkwork.directory.models import (
    Capacity,
    CostOption,
    DeliveryMode,
    ReferralRoute,
    Schedule,
    Service,
    ServiceStatus,
    Suggestion,
    SuggestionKind,
    Weekday,
)
from linkwork.directory.text import looks_like_html, sanitise_html
from linkwork.vocabulary.categories import AUDIENCES, CATEGORIES

# What a page says of a fact no feed or person has stated.
NOT_STATED = "Not stated"
CAPACITY_TAGS = {
    Capacity.ACCEPTING: ("Accepting referrals", "nhsuk-tag--green"),
    Capacity.WAITING_LIST: ("Waiting list", "nhsuk-tag--yellow"),
    Capacity.FULL: ("Full", "nhsuk-tag--red"),
}
STATUS_TAGS = {
    ServiceStatus.TEMPORARILY_CLOSED: ("Temporarily closed", "nhsuk-tag--orange"),
    ServiceStatus.INACTIVE: ("Inactive", "nhsuk-tag--grey"),
    ServiceStatus.DEFUNCT: ("Closed for good", "nhsuk-tag--grey"),
}


@dataclass(frozen=True)
class Tag:
    text: str
    classes: str


@dataclass(frozen=True)
class ConnectAction:
    """What connecting a person to a service does, said plainly: a service that takes
    referrals gets a request; for one that does not, the signposting is recorded."""

    button: str
    preposition: str
    explanation: str

    def label(self, service_name: str) -> str:
        """The button with the service named, for screen readers: "Request a place at ..."."""
        return f"{self.button} {self.preposition} {service_name}"


REQUEST_A_PLACE = ConnectAction(
    "Request a place",
    "at",
    "Sends the service a request for a place; they accept or decline it.",
)
RECORD_SIGNPOSTING = ConnectAction(
    "Record signposting",
    "to",
    "This service takes no referrals: the person contacts it themselves, and Linkwork "
    "records that you told them about it.",
)


RECORD_SIGNPOSTING_ROUTE_NOT_STATED = ConnectAction(
    "Record signposting",
    "to",
    "This listing does not say whether the service takes referrals, so no request is sent: "
    "the person contacts it themselves, and Linkwork records that you told them about it.",
)


def connect_action(referral_route: str) -> ConnectAction:
    """The connect button for a service, from its referral route. Only a service stated to
    take referrals gets a request; one whose route is not stated is signposted, and says so."""
    if referral_route == ReferralRoute.REFERRAL:
        return REQUEST_A_PLACE
    if referral_route == ReferralRoute.SIGNPOST:
        return RECORD_SIGNPOSTING
    return RECORD_SIGNPOSTING_ROUTE_NOT_STATED


def tags(service: Service, *, stale: bool) -> list[Tag]:
    result = []
    if service.status in STATUS_TAGS:
        result.append(Tag(*STATUS_TAGS[ServiceStatus(service.status)]))
    if service.capacity in CAPACITY_TAGS:
        result.append(Tag(*CAPACITY_TAGS[Capacity(service.capacity)]))
    if stale:
        result.append(Tag(not_checked_since(service.assured_date), "nhsuk-tag--grey"))
    return result


def not_checked_since(assured: dt.date | None) -> str:
    """'Not checked since 5 March 2024', for a listing past the stale limit."""
    if assured is None:
        return "Never checked by a person"
    return f"Not checked since {date_uk(assured)}"


def freshness(service: Service, today: dt.date) -> str:
    """When a person last checked the listing, in words."""
    if service.assured_date is None:
        return "Never checked by a person"
    days = (today - service.assured_date).days
    if days <= 0:
        return "Checked today"
    if days < 31:
        return f"Checked {days} day{'s' if days != 1 else ''} ago"
    months = days // 30
    if months < 12:
        return f"Checked {months} month{'s' if months != 1 else ''} ago"
    return f"Checked {service.assured_date.day} {service.assured_date:%B %Y}"


def description(text: str) -> Markup:
    """A description for a page: feeds' HTML sanitised again here (only this output is marked
    safe), plain text as escaped paragraphs; never literal tags."""
    if not text:
        return Markup("")
    if looks_like_html(text):
        return Markup(sanitise_html(text))  # noqa: S704 (sanitised by nh3 just now) # nosec B704
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(p) for p in paragraphs)


def delivery(service: Service) -> str:
    """'In person, online' from the service's delivery modes."""
    labels = [DeliveryMode(mode).label for mode in service.delivery_modes]
    return ", ".join(labels).capitalize() if labels else NOT_STATED


def route(service: Service) -> str:
    return service.get_referral_route_display() or NOT_STATED


def capacity(service: Service) -> str:
    return service.get_capacity_display() or NOT_STATED


def distance(km: float | None) -> str:
    if km is None:
        return ""
    return f"{km * 1000:.0f} m away" if km < 1 else f"{km:.1f} km away"


def _clock(value: dt.time | None) -> str:
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


def session(schedule: Schedule) -> str:
    """'Tuesdays, 10am to 12pm' from an HSDS weekly schedule; its description otherwise."""
    days = [
        Weekday(code[-2:]).label + "s"
        for code in schedule.byday.split(",")
        if code[-2:] in Weekday.values
    ]
    if days and schedule.opens_at and schedule.closes_at:
        return f"{', '.join(days)}, {_clock(schedule.opens_at)} to {_clock(schedule.closes_at)}"
    if days:
        return ", ".join(days)
    return schedule.description


def listings_table(services: Iterable[Service]) -> dict[str, Any]:
    """A provider's own listings with their capacity and when each was last checked."""
    rows = []
    for service in services:
        capacity = service.get_capacity_display() or NOT_STATED
        if service.status != ServiceStatus.ACTIVE:
            capacity += f" ({service.get_status_display().lower()})"
        rows.append(
            [
                tables.link(service.name, reverse("directory:service", args=[service.pk])),
                tables.text(capacity),
                tables.text(date_uk(service.assured_date) if service.assured_date else "Never"),
            ]
        )
    return tables.table(
        "Your listings, the longest unchecked first", ["Listing", "Capacity", "Last checked"], rows
    )


def _listing(service: Service) -> tables.Cell:
    return tables.html(
        tables.markup(
            '<a href="{}">{}</a><br><span class="nhsuk-body-s">{}</span>',
            reverse("directory:service", args=[service.pk]),
            service.name,
            service.organization.name,
        )
    )


def duplicates_table(pairs: Iterable[Pair]) -> dict[str, Any]:
    """Pairs of listings that may be one service: the one to keep, the duplicate and why.
    The page adds each row's merge form, in the last column."""
    return tables.table(
        "Pairs of listings that may be the same service",
        ["Keep", "Duplicate", "Why", tables.hidden_heading("Action")],
        ([_listing(pair.first), _listing(pair.second), tables.text(pair.reason)] for pair in pairs),
    )


def session_order(schedule: Schedule) -> tuple[int, dt.time]:
    """Sessions in the order of the week, then of the day."""
    days = list(Weekday.values)
    first = schedule.byday.split(",")[0][-2:] if schedule.byday else ""
    return (days.index(first) if first in days else 7, schedule.opens_at or dt.time(0))


def session_dates(schedule: Schedule) -> str:
    """'From 2 March 2027 to 25 May 2027' for a session that runs between dates."""
    if schedule.valid_from and schedule.valid_to:
        return f"From {date_uk(schedule.valid_from)} to {date_uk(schedule.valid_to)}"
    if schedule.valid_from:
        return f"From {date_uk(schedule.valid_from)}"
    if schedule.valid_to:
        return f"Until {date_uk(schedule.valid_to)}"
    return ""


def cost(option: CostOption) -> str:
    """'Free', or '£3.50 per session', from a cost option."""
    if option.amount is None:
        return option.amount_description or option.option or "Ask the provider"
    if option.amount == 0:
        return "Free"
    words = option.amount_description or option.option
    return f"£{option.amount:,.2f}" + (f" {words}" if words else "")


def address(place: Any) -> str:
    """One line of a location's first address: '12 Mill Lane, Brackenfield BK1 1AE'."""
    found = next(iter(place.addresses.all()), None)
    if found is None:
        return ""
    lines = [found.address_1, found.address_2, f"{found.city} {found.postal_code}".strip()]
    return ", ".join(line for line in lines if line)


@dataclass(frozen=True)
class SuggestionRow:
    id: Any
    what: str
    why: str
    effect: str


def _suggested_value(suggestion: Suggestion) -> str:
    if suggestion.kind == SuggestionKind.CATEGORY:
        term = CATEGORIES.get(suggestion.value)
        return f"Type of support: {term.name if term else suggestion.value}"
    if suggestion.kind == SuggestionKind.AUDIENCE:
        term = AUDIENCES.get(suggestion.value)
        return f"Who it is for: {term.name if term else suggestion.value}"
    low, _, high = suggestion.value.partition("-")
    if low and high:
        return f"Ages {low} to {high}"
    return f"Ages {low} and over" if low else f"Ages up to {high}"


def suggestion_rows(suggestions: Iterable[Suggestion]) -> list[SuggestionRow]:
    """Open suggestions as a curator reads them: what, because of what, and what it changes."""
    return [
        SuggestionRow(
            id=suggestion.pk,
            what=_suggested_value(suggestion),
            why=f"From {suggestion.evidence}" if suggestion.evidence else "Inferred",
            effect=(
                "Counts in search and matching until you decide."
                if suggestion.kind == SuggestionKind.CATEGORY
                else "Not applied until you confirm it."
            ),
        )
        for suggestion in suggestions
    ]


def suggested_categories(service: Service) -> list[str]:
    """The names of a listing's open category suggestions, for the listing page."""
    return sorted(
        CATEGORIES[value].name
        for value in service.suggestions.suggested_categories().values_list("value", flat=True)
        if value in CATEGORIES
    )
