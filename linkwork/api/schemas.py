"""The shapes of requests and answers. Slugs are the canonical lists of the project (needs,
routes, NHS ethnic categories...), so the OpenAPI document lists every allowed value.

Requests are strict: an unknown field is an error, so a misspelt field is never silently
dropped. A `null` counts as the field not given.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from linkwork.api.problems import FieldError
from linkwork.core.postcodes import InvalidPostcode, normalise_postcode
from linkwork.core.text import MESSAGE, has_control_characters
from linkwork.people.models import (
    NHS_ETHNIC_CATEGORY,
    ContactMethod,
    DigitalAccess,
    Ethnicity,
    GenderSameAsSex,
    RiskStatus,
    Sex,
)
from linkwork.people.nhs_number import normalise, validate_nhs_number
from linkwork.referrals.lifecycle import Status
from linkwork.referrals.models import Urgency
from linkwork.vocabulary.needs import Need
from linkwork.vocabulary.routes import Route


def _also_nhs_codes(schema: dict[str, Any]) -> None:
    """The OpenAPI document lists the NHS letter codes beside the 2021 groups, as both are
    taken: a client checking its request against the document must not reject 'N'."""
    groups = {key: schema.pop(key) for key in ("$ref", "allOf", "enum", "type") if key in schema}
    schema["anyOf"] = [groups, {"type": "string", "enum": sorted(NHS_ETHNIC_CATEGORY)}]


def _error(code: str, message: str) -> PydanticCustomError:
    """A validation error whose message is shown as it is, for people to act on."""
    return PydanticCustomError(code, message)


def _email(value: str) -> str:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise _error(
                "email", "Enter an email address in the correct format, like name@example.org."
            ) from None
    return value


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value is not None}
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        """NUL and other control characters are refused in every text field (`core.text`)."""
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and has_control_characters(text) for text in texts):
            raise _error("control_characters", f"{MESSAGE} from this field.")
        return value


class PersonIn(Input):
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    date_of_birth: dt.date = Field(description="YYYY-MM-DD.")
    nhs_number: str = Field(
        "",
        max_length=14,
        description="10 digits, spaces allowed (485 777 3456); checked with modulus 11.",
    )
    sex: Sex = Sex.NOT_KNOWN
    gender_same_as_sex: GenderSameAsSex | None = Field(
        None,
        description="Is the gender the person identifies with the same as their sex registered "
        "at birth (the ONS 2021 question)? Leave out if not asked.",
    )
    gender_identity: str = Field(
        "", max_length=100, description="The person's gender identity in their own words."
    )
    ethnicity: Ethnicity = Field(
        Ethnicity.NOT_KNOWN,
        description="ONS 2021 ethnic group, such as 'asian_indian'; the NHS Data Dictionary's "
        "2001 letter codes ('A' to 'Z', '99') are also taken and recorded as their 2021 group.",
        json_schema_extra=lambda schema: _also_nhs_codes(schema),
    )
    preferred_language: str = Field(
        "en", pattern=r"^[a-z]{2,3}$", description="ISO 639 code, such as 'en' or 'pl'."
    )
    interpreter_needed: bool = False
    address: str = Field("", max_length=1000)
    postcode: str = Field("", max_length=10, description="A UK postcode.")
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    preferred_contact_method: ContactMethod = ContactMethod.PHONE
    digital_access: DigitalAccess = DigitalAccess.NOT_KNOWN
    gp_practice_ods_code: str = Field(
        "", max_length=12, description="The ODS code of the person's GP practice."
    )
    no_known_gp_practice: bool = Field(
        False, description="True when the person has no GP practice."
    )
    reasonable_adjustments: str = Field("", max_length=2000)
    risk_status: RiskStatus = RiskStatus.NOT_ASKED
    risks: str = Field(
        "", max_length=2000, description="Required when risk_status is risks_identified."
    )
    safeguarding_concerns: str = Field("", max_length=2000)

    @field_validator("date_of_birth")
    @classmethod
    def _in_the_past(cls, value: dt.date) -> dt.date:
        if value > timezone.localdate():
            raise _error("future_date", "Enter a date of birth in the past.")
        if value.year < 1900:
            raise _error("old_date", "Enter a date of birth after 1900.")
        return value

    @field_validator("ethnicity", mode="before")
    @classmethod
    def _nhs_ethnic_category(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().upper() in NHS_ETHNIC_CATEGORY:
            return NHS_ETHNIC_CATEGORY[value.strip().upper()]
        return value

    @field_validator("nhs_number")
    @classmethod
    def _nhs_number(cls, value: str) -> str:
        number = normalise(value)
        if number:
            try:
                validate_nhs_number(number)
            except DjangoValidationError as error:
                raise _error("nhs_number", error.messages[0]) from None
        return number

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        if not value:
            return value
        try:
            return normalise_postcode(value)
        except InvalidPostcode as error:
            raise _error("postcode", str(error)) from None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _email(value)

    def cross_checks(self) -> list[FieldError]:
        """Rules between fields, checked once every field is valid on its own."""
        found: list[FieldError] = []
        needed = {
            ContactMethod.PHONE: ("phone", "a phone number"),
            ContactMethod.TEXT: ("phone", "a mobile number"),
            ContactMethod.EMAIL: ("email", "an email address"),
            ContactMethod.LETTER: ("address", "a postal address"),
        }.get(self.preferred_contact_method)
        if needed and not getattr(self, needed[0]):
            found.append(
                FieldError(
                    f"person.{needed[0]}",
                    f"Give {needed[1]}, or choose another preferred_contact_method.",
                )
            )
        if self.gp_practice_ods_code and self.no_known_gp_practice:
            found.append(
                FieldError(
                    "person.no_known_gp_practice",
                    "Either give gp_practice_ods_code or set no_known_gp_practice, not both.",
                )
            )
        if self.risk_status == RiskStatus.RISKS_IDENTIFIED and not self.risks:
            found.append(
                FieldError(
                    "person.risks", "Describe the risks when risk_status is risks_identified."
                )
            )
        return found


class ConsentsIn(Input):
    """Each decision the person made; leave one out if they were not asked."""

    contact: bool | None = Field(None, description="To be contacted by the scheme.")
    share_with_providers: bool | None = Field(
        None, description="To share details with the services they are connected to."
    )
    message_back: bool | None = Field(
        None, description="To send a summary back to the referrer and GP."
    )
    evaluation: bool | None = Field(
        None, description="To use pseudonymised data to evaluate the service."
    )

    def decisions(self) -> dict[str, bool]:
        return {kind: given for kind, given in self.model_dump().items() if given is not None}


class ReferrerIn(Input):
    name: str = Field(min_length=1, max_length=200)
    role: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=20)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _email(value)


class ResponseToIn(Input):
    """Where the message back goes, when not to the referrer."""

    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=1000)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _email(value)


class ReferralDetailsIn(Input):
    scheme: str = Field(min_length=1, max_length=50, description="The scheme's slug.")
    route: Route
    needs: list[Need] = Field(min_length=1, description="At least one need.")
    reason: str = Field("", max_length=5000)
    what_matters: str = Field("", max_length=5000, description="What matters to the person.")
    urgency: Urgency = Urgency.ROUTINE
    consent_to_refer: bool = Field(description="Must be true: the person agreed to this referral.")
    referrer: ReferrerIn
    response_to: ResponseToIn = ResponseToIn.model_validate({})

    @field_validator("consent_to_refer")
    @classmethod
    def _consented(cls, value: bool) -> bool:
        if not value:
            raise _error(
                "no_consent",
                "Only refer a person who agrees to it: ask them, then send true.",
            )
        return value


class ReferralRequest(Input):
    person: PersonIn
    consents: ConsentsIn = ConsentsIn.model_validate({})
    referral: ReferralDetailsIn

    def cross_checks(self) -> list[FieldError]:
        return self.person.cross_checks()


# Answers -------------------------------------------------------------------------------------


class Links(BaseModel):
    self: str


class ReferralReceived(BaseModel):
    id: uuid.UUID
    reference: str = Field(description="Quote this to the scheme, such as LW-7KQ2-M9XD.")
    status: Status
    received_at: dt.datetime
    links: Links


class WithdrawalRequest(Input):
    reason: str = Field(
        min_length=1,
        max_length=1000,
        description="Why your organisation takes the referral back. The scheme and its link "
        "worker read it.",
    )


class StatusEntry(BaseModel):
    status: Status
    changed_at: dt.datetime


class MessageOut(BaseModel):
    event: str
    channel: str
    status: str
    sent_at: dt.datetime | None
    subject: str
    body: str


class ReferralOut(BaseModel):
    id: uuid.UUID
    reference: str
    status: Status
    received_at: dt.datetime
    scheme: str = Field(description="The scheme's slug.")
    route: Route
    needs: list[str]
    urgency: Urgency
    decline_reason: str | None
    redirected_to: str | None
    closure_reason: str | None
    withdrawal_reason: str | None = Field(
        None, description="Why the referring organisation withdrew it, once withdrawn."
    )
    status_history: list[StatusEntry] = Field(description="Oldest first.")
    messages: list[MessageOut] = Field(description="Messages sent back to the referrer.")
    links: Links


class FieldErrorOut(BaseModel):
    field: str = Field(description="Path of the field in the request body.")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document, served as application/problem+json."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldErrorOut] | None = None


class ProblemTypeOut(BaseModel):
    type: str
    title: str
    status: int
    description: str
