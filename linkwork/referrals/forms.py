"""Referral forms: the staff form in three screens, the public self-referral form and the
triage decision.

Messages follow the NHS.UK style: they name the field and say how to put it right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.db import models

from linkwork.accounts.models import Organisation, OrganisationKind, Scheme, User
from linkwork.core.forms import DatePartsField, HouseVoice
from linkwork.core.languages import LANGUAGES
from linkwork.core.postcodes import POSTCODE_INVALID, InvalidPostcode, normalise_postcode
from linkwork.people.forms import (
    EQUALITY_ABOUT_THE_PERSON,
    EQUALITY_ABOUT_YOU,
    EqualityWording,
    equality_fields,
)
from linkwork.people.models import ConsentKind, ContactMethod
from linkwork.people.nhs_number import normalise, validate_nhs_number
from linkwork.referrals import capacity, intake
from linkwork.referrals.actions import REASON_MAX_LENGTH
from linkwork.referrals.lifecycle import DeclineReason
from linkwork.referrals.models import Referral, Urgency
from linkwork.vocabulary.needs import Need
from linkwork.vocabulary.routes import Route

NO_GP = "none"
# On the self-referral form: the person does not know their GP practice.
GP_NOT_KNOWN = "unknown"
# The NHS.UK pattern for a postcode that is not in the UK format (Royal Mail's rules, so
# "12345" and the NHS pseudo-postcodes "ZZ99 ..." are not postcodes either).


# The detail each way of contacting someone needs.
CONTACT_DETAIL = {
    ContactMethod.PHONE: "phone",
    ContactMethod.TEXT: "phone",
    ContactMethod.EMAIL: "email",
    ContactMethod.LETTER: "address",
}


def require_contact_details(
    form: forms.Form, data: dict[str, Any], messages: Mapping[str, str]
) -> None:
    """The detail the chosen way of contact needs (a phone number for calls and texts, and so
    on) must be given; `messages` says, per field, how to put it right."""
    needed = CONTACT_DETAIL.get(data.get("preferred_contact_method", ""))
    if needed and not data.get(needed):
        form.add_error(needed, messages[needed])


def _required(message: str) -> dict[str, str]:
    return {"required": message}


@dataclass(frozen=True)
class PersonWording:
    """What the person fields say in one voice: to staff about the person, or to the person.

    Both voices stand side by side below, so a change to one is seen against the other."""

    given_name_missing: str
    family_name_missing: str
    date_of_birth: str
    # None: the postcode may be left out.
    postcode_missing: str | None
    contact_method: str
    contact_method_missing: str
    contact_methods: Sequence[tuple[str, str]]
    phone: str
    email: str
    email_invalid: str
    address: str
    # What to say when the chosen way of contact lacks its detail.
    detail_missing: Mapping[str, str]


ABOUT_THE_PERSON = PersonWording(
    given_name_missing="Enter the person's first name",
    family_name_missing="Enter the person's last name",
    date_of_birth="Date of birth",
    postcode_missing=None,
    contact_method="How does the person prefer to be contacted?",
    contact_method_missing="Select how the person prefers to be contacted",
    contact_methods=ContactMethod.choices,
    phone="Phone number (optional)",
    email="Email address (optional)",
    email_invalid="Enter an email address in the correct format, like name@example.org",
    address="Address (optional)",
    detail_missing={
        "phone": "Enter a phone number, or choose another way to contact the person",
        "email": "Enter an email address, or choose another way to contact the person",
        "address": "Enter an address so we can write to the person",
    },
)

ABOUT_YOU = PersonWording(
    given_name_missing="Enter your first name",
    family_name_missing="Enter your last name",
    date_of_birth="Your date of birth",
    postcode_missing="Enter your postcode",
    contact_method="How should we contact you?",
    contact_method_missing="Select how we should contact you",
    # Meeting in person is arranged by a link worker, not asked for on the public form.
    contact_methods=[
        (value, label) for value, label in ContactMethod.choices if value != ContactMethod.IN_PERSON
    ],
    phone="Phone number",
    email="Email address",
    email_invalid="Enter an email address in the correct format, like name@example.com",
    address="Address",
    detail_missing={
        "phone": "Enter your phone number, or choose another way for us to contact you",
        "email": "Enter your email address, or choose another way for us to contact you",
        "address": "Enter your address, or choose another way for us to contact you",
    },
)


class PersonFieldsForm(HouseVoice, forms.Form):
    """Who the person is and how to reach them, and the optional equality questions: the
    fields the staff form and the self-referral form share, worded by the subclass's
    `wording` and `equality_wording`."""

    wording: ClassVar[PersonWording]
    equality_wording: ClassVar[EqualityWording]

    given_name = forms.CharField(label="First name", max_length=100)
    family_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = DatePartsField(
        label="Date of birth", what="Date of birth", past=True, help_text="For example, 15 3 1984"
    )
    postcode = forms.CharField(label="Postcode", max_length=10)
    preferred_contact_method = forms.ChoiceField(widget=forms.RadioSelect)
    phone = forms.CharField(required=False, max_length=20)
    email = forms.EmailField(required=False)
    address = forms.CharField(required=False, widget=forms.Textarea, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        words = self.wording
        fields = self.fields
        fields.update(equality_fields(self.equality_wording))
        fields["given_name"].error_messages["required"] = words.given_name_missing
        fields["family_name"].error_messages["required"] = words.family_name_missing
        date_of_birth = fields["date_of_birth"]
        assert isinstance(date_of_birth, DatePartsField)
        date_of_birth.what = words.date_of_birth
        fields["postcode"].required = words.postcode_missing is not None
        if words.postcode_missing is not None:
            fields["postcode"].error_messages["required"] = words.postcode_missing
        contact_method = fields["preferred_contact_method"]
        assert isinstance(contact_method, forms.ChoiceField)
        contact_method.label = words.contact_method
        contact_method.choices = words.contact_methods
        contact_method.error_messages["required"] = words.contact_method_missing
        fields["phone"].label = words.phone
        fields["email"].label = words.email
        fields["email"].error_messages["invalid"] = words.email_invalid
        fields["address"].label = words.address
        self.order_fields(self.field_order)

    def clean_postcode(self) -> str:
        """Upper case with one space ("bk11ae" -> "BK1 1AE"), or blank where allowed."""
        postcode: str = self.cleaned_data["postcode"].strip()
        if not postcode:
            return ""
        try:
            return normalise_postcode(postcode)
        except InvalidPostcode:
            raise forms.ValidationError(POSTCODE_INVALID, code="invalid") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        require_contact_details(self, data, self.wording.detail_missing)
        return data


class PersonForm(PersonFieldsForm):
    """Screen 1: who the person is and how to reach them."""

    wording = ABOUT_THE_PERSON
    equality_wording = EQUALITY_ABOUT_THE_PERSON
    field_order = [
        "given_name",
        "family_name",
        "date_of_birth",
        "nhs_number",
        "postcode",
        "phone",
        "email",
        "preferred_contact_method",
        "gp_practice",
        "interpreter_needed",
        "address",
        "preferred_language",
        "sex",
        "gender_same_as_sex",
        "gender_identity",
        "ethnicity",
        "digital_access",
        "safeguarding_concerns",
    ]

    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        max_length=14,
        help_text="10 digits, like 485 777 3456",
    )
    gp_practice = forms.ChoiceField(label="GP practice", required=False)
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    preferred_language = forms.ChoiceField(
        label="Preferred language", required=False, choices=LANGUAGES, initial="en"
    )
    safeguarding_concerns = forms.CharField(
        label="Safeguarding concerns (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        practices = Organisation.objects.active().filter(kind=OrganisationKind.GP_PRACTICE)
        practices = practices.order_by("name")
        self.fields["gp_practice"].choices = (  # type: ignore[attr-defined]
            [("", "Select a practice"), (NO_GP, "No known GP practice")]
            + [(str(practice.pk), practice.name) for practice in practices]
        )

    def clean_nhs_number(self) -> str:
        number = normalise(self.cleaned_data["nhs_number"])
        if number:
            validate_nhs_number(number)
        return number


class ReferralForm(HouseVoice, forms.Form):
    """Screen 2: why the person is referred, and to which scheme."""

    scheme = forms.ModelChoiceField(
        label="Social prescribing scheme",
        queryset=Scheme.objects.order_by("name"),
        empty_label=None,
        error_messages=_required("Select the scheme you are referring to"),
    )
    route = forms.ChoiceField(
        label="Who is referring",
        choices=Route.choices,
        error_messages=_required("Select who is referring"),
    )
    needs = forms.MultipleChoiceField(
        label="What does the person need support with?",
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_required("Select at least one thing the person needs support with"),
    )
    reason = forms.CharField(
        label="Reason for referral",
        widget=forms.Textarea,
        max_length=4000,
        help_text="What is happening for the person, in a few sentences",
        error_messages=_required("Enter the reason for the referral"),
    )
    what_matters = forms.CharField(
        label="What matters to the person (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
    )
    urgency = forms.ChoiceField(
        label="How urgent is this?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        initial=Urgency.ROUTINE,
        error_messages=_required("Select how urgent the referral is"),
    )

    def __init__(self, *args: Any, date_of_birth: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # From screen 1: the scheme chosen here must support someone of the person's age.
        self.date_of_birth = date_of_birth

    def clean_scheme(self) -> Scheme:
        scheme: Scheme = self.cleaned_data["scheme"]
        if self.date_of_birth is not None:
            young = intake.too_young(scheme, self.date_of_birth)
            if young is not None:
                raise forms.ValidationError(young)
        return scheme


class ConsentForm(HouseVoice, forms.Form):
    """Screen 3: consent, and where the response should go."""

    consent_to_refer = forms.BooleanField(
        label="The person agreed to this referral",
        error_messages=_required("Confirm that the person agreed to this referral"),
    )
    consents = forms.MultipleChoiceField(
        label="The person also agreed",
        required=False,
        choices=ConsentKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    response_to_email = forms.EmailField(
        label="Email address for the response",
        required=False,
        help_text=(
            "We send updates and a summary at the end. Leave blank to use your own email address."
        ),
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )


class SelfReferralForm(PersonFieldsForm):
    """The public form at /refer/: short, plain English, and safe from automated abuse."""

    wording = ABOUT_YOU
    equality_wording = EQUALITY_ABOUT_YOU
    field_order = [
        "given_name",
        "family_name",
        "date_of_birth",
        "postcode",
        "gp_practice",
        "preferred_contact_method",
        "phone",
        "email",
        "address",
        "preferred_language",
        "interpreter_needed",
        "sex",
        "gender_same_as_sex",
        "gender_identity",
        "ethnicity",
        "digital_access",
        "needs",
        "what_matters",
        "consent",
        "website",
    ]

    gp_practice = forms.ChoiceField(
        label="Your GP practice",
        help_text="The surgery you are registered with",
        error_messages={
            "required": "Select your GP practice, or select \u201cI do not know\u201d",
            "invalid_choice": "Select your GP practice from the list",
        },
    )
    preferred_language = forms.ChoiceField(
        label="Which language would you like us to use?",
        required=False,
        choices=LANGUAGES,
        initial="en",
    )
    interpreter_needed = forms.BooleanField(label="I would like an interpreter", required=False)
    needs = forms.MultipleChoiceField(
        label="What would you like help with?",
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_required("Select at least one thing you would like help with"),
    )
    what_matters = forms.CharField(
        label="Tell us a bit more (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        help_text="For example, what matters to you or what you would like to change",
    )
    consent = forms.BooleanField(
        label="I agree to a link worker contacting me about this",
        error_messages=_required("Confirm you agree to a link worker contacting you"),
    )
    # A field hidden from people; software that fills in every box fills it in.
    website = forms.CharField(required=False, label="Leave this box empty")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        practices = Organisation.objects.active().filter(kind=OrganisationKind.GP_PRACTICE)
        practices = practices.order_by("name")
        self.fields["gp_practice"].choices = (  # type: ignore[attr-defined]
            [("", "Select your GP practice")]
            + [(str(practice.pk), practice.name) for practice in practices]
            + [(NO_GP, "I am not registered with a GP"), (GP_NOT_KNOWN, "I do not know")]
        )

    def gp_details(self) -> dict[str, Any]:
        """The GP practice answer in the shape of the person record."""
        answer = self.cleaned_data["gp_practice"]
        chosen = answer not in (NO_GP, GP_NOT_KNOWN)
        return {
            "gp_practice_id": int(answer) if chosen else None,
            "no_known_gp_practice": answer == NO_GP,
        }


ROUTE_FOR_ORGANISATION = {
    OrganisationKind.GP_PRACTICE: Route.GP_PRACTICE,
    OrganisationKind.PCN: Route.OTHER_PRIMARY_CARE,
    OrganisationKind.HOSPITAL: Route.HOSPITAL,
    OrganisationKind.LOCAL_AUTHORITY: Route.LOCAL_AUTHORITY,
    OrganisationKind.HOUSING: Route.HOUSING,
    OrganisationKind.POLICE: Route.POLICE,
    OrganisationKind.FIRE: Route.FIRE,
    OrganisationKind.JOBCENTRE: Route.JOBCENTRE,
    OrganisationKind.SCHOOL: Route.SCHOOL,
    OrganisationKind.FAITH: Route.FAITH,
    OrganisationKind.VCSE: Route.VOLUNTARY,
    OrganisationKind.OTHER: Route.OTHER,
}


class TriageDecision(models.TextChoices):
    ACCEPT = "accept", "Accept and assign a link worker"
    WAITING_LIST = "waiting_list", "Add to the waiting list"
    DECLINE = "decline", "Decline"
    REDIRECT = "redirect", "Redirect"


LINK_WORKER_MESSAGE = "Select the link worker who will support this person"
DECLINE_REASON_MESSAGE = "Select why the referral is declined"
DECISION_MESSAGE = "Select accept, waiting list, decline or redirect"


class TriageForm(HouseVoice, forms.Form):
    """The scheme lead's decision on a received referral: accept with a link worker, add to
    the waiting list, decline with a reason, or redirect. The page holds every decision's
    fields, so only those of the chosen decision are read, and each of them is required."""

    FIELDS_FOR = {
        TriageDecision.ACCEPT: ("link_worker", "over_limit_ok"),
        TriageDecision.WAITING_LIST: (),
        TriageDecision.DECLINE: ("decline_reason", "note"),
        TriageDecision.REDIRECT: ("redirect_to", "note"),
    }

    decision = forms.ChoiceField(
        choices=TriageDecision.choices,
        error_messages={"required": DECISION_MESSAGE, "invalid_choice": DECISION_MESSAGE},
    )
    # Any user: whether they work in the scheme is the accept action's to say.
    link_worker = forms.ModelChoiceField(
        queryset=User.objects.all(),
        error_messages={"required": LINK_WORKER_MESSAGE, "invalid_choice": LINK_WORKER_MESSAGE},
    )
    over_limit_ok = forms.BooleanField(required=False)
    decline_reason = forms.ChoiceField(
        choices=[(v, t) for v, t in DeclineReason.choices if v != DeclineReason.NOT_RECORDED],
        error_messages={
            "required": DECLINE_REASON_MESSAGE,
            "invalid_choice": DECLINE_REASON_MESSAGE,
        },
    )
    # Passed on as written: it goes into the message to the referrer.
    note = forms.CharField(required=False, strip=False)
    # The length the referral keeps (`Referral.redirected_to`).
    redirect_to = forms.CharField(
        max_length=300,
        error_messages=_required("Enter the service you are redirecting the person to"),
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.referral = referral
        chosen = self.FIELDS_FOR.get(self.data.get("decision", ""), ())
        for name in list(self.fields):
            if name != "decision" and name not in chosen:
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        worker = data.get("link_worker")
        if worker is not None and not data.get("over_limit_ok"):
            referral = self.referral
            warning = capacity.over_limit_message(
                capacity.load_of(worker, referral.scheme), referral, referral.complexity
            )
            if warning:
                self.add_error(
                    "link_worker",
                    f"{warning} Tick \u201cAssign anyway\u201d to go over the limit, choose "
                    "someone else, or add the person to the waiting list.",
                )
        return data


class WithdrawForm(HouseVoice, forms.Form):
    """Why the referrer takes its referral back: the link worker reads it, and so does the
    referrer in the confirmation."""

    reason = forms.CharField(
        label="Why are you withdrawing this referral?",
        widget=forms.Textarea,
        max_length=REASON_MAX_LENGTH,
        help_text="For example, the person no longer wants support, or the referral was sent "
        "in error. The scheme and its link worker will see this.",
        error_messages={"required": "Enter why you are withdrawing this referral"},
    )
