"""The form the scheme's staff use to change a person's details and consent decisions.

Messages follow the NHS.UK style: they name the field and say how to put it right."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from linkwork.accounts.models import Organisation, OrganisationKind
from linkwork.core.forms import HouseVoice
from linkwork.core.languages import LANGUAGES
from linkwork.core.postcodes import POSTCODE_INVALID, InvalidPostcode, normalise_postcode
from linkwork.people.models import (
    ConsentKind,
    ConsentMethod,
    ContactMethod,
    DigitalAccess,
    Ethnicity,
    GenderSameAsSex,
    Person,
    Sex,
    current_consents,
)

NO_GP = "none"
GIVEN, REFUSED = "given", "refused"
# What each way of contact needs, and what to say when it is missing.
CONTACT_DETAIL = {
    ContactMethod.PHONE: ("phone", "Enter a phone number, or choose another way to contact them"),
    ContactMethod.TEXT: ("phone", "Enter a mobile number, or choose another way to contact them"),
    ContactMethod.EMAIL: (
        "email",
        "Enter an email address, or choose another way to contact them",
    ),
    ContactMethod.LETTER: ("address", "Enter an address, or choose another way to contact them"),
}


def _too_long(what: str, most: int) -> dict[str, str]:
    return {"max_length": f"{what} must be {most} characters or fewer"}


# --- The equality questions asked at intake ------------------------------------------------
# Sex, gender identity, ethnic group, digital access and language, in the ONS 2021 census
# wording. None is required: an unanswered question is recorded as "not known", and "Prefer
# not to say" is always a choice, so the person decides what they tell us.


@dataclass(frozen=True)
class EqualityWording:
    """The equality questions in one voice: to staff about the person, or to the person."""

    sex: str
    gender_same_as_sex: str
    gender_identity: str
    ethnicity: str
    ethnicity_empty: str
    digital_access: str
    digital_access_choices: Sequence[tuple[str, str]]


EQUALITY_ABOUT_THE_PERSON = EqualityWording(
    sex="What is the person's sex? (optional)",
    gender_same_as_sex=(
        "Is the gender the person identifies with the same as their sex registered at birth? "
        "(optional)"
    ),
    gender_identity="If not, the person's gender identity in their words (optional)",
    ethnicity="What is the person's ethnic group? (optional)",
    ethnicity_empty="Not asked",
    digital_access="Does the person use the internet? (optional)",
    digital_access_choices=[
        (DigitalAccess.CONFIDENT, "Yes, confidently"),
        (DigitalAccess.LIMITED, "A little, or with help"),
        (DigitalAccess.NONE, "No"),
        (DigitalAccess.PREFER_NOT_TO_SAY, "Prefer not to say"),
    ],
)

EQUALITY_ABOUT_YOU = EqualityWording(
    sex="What is your sex? (optional)",
    gender_same_as_sex=(
        "Is the gender you identify with the same as your sex registered at birth? (optional)"
    ),
    gender_identity="If not, what is your gender identity? (optional)",
    ethnicity="What is your ethnic group? (optional)",
    ethnicity_empty="Select your ethnic group",
    digital_access="Do you use the internet? (optional)",
    digital_access_choices=[
        (DigitalAccess.CONFIDENT, "Yes, confidently"),
        (DigitalAccess.LIMITED, "A little, or with help"),
        (DigitalAccess.NONE, "No"),
        (DigitalAccess.PREFER_NOT_TO_SAY, "Prefer not to say"),
    ],
)

# What intake asks: the sexes people choose between ("Indeterminate" is a clinical record's
# word, taken from the API and kept on the person page, never offered to the person).
INTAKE_SEXES = [
    (Sex.FEMALE, "Female"),
    (Sex.MALE, "Male"),
    (Sex.PREFER_NOT_TO_SAY, "Prefer not to say"),
]
# The 19 groups, then "Prefer not to say"; "Not known" is what no answer records.
INTAKE_ETHNICITIES = [
    (value, label) for value, label in Ethnicity.choices if value != Ethnicity.NOT_KNOWN
]


def equality_fields(words: EqualityWording) -> dict[str, forms.Field]:
    """The optional equality questions, as fields to add to an intake form."""
    return {
        "sex": forms.ChoiceField(
            label=words.sex, required=False, choices=INTAKE_SEXES, widget=forms.RadioSelect
        ),
        "gender_same_as_sex": forms.ChoiceField(
            label=words.gender_same_as_sex,
            required=False,
            choices=GenderSameAsSex.choices,
            widget=forms.RadioSelect,
        ),
        "gender_identity": forms.CharField(
            label=words.gender_identity, required=False, max_length=100
        ),
        "ethnicity": forms.ChoiceField(
            label=words.ethnicity,
            required=False,
            choices=[("", words.ethnicity_empty), *INTAKE_ETHNICITIES],
        ),
        "digital_access": forms.ChoiceField(
            label=words.digital_access,
            required=False,
            choices=words.digital_access_choices,
            widget=forms.RadioSelect,
        ),
    }


def equality_details(data: dict[str, Any]) -> dict[str, str]:
    """The answers in the shape of the person record: no answer is "not known"."""
    return {
        "sex": data.get("sex") or Sex.NOT_KNOWN,
        "gender_same_as_sex": data.get("gender_same_as_sex", ""),
        "gender_identity": data.get("gender_identity", "").strip(),
        "ethnicity": data.get("ethnicity") or Ethnicity.NOT_KNOWN,
        "digital_access": data.get("digital_access") or DigitalAccess.NOT_KNOWN,
    }


class PersonDetailsForm(HouseVoice, forms.Form):
    """Name, contact details, address, GP practice, language, equality answers, access
    needs and consents."""

    given_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={
            "required": "Enter the person's first name",
            **_too_long("First name", 100),
        },
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the person's last name", **_too_long("Last name", 100)},
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    gender_same_as_sex = forms.ChoiceField(
        label="Is the gender the person identifies with the same as their sex registered at birth?",
        required=False,
        choices=[("", "Not asked"), *GenderSameAsSex.choices],
        widget=forms.RadioSelect,
    )
    gender_identity = forms.CharField(
        label="If not, the person's gender identity in their words (optional)",
        required=False,
        max_length=100,
    )
    ethnicity = forms.ChoiceField(label="Ethnic group", choices=Ethnicity.choices)

    phone = forms.CharField(
        label="Phone number (optional)",
        required=False,
        max_length=20,
        error_messages=_too_long("Phone number", 20),
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org",
            **_too_long("Email address", 254),
        },
    )
    address = forms.CharField(
        label="Address (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=500,
        error_messages=_too_long("Address", 500),
    )
    postcode = forms.CharField(
        label="Postcode (optional)",
        required=False,
        max_length=10,
        error_messages=_too_long("Postcode", 10),
    )
    preferred_contact_method = forms.ChoiceField(
        label="How does the person prefer to be contacted?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how the person prefers to be contacted",
            "invalid_choice": "Select how the person prefers to be contacted",
        },
    )
    gp_practice = forms.ChoiceField(
        label="GP practice",
        required=False,
        error_messages={"invalid_choice": "Select a GP practice from the list"},
    )
    preferred_language = forms.ChoiceField(
        label="Preferred language",
        choices=LANGUAGES,
        error_messages={
            "required": "Select the person's preferred language",
            "invalid_choice": "Select the person's preferred language from the list",
        },
    )
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    digital_access = forms.ChoiceField(
        label="Does the person use the internet?",
        choices=DigitalAccess.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how confident the person is online",
            "invalid_choice": "Select how confident the person is online",
        },
    )
    accessibility_needs = forms.CharField(
        label="Accessibility needs (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        error_messages=_too_long("Accessibility needs", 2000),
    )
    reasonable_adjustments = forms.CharField(
        label="Reasonable adjustments (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        error_messages=_too_long("Reasonable adjustments", 2000),
    )
    consent_method = forms.ChoiceField(
        label="If a consent decision changed, how did the person give it?",
        required=False,
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select how the person gave the consent decision"},
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        kwargs.setdefault("initial", initial_details(person))
        super().__init__(*args, **kwargs)
        self.person = person
        # An inactive practice cannot be chosen, but the person's own stays theirs.
        practices = self._practices(person).order_by("name")
        self.fields["gp_practice"].choices = (  # type: ignore[attr-defined]
            [("", "Not known yet"), (NO_GP, "No known GP practice")]
            + [(str(practice.pk), practice.name) for practice in practices]
        )
        known = dict(LANGUAGES)
        if person.preferred_language not in known:
            # A language recorded elsewhere (an import, the API) stays choosable.
            self.fields["preferred_language"].choices = [  # type: ignore[attr-defined]
                *LANGUAGES,
                (person.preferred_language, person.preferred_language),
            ]
        for kind, label in ConsentKind.choices:
            self.fields[f"consent_{kind}"] = forms.ChoiceField(
                label=f"Consent {label[0].lower()}{label[1:]}",
                required=False,
                choices=[(GIVEN, "Given"), (REFUSED, "Refused")],
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Select given or refused"},
            )

    @staticmethod
    def _practices(person: Person) -> QuerySet[Organisation]:
        return Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE).filter(
            Q(is_active=True) | Q(pk=person.gp_practice_id)
        )

    def consent_fields(self) -> list[forms.BoundField]:
        return [self[f"consent_{kind}"] for kind in ConsentKind.values]

    def clean_gp_practice(self) -> Organisation | str | None:
        value = self.cleaned_data["gp_practice"]
        if value in ("", NO_GP):
            return value or None
        practice = self._practices(self.person).filter(pk=value).first()
        if practice is None:
            raise forms.ValidationError("Select a GP practice from the list")
        return practice

    def clean_postcode(self) -> str:
        """The same rule as at intake: upper case with one space, or blank."""
        postcode: str = self.cleaned_data["postcode"].strip()
        if not postcode:
            return ""
        try:
            return normalise_postcode(postcode)
        except InvalidPostcode:
            raise forms.ValidationError(POSTCODE_INVALID, code="invalid") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = CONTACT_DETAIL.get(data.get("preferred_contact_method", ""))
        if needed and not data.get(needed[0]) and needed[0] not in self.errors:
            self.add_error(needed[0], needed[1])
        if self.consents() and not data.get("consent_method"):
            self.add_error(
                "consent_method", "Select how the person gave the consent decision you changed"
            )
        return data

    def details(self) -> dict[str, Any]:
        """The cleaned details, in the shape `edit_person` takes."""
        data = self.cleaned_data
        practice = data["gp_practice"]
        return {
            "given_name": data["given_name"].strip(),
            "family_name": data["family_name"].strip(),
            "sex": data["sex"],
            "gender_same_as_sex": data["gender_same_as_sex"],
            "gender_identity": data["gender_identity"].strip(),
            "ethnicity": data["ethnicity"],
            "phone": data["phone"].strip(),
            "email": data["email"],
            "address": data["address"].strip(),
            "postcode": data["postcode"],
            "preferred_contact_method": data["preferred_contact_method"],
            "gp_practice": practice if isinstance(practice, Organisation) else None,
            "no_known_gp_practice": practice == NO_GP,
            "preferred_language": data["preferred_language"],
            "interpreter_needed": data["interpreter_needed"],
            "digital_access": data["digital_access"],
            "accessibility_needs": data["accessibility_needs"].strip(),
            "reasonable_adjustments": data["reasonable_adjustments"].strip(),
        }

    def consents(self) -> dict[str, bool]:
        """The consent decisions that differ from those in force."""
        in_force = current_consents(self.person)
        chosen: dict[str, bool] = {}
        for kind in ConsentKind.values:
            answer = self.cleaned_data.get(f"consent_{kind}", "")
            if answer and in_force.get(kind) != (answer == GIVEN):
                chosen[kind] = answer == GIVEN
        return chosen


def initial_details(person: Person) -> dict[str, Any]:
    """The form's starting values: the person's details as they stand."""
    if person.gp_practice_id is not None:
        practice = str(person.gp_practice_id)
    else:
        practice = NO_GP if person.no_known_gp_practice else ""
    initial: dict[str, Any] = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "sex": person.sex,
        "gender_same_as_sex": person.gender_same_as_sex,
        "gender_identity": person.gender_identity,
        "ethnicity": person.ethnicity,
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
        "postcode": person.postcode,
        "preferred_contact_method": person.preferred_contact_method,
        "gp_practice": practice,
        "preferred_language": person.preferred_language,
        "interpreter_needed": person.interpreter_needed,
        "digital_access": person.digital_access,
        "accessibility_needs": person.accessibility_needs,
        "reasonable_adjustments": person.reasonable_adjustments,
    }
    for kind, given in current_consents(person).items():
        initial[f"consent_{kind}"] = GIVEN if given else REFUSED
    return initial
