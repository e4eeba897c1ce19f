"""Turning the answers on the referral forms into a person and a referral.

Shared by the staff form and the self-referral form so both follow one path: reuse a person
already known by strong identifiers, otherwise create them with their consents, then create
the referral.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwork.accounts.models import Scheme, User
from linkwork.people.actions import create_person, likely_duplicates, record_consents
from linkwork.people.models import ConsentKind, ConsentMethod, Person
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
    """Create the referral; returns it and whether the person was already known."""
    known = likely_duplicates(
        nhs_number=person_details.get("nhs_number", ""),
        given_name=person_details["given_name"],
        family_name=person_details["family_name"],
        date_of_birth=person_details["date_of_birth"],
        postcode=person_details.get("postcode", ""),
    ).first()
    person: Person
    if known is not None:
        person = known
        # Decisions given with this referral are the latest, so they are the ones in force.
        record_consents(by=by, person=person, consents=consents, method=consent_method)
    else:
        person = create_person(
            by=by, details=person_details, consents=consents, consent_method=consent_method
        )
    created = create_referral(
        by=by,
        person=person,
        safeguarding_concern=person_details.get("safeguarding_concerns", ""),
        **referral,
    )
    return created, known is not None


def age_on(born: dt.date, on: dt.date) -> int:
    """Age in whole years on `on`."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def too_young(scheme: Scheme, date_of_birth: dt.date, today: dt.date | None = None) -> str | None:
    """Why the scheme cannot take someone born on `date_of_birth`, with where to go instead,
    for the date of birth field; None when they are old enough."""
    today = today or timezone.localdate()
    if age_on(date_of_birth, today) >= scheme.minimum_age:
        return None
    return (
        f"The date of birth shows this person is under {scheme.minimum_age}: this scheme "
        f"supports people aged {scheme.minimum_age} and over. For a child or young person, "
        "ask their GP practice, health visitor or school nurse about support for young people "
        "instead."
    )


def consent_choices(chosen: list[str], *, contact: bool = True) -> dict[str, bool]:
    """Every consent kind, given or not, so refusals are recorded as clearly as consents."""
    decisions = {kind: kind in chosen for kind in ConsentKind.values}
    decisions[ConsentKind.CONTACT] = contact or ConsentKind.CONTACT in chosen
    return decisions
