"""The forms of records and rights, each error naming its field (`HouseVoice`)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from linkwork.core.forms import DatePartsField, HouseVoice, today_or_earlier
from linkwork.people.models import Person
from linkwork.people.nhs_number import is_valid, normalise
from linkwork.records.models import (
    Decision,
    LegalReason,
    PeriodUnit,
    Requester,
    RequestKind,
)
from linkwork.referrals.models import Referral

REFERENCE = re.compile(r"^LW-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def held_people(organisation_id: int) -> QuerySet[Person]:
    """People of whom the organisation holds a referral: to its schemes, or made by it."""
    referrals = Referral.objects.filter(
        Q(scheme__host_id=organisation_id) | Q(referring_organisation_id=organisation_id)
    )
    return Person.objects.filter(pk__in=referrals.values("person_id"))


class RequestForm(HouseVoice, forms.Form):
    organisation = forms.TypedChoiceField(label="Organisation the request was made to", coerce=int)
    kind = forms.ChoiceField(
        label="What did they ask for?", choices=RequestKind.choices, widget=forms.RadioSelect
    )
    who = forms.CharField(
        label="NHS number or referral reference",
        max_length=20,
        help_text="Of the person the request is about, such as 943 476 5919 or LW-7KQ2-M9XD.",
    )
    received_on = DatePartsField(
        label="Date the request was received",
        what="The date the request was received",
        help_text="The answer is due one calendar month later. For example, 27 3 2026.",
    )
    requester = forms.ChoiceField(
        label="Who made the request?", choices=Requester.choices, widget=forms.RadioSelect
    )
    requester_name = forms.CharField(
        label="Name of the person acting for them", max_length=200, required=False
    )
    identity_checked = forms.BooleanField(label="Their identity has been checked", required=False)
    identity_how = forms.CharField(
        label="How identity was checked",
        max_length=300,
        required=False,
        help_text="For example: photo ID seen at the practice, and address on the record.",
    )
    details = forms.CharField(
        label="What they asked for (optional)",
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )

    def __init__(self, *args: Any, organisations: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose = self.fields["organisation"]
        assert isinstance(choose, forms.TypedChoiceField)
        choose.choices = [
            (pk, name) for name, pk in sorted((n, p) for p, n in organisations.items())
        ]
        self.only = next(iter(organisations)) if len(organisations) == 1 else None
        if self.only is not None:
            # One organisation: it is chosen already, and a form sent without it means it.
            choose.initial, choose.required = self.only, False
        self.person: Person | None = None

    def clean_organisation(self) -> Any:
        return self.cleaned_data.get("organisation") or self.only

    def clean_received_on(self) -> Any:
        return today_or_earlier(
            self.cleaned_data.get("received_on"), "The date the request was received"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("requester") == Requester.REPRESENTATIVE and not data.get("requester_name"):
            self.add_error("requester_name", "Enter the name of the person acting for them")
        if data.get("identity_checked") and not data.get("identity_how"):
            self.add_error("identity_how", "Say how their identity was checked")
        if data.get("organisation") is not None and data.get("who"):
            self.person = self._find(data["organisation"], data["who"].strip().upper())
        return data

    def _find(self, organisation_id: int, who: str) -> Person | None:
        """The one person this organisation holds with that reference or NHS number."""
        people = held_people(organisation_id)
        if REFERENCE.match(who):
            found = people.filter(referrals__reference=who).distinct()
        elif is_valid(who):
            found = people.filter(nhs_number=normalise(who))
        else:
            self.add_error(
                "who",
                "Enter a 10-digit NHS number or a referral reference like LW-7KQ2-M9XD",
            )
            return None
        matches = list(found[:2])
        if not matches:
            self.add_error("who", "This organisation holds no record with that number")
            return None
        if len(matches) > 1:
            self.add_error(
                "who", "More than one record has this NHS number: enter a referral reference"
            )
            return None
        return matches[0]


class DecisionForm(HouseVoice, forms.Form):
    decision = forms.ChoiceField(
        label="Decision", choices=Decision.choices, widget=forms.RadioSelect
    )
    legal_reason = forms.ChoiceField(
        label="Legal reason", choices=[("", "Choose the provision"), *LegalReason.choices]
    )
    notes = forms.CharField(
        label="Notes",
        widget=forms.Textarea,
        max_length=5000,
        required=False,
        help_text="What was decided and why, in words. Needed when the reason is another one.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("legal_reason") == LegalReason.OTHER and not data.get("notes"):
            self.add_error("notes", "Enter the notes: say which legal reason applies")
        return data


class LiftForm(HouseVoice, forms.Form):
    because = forms.CharField(
        label="Why the restriction is lifted",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter why the restriction is lifted"},
    )
    told = forms.BooleanField(
        label="The person has been told before it is lifted (Article 18(3))",
        error_messages={"required": "Confirm the person has been told"},
    )


class ReviewForm(HouseVoice, forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("keep", "Keep it for another retention period"),
            ("dispose", "Mark it reviewed and agreed for disposal"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        max_length=2000,
        required=False,
        help_text="Needed to keep it: for example, a complaint or legal claim is open.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "keep" and not data.get("reason"):
            self.add_error("reason", "Enter the reason to keep it for another period")
        return data


class RuleForm(HouseVoice, forms.Form):
    period = forms.IntegerField(label="Period", min_value=1, max_value=100)
    unit = forms.ChoiceField(label="Unit", choices=PeriodUnit.choices)
    basis = forms.CharField(label="Legal basis and source", widget=forms.Textarea, max_length=2000)
