"""Turning the answers on the referral forms into a person and a referral.

Shared by the staff form, the self-referral form and the API so all follow one path: the
person is created from what was submitted, with the consents given, and the referral made for
them. When they may be someone already on record (the same NHS number and date of birth, or
the same name, date of birth and postcode), a pending match is opened for a link worker of the
scheme to confirm or reject: nothing is written over the existing record and nothing of it is
shown to whoever referred.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linkwork.accounts.models import Scheme, User
from linkwork.audit import auditor
from linkwork.people.actions import best_match, create_person, open_match
from linkwork.people.models import ConsentKind, ConsentMethod
from linkwork.referrals.actions import create_referral
from linkwork.referrals.models import Referral


@transaction.atomic
def submit(
    *,
    by: User | None,
    person_details: dict[str, Any],
    consents: dict[str, bool],
    consent_method: ConsentMethod,
    referral: dict[str, Any],
) -> tuple[Referral, bool]:
    """Create the person and the referral; returns it and whether a pending match was opened
    with someone already on record. `person_details` are validated as a new person's."""
    # The person, any match, the referral and its messages audited in one INSERT at the end.
    with auditor.together():
        found = best_match(
            nhs_number=person_details.get("nhs_number", ""),
            given_name=person_details["given_name"],
            family_name=person_details["family_name"],
            date_of_birth=person_details["date_of_birth"],
            postcode=person_details.get("postcode", ""),
        )
        person = create_person(
            by=by, details=person_details, consents=consents, consent_method=consent_method
        )
        if found is not None:
            existing, basis = found
            open_match(candidate=person, existing=existing, basis=basis)
        created = create_referral(
            by=by,
            person=person,
            safeguarding_concern=person_details.get("safeguarding_concerns", ""),
            submitted_person=submitted_identity(person_details),
            **referral,
        )
    return created, found is not None


SUBMITTED_FIELDS = ("given_name", "family_name", "date_of_birth", "nhs_number", "postcode")


def submitted_identity(details: dict[str, Any]) -> dict[str, str]:
    """The identity the referrer gave, as kept on the referral."""
    identity = {}
    for name in SUBMITTED_FIELDS:
        value = details.get(name) or ""
        identity[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
    return identity


def age_on(born: dt.date, on: dt.date) -> int:
    """Age in whole years on `on`."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def too_young(scheme: Scheme, date_of_birth: dt.date, today: dt.date | None = None) -> str | None:
    """Why the scheme cannot take someone born on `date_of_birth`, with where to go instead,
    for the date of birth field; None when they are old enough."""
    today = today or timezone.localdate()
    if age_on(date_of_birth, today) >= scheme.minimum_age:
        return None
    return _(
        "The date of birth shows this person is under %(age)s: this scheme supports people "
        "aged %(age)s and over. For a child or young person, ask their GP practice, health "
        "visitor or school nurse about support for young people instead."
    ) % {"age": scheme.minimum_age}


def consent_choices(chosen: list[str], *, contact: bool = True) -> dict[str, bool]:
    """Every consent kind, given or not, so refusals are recorded as clearly as consents."""
    decisions = {kind: kind in chosen for kind in ConsentKind.values}
    decisions[ConsentKind.CONTACT] = contact or ConsentKind.CONTACT in chosen
    return decisions
