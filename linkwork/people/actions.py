"""Writes to the person record: creating a person with their consents, and finding likely
duplicates so a second record is never made for someone already known."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from linkwork.accounts.models import User
from linkwork.audit import auditor
from linkwork.people.models import Consent, ConsentMethod, Person
from linkwork.people.nhs_number import normalise


def likely_duplicates(
    *,
    nhs_number: str = "",
    given_name: str = "",
    family_name: str = "",
    date_of_birth: dt.date | None = None,
    postcode: str = "",
) -> QuerySet[Person]:
    """People who are probably this person: the same NHS number and date of birth, or the
    same name, date of birth and postcode. A mistyped but valid NHS number alone never joins
    two people. Callers scope the result to what the user may see."""
    condition = Q(pk__in=[])
    number = normalise(nhs_number)
    if number and date_of_birth:
        condition |= Q(nhs_number=number, date_of_birth=date_of_birth)
    if given_name and family_name and date_of_birth and postcode:
        condition |= Q(
            given_name__iexact=given_name.strip(),
            family_name__iexact=family_name.strip(),
            date_of_birth=date_of_birth,
            postcode__iexact=postcode.strip(),
        )
    return Person.objects.filter(condition)


@transaction.atomic
def create_person(
    *,
    by: User | None,
    details: dict[str, Any],
    consents: dict[str, bool],
    consent_method: ConsentMethod,
) -> Person:
    """Create a person and record each consent decision with who, when and how."""
    person = Person(**details, created_by=by if by is not None and by.is_authenticated else None)
    person.nhs_number = normalise(person.nhs_number)
    person.full_clean()
    person.save()
    record_consents(by=by, person=person, consents=consents, method=consent_method)
    auditor.record(action="person.created", actor=by, target=person)
    return person


def record_consents(
    *, by: User | None, person: Person, consents: dict[str, bool], method: ConsentMethod
) -> list[Consent]:
    recorder = by if by is not None and by.is_authenticated else None
    return Consent.objects.bulk_create(
        Consent(person=person, kind=kind, given=given, method=method, recorded_by=recorder)
        for kind, given in consents.items()
    )
