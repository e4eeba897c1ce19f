"""What the person page shows: the person's details as summary rows, their consent decisions
and the history of changes to their record."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from linkwork.core import tables
from linkwork.core.languages import language_name
from linkwork.core.presenters import date_uk, datetime_uk
from linkwork.people.models import ConsentKind, GenderSameAsSex, Person, PersonChange

# How each field a change names reads in the history.
FIELD_LABELS = {
    "given_name": "First name",
    "family_name": "Last name",
    "sex": "Sex",
    "gender_same_as_sex": "Gender identity",
    "gender_identity": "Gender identity",
    "ethnicity": "Ethnic group",
    "lsoa_code": "Area (from the postcode)",
    "local_authority": "Area (from the postcode)",
    "imd_decile": "Area (from the postcode)",
    "phone": "Phone number",
    "email": "Email address",
    "address": "Address",
    "postcode": "Postcode",
    "preferred_contact_method": "Preferred contact",
    "gp_practice": "GP practice",
    "no_known_gp_practice": "GP practice",
    "preferred_language": "Preferred language",
    "interpreter_needed": "Interpreter",
    "digital_access": "Digital access",
    "accessibility_needs": "Accessibility needs",
    "reasonable_adjustments": "Reasonable adjustments",
    **{f"consent:{kind}": f"Consent: {label}" for kind, label in ConsentKind.choices},
}


def _row(key: str, value: str) -> dict[str, Any]:
    return {"key": {"text": key}, "value": {"text": value}}


def language(person: Person) -> str:
    """'Polish (needs an interpreter)': the language by name, never its code."""
    name = language_name(person.preferred_language)
    return f"{name} (needs an interpreter)" if person.interpreter_needed else name


def gp_practice(person: Person) -> str:
    if person.gp_practice is not None:
        return person.gp_practice.name
    return "No known GP practice" if person.no_known_gp_practice else "Not known"


def contact_rows(person: Person) -> list[dict[str, Any]]:
    """How to reach the person and who their GP is."""
    return [
        _row("Preferred contact", person.get_preferred_contact_method_display()),
        _row("Phone number", person.phone or "Not recorded"),
        _row("Email address", person.email or "Not recorded"),
        _row("Address", person.address or "Not recorded"),
        _row("Postcode", person.postcode or "Not known"),
        _row("GP practice", gp_practice(person)),
        _row("Preferred language", language(person)),
        _row("Uses the internet", person.get_digital_access_display()),
        _row("Accessibility needs", person.accessibility_needs or "None recorded"),
        _row("Reasonable adjustments", person.reasonable_adjustments or "None recorded"),
    ]


def gender(person: Person) -> str:
    """The answer to the ONS gender identity question, with the person's own words."""
    if not person.gender_same_as_sex and not person.gender_identity:
        return "Not asked"
    answer = {
        GenderSameAsSex.YES.value: "Same as sex registered at birth",
        GenderSameAsSex.NO.value: "Different from sex registered at birth",
        GenderSameAsSex.PREFER_NOT_TO_SAY.value: "Prefer not to say",
    }.get(person.gender_same_as_sex, "")
    return ": ".join(part for part in (answer, person.gender_identity) if part)


def area(person: Person) -> str:
    """The deprivation decile of the person's area, as the statistics use it."""
    if person.imd_decile is None:
        return "Not known (the postcode is not in the loaded tables)"
    return f"IMD decile {person.imd_decile} of 10 (1 is the most deprived), LSOA {person.lsoa_code}"


def identity_rows(person: Person, nhs_number: str) -> list[dict[str, Any]]:
    """Who the person is and the equality answers they gave."""
    return [
        _row("NHS number", nhs_number or "Not known"),
        _row("Date of birth", date_uk(person.date_of_birth)),
        _row("Sex", person.get_sex_display()),
        _row("Gender identity", gender(person)),
        _row("Ethnic group", person.get_ethnicity_display()),
        _row("Area", area(person)),
    ]


def consent_rows(in_force: dict[str, bool]) -> list[dict[str, Any]]:
    """Each consent decision in force: given, refused or not asked yet."""
    rows = []
    for kind, label in ConsentKind.choices:
        given = in_force.get(kind)
        answer = "Not asked yet" if given is None else ("Given" if given else "Refused")
        rows.append(_row(label, answer))
    return rows


def _changed(change: PersonChange) -> tables.Cell:
    labels = dict.fromkeys(FIELD_LABELS.get(name, name) for name in change.fields)
    return tables.text(", ".join(labels))


def _changed_by(change: PersonChange) -> tables.Cell:
    return tables.text(change.changed_by.full_name if change.changed_by else "The system")


def changes_table(changes: Iterable[PersonChange]) -> dict[str, Any]:
    """The record's edits, newest first: when, who and what changed, never the values."""
    return tables.records_table(
        "Changes to these details",
        [
            ("When", lambda change: tables.text(datetime_uk(change.changed_at))),
            ("Changed by", _changed_by),
            ("What changed", _changed),
        ],
        changes,
        responsive=True,
    )
