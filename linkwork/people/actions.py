"""Writes to the person record: creating a person with their consents, editing their details
(each edit kept as a change row), and finding likely duplicates so a second record is never
made for someone already known."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from linkwork.accounts.models import User
from linkwork.audit import auditor
from linkwork.core import concurrency
from linkwork.people.areas import fill_area
from linkwork.people.models import (
    Consent,
    ConsentMethod,
    MatchBasis,
    MatchStatus,
    Person,
    PersonChange,
    PersonMatch,
    current_consents,
)
from linkwork.people.nhs_number import normalise
from linkwork.people.presenters import FIELD_LABELS


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
    # A record made from a referral still waiting for its match to be checked is not yet
    # anyone's record: matching against it would chain one unchecked guess onto another.
    unchecked = PersonMatch.objects.pending().filter(candidate__isnull=False)
    return Person.objects.filter(condition).exclude(pk__in=unchecked.values("candidate_id"))


def best_match(
    *,
    nhs_number: str = "",
    given_name: str = "",
    family_name: str = "",
    date_of_birth: dt.date | None = None,
    postcode: str = "",
) -> tuple[Person, MatchBasis] | None:
    """The person already on record this probably is, and on what basis: the same NHS number
    and date of birth first, else the same name, date of birth and postcode when the two NHS
    numbers do not differ (two NHS numbers that differ are two people). Oldest record first.

    Not scoped: the answer is never shown to whoever submitted the details; it only opens a
    pending match for the scheme's staff to check (`open_match`)."""
    number = normalise(nhs_number)
    candidates = likely_duplicates(
        nhs_number=number,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
    ).order_by("created_at", "pk")
    fallback = None
    for candidate in candidates:
        if number and candidate.nhs_number == number:
            return candidate, MatchBasis.NHS_NUMBER
        if fallback is None and not (number and candidate.nhs_number):
            fallback = candidate
    return (fallback, MatchBasis.NAME_AND_POSTCODE) if fallback is not None else None


@transaction.atomic
def open_match(*, candidate: Person, existing: Person, basis: MatchBasis) -> PersonMatch:
    """Record that `candidate`, just made from a referral, may be `existing`. Audited with the
    two record ids only."""
    match = PersonMatch.objects.create(
        candidate=candidate, existing=existing, basis=basis, status=MatchStatus.PENDING
    )
    auditor.record(
        action="person.match_found",
        target=match,
        detail={"candidate": str(candidate.pk), "existing": str(existing.pk), "basis": basis},
    )
    return match


def create_person(
    *,
    by: User | None,
    details: dict[str, Any],
    consents: dict[str, bool],
    consent_method: ConsentMethod,
) -> Person:
    """Create a person and record each consent decision with who, when and how. Their area
    (LSOA, local authority, IMD decile) comes from the postcode.

    Details are validated (`ValidationError`) before anything is written; the writes then join
    the caller's transaction, if any, without a savepoint of their own."""
    person = Person(**details, created_by=by if by is not None and by.is_authenticated else None)
    person.nhs_number = normalise(person.nhs_number)
    fill_area(person)
    person.full_clean()
    with transaction.atomic(savepoint=False):
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


# The details the scheme's staff may change on the person page. A name may be corrected (a
# misspelling, a new surname); the date of birth and NHS number may not: a wrong one means a
# different person, fixed by a merge. The area fields follow the postcode, never typed in.
EDITABLE_DETAILS = (
    "given_name",
    "family_name",
    "sex",
    "gender_same_as_sex",
    "gender_identity",
    "ethnicity",
    "phone",
    "email",
    "address",
    "postcode",
    "preferred_contact_method",
    "gp_practice",
    "no_known_gp_practice",
    "preferred_language",
    "interpreter_needed",
    "digital_access",
    "accessibility_needs",
    "reasonable_adjustments",
)


@transaction.atomic
def edit_person(
    *,
    by: User,
    person: Person,
    details: dict[str, Any],
    consents: dict[str, bool],
    consent_method: ConsentMethod | None,
    version: str | None = None,
) -> list[str]:
    """Change the person's details and consent decisions; return the names of what changed.

    A change writes one `PersonChange` row and one `person.edited` audit event, both naming
    the fields only (consents as `consent:<kind>`), never their values. A changed consent is
    a new decision recorded with `consent_method`; nothing changed writes nothing. A changed
    postcode recomputes the area (LSOA, local authority, IMD decile), named among the changes.

    `version`, the version the form was opened on, raises `concurrency.EditConflict` when
    someone else saved since: the first write stands."""
    unknown = set(details) - set(EDITABLE_DETAILS)
    if unknown:
        raise ValueError(f"These details cannot be edited here: {sorted(unknown)}")
    locked = Person.objects.select_for_update().get(pk=person.pk)
    concurrency.check(
        sent=version,
        current=locked.version,
        what="person's details",
        last_change=lambda: last_change(locked),
    )
    changed = [
        name
        for name in EDITABLE_DETAILS
        if name in details and _differs(locked, name, details[name])
    ]
    for name in changed:
        setattr(locked, name, details[name])
    if "postcode" in changed:
        changed += fill_area(locked)
    in_force = current_consents(locked)
    new_decisions = {kind: given for kind, given in consents.items() if in_force.get(kind) != given}
    if new_decisions and consent_method is None:
        raise ValueError("A changed consent needs the way it was given.")
    if not changed and not new_decisions:
        return []
    locked.version += 1
    if changed:
        locked.full_clean()
    locked.save(update_fields=[*changed, "version"])
    person.version = locked.version
    if new_decisions and consent_method is not None:
        record_consents(by=by, person=locked, consents=new_decisions, method=consent_method)
    names = changed + [f"consent:{kind}" for kind in new_decisions]
    PersonChange.objects.create(person=locked, changed_by=by, fields=names)
    auditor.record(action="person.edited", actor=by, target=locked, detail={"fields": names})
    return names


def _differs(person: Person, name: str, value: Any) -> bool:
    if name == "gp_practice":
        wanted = value.pk if value is not None else None
        return person.gp_practice_id != wanted
    return bool(getattr(person, name) != value)


def last_change(person: Person) -> concurrency.LastChange:
    """Who last changed the person's record, when and which details, for a conflicting edit."""
    latest = person.changes.select_related("changed_by").first()
    if latest is None:
        return concurrency.name_of(person.created_by), person.created_at
    labels = dict.fromkeys(FIELD_LABELS.get(name, name) for name in latest.fields)
    return concurrency.name_of(latest.changed_by), latest.changed_at, ", ".join(labels)
