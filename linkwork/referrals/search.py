"""The one search box of the caseload, the referral list and the triage queue: a name, a date
of birth (4/3/1950, 04-03-1950, 4 March 1950, 4 Mar 1950), an NHS number (with or without
spaces) or a referral reference (LW-ABCD-2345, with or without its hyphens).

What was typed is personal data: callers audit only the kind of search (`Search.kind`),
never the text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from linkwork.people.nhs_number import normalise

Found = TypeVar("Found", bound=QuerySet[Any])
# Long enough for any name or reference; a longer box is cut, not refused.
MAX_LENGTH = 100
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
WORDED_DATE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")
NHS_NUMBER = re.compile(r"^[\d\s\-]+$")
REFERENCE = re.compile(r"^LW[\s\-]*([A-Z0-9][A-Z0-9\s\-]*)$")


@dataclass(frozen=True)
class Fields:
    """Where a referral's person is named: the record it belongs to, or what was sent."""

    given_name: str
    family_name: str
    date_of_birth: str
    nhs_number: str
    dates_as_text: bool = False


RECORD = Fields(
    "person__given_name", "person__family_name", "person__date_of_birth", "person__nhs_number"
)
SENT = Fields(
    "submitted_person__given_name",
    "submitted_person__family_name",
    "submitted_person__date_of_birth",
    "submitted_person__nhs_number",
    dates_as_text=True,
)


@dataclass(frozen=True)
class Search:
    """What the box held, read: its kind (a code, safe to audit) and the filter it means,
    written against the person's record (`condition`) and against what the referrer sent
    (`as_sent`)."""

    kind: str
    condition: Q
    as_sent: Q = field(default_factory=Q)

    def apply(self, referrals: Found, *, record_schemes: Collection[int] | None = None) -> Found:
        """`referrals` (a scoped queryset of referrals) narrowed to what was searched for.

        With `record_schemes` (the schemes whose records the user works on), referrals of
        other schemes, which the user sees as their referrer, are searched by what was sent
        only: a referrer never finds a referral by the details of a record it joined."""
        if not self.kind:
            return referrals
        if record_schemes is None:
            return referrals.filter(self.condition)
        own = Q(scheme_id__in=record_schemes)
        never_joined = Q(submitted_person={}, joined_by_match=False) & self.condition
        return referrals.filter((own & self.condition) | (~own & (self.as_sent | never_joined)))


def audit_detail(search: Search) -> dict[str, str]:
    """What an audit event may say about a search: its kind, never the words."""
    return {"search": search.kind} if search.kind else {}


def date_of_birth(text: str) -> dt.date | None:
    """A date written the ways people in the UK write one, day first; None if it is not one."""
    text = text.strip().lower()
    numeric = NUMERIC_DATE.match(text)
    worded = WORDED_DATE.match(text)
    if numeric:
        day, month, year = (int(part) for part in numeric.groups())
    elif worded and worded.group(2) in MONTHS:
        day, month, year = int(worded.group(1)), MONTHS[worded.group(2)], int(worded.group(3))
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse(text: str) -> Search:
    """Read the search box. Empty finds everything; anything not a date, NHS number or
    reference is taken as (parts of) a name."""
    text = " ".join(text[:MAX_LENGTH].split())
    if not text:
        return Search("", Q())
    kind, where = _read(text)
    return Search(kind, where(RECORD), where(SENT))


def _read(text: str) -> tuple[str, Callable[[Fields], Q]]:
    """The kind of search and the condition it means, for either place a person is named."""
    if NUMERIC_DATE.match(text) or WORDED_DATE.match(text.lower()):
        born = date_of_birth(text)
        # A date that does not exist (31/2/1950) finds no one rather than every name.
        if born is None:
            return "date_of_birth", lambda fields: Q(pk__in=[])
        return "date_of_birth", lambda fields: Q(
            **{fields.date_of_birth: born.isoformat() if fields.dates_as_text else born}
        )
    if NHS_NUMBER.match(text):
        number = normalise(text)
        if len(number) == 10:
            return "nhs_number", lambda fields: Q(**{fields.nhs_number: number})

    def by_name(fields: Fields) -> Q:
        condition = Q()
        for word in text.split():
            condition &= Q(**{f"{fields.given_name}__icontains": word}) | Q(
                **{f"{fields.family_name}__icontains": word}
            )
        return condition

    reference = REFERENCE.match(text.upper())
    if reference:
        body = re.sub(r"[^A-Z0-9]", "", reference.group(1))
        prefix = f"LW-{body[:4]}" + (f"-{body[4:8]}" if len(body) > 4 else "")
        # "Lwazi" reads as a name and as the start of a reference: either may be meant.
        return "name_or_reference", lambda fields: by_name(fields) | Q(reference__startswith=prefix)
    return "name", by_name
