"""Forms of the provider's pages: answering a request, recording attendance, and setting a
service's availability."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from linkwork.casework.lifecycle import Decision, RejectionReason
from linkwork.core.forms import DatePartsField, HouseVoice, today_or_earlier
from linkwork.directory.models import Capacity, ServiceStatus


class AnswerForm(HouseVoice, forms.Form):
    """The provider's answer to a request; declining needs a reason."""

    decision = forms.ChoiceField(
        label="Your answer",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you accept or decline the referral",
            "invalid_choice": "Select whether you accept or decline the referral",
        },
    )
    reason = forms.ChoiceField(
        label="If you decline, why?",
        choices=RejectionReason.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select why you are declining the referral"},
    )
    detail = forms.CharField(
        label="Anything the link worker should know (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        help_text="Do not include the person's medical details.",
        error_messages={"max_length": "Keep this to 2,000 characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Decision.DECLINE and not data.get("reason"):
            self.add_error("reason", "Select why you are declining the referral")
        if data.get("decision") != Decision.DECLINE:
            data["reason"] = ""
        return data


class AttendanceForm(HouseVoice, forms.Form):
    session_on = DatePartsField(
        label="Date of the session",
        what="The date of the session",
        help_text="For example, 15 3 2026",
    )
    attended = forms.TypedChoiceField(
        label="Did the person attend?",
        choices=[("yes", "Yes, they attended"), ("no", "No, they did not attend")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the person attended"},
    )

    def clean_session_on(self) -> dt.date | None:
        return today_or_earlier(self.cleaned_data.get("session_on"), "The date of the session")


# Providers pause or reopen a service; "defunct" is for curators, who retire listings.
PROVIDER_STATUSES = [
    (ServiceStatus.ACTIVE.value, ServiceStatus.ACTIVE.label),
    (ServiceStatus.TEMPORARILY_CLOSED.value, ServiceStatus.TEMPORARILY_CLOSED.label),
    (ServiceStatus.INACTIVE.value, ServiceStatus.INACTIVE.label),
]


class AvailabilityForm(HouseVoice, forms.Form):
    status = forms.ChoiceField(
        label="Is the service running?",
        choices=PROVIDER_STATUSES,
        help_text="While a service is temporarily closed, inactive or full, the referrals to "
        "it go on hold and their link workers are told.",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the service is running",
            "invalid_choice": "Select whether the service is running",
        },
    )
    capacity = forms.ChoiceField(
        label="Is it taking people?",
        choices=Capacity.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the service is taking people",
            "invalid_choice": "Select whether the service is taking people",
        },
    )
