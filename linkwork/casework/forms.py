from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from linkwork.casework.lifecycle import ConnectionStatus, FailureReason
from linkwork.casework.models import Mode, Outcome
from linkwork.core.forms import DatePartsField, HouseVoice
from linkwork.people.models import DigitalAccess, Person
from linkwork.referrals.lifecycle import ClosureReason


class ContactForm(HouseVoice, forms.Form):
    """Quick entry of one contact; a person with no digital access is not offered video."""

    date = DatePartsField(label="Date of the contact", what="Date of the contact")
    time = forms.TimeField(
        label="Time",
        help_text="For example, 14:30",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        error_messages={
            "required": "Enter the time of the contact",
            "invalid": "Enter the time as hours and minutes, like 14:30",
        },
    )
    mode = forms.ChoiceField(
        label="How",
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the contact happened"},
    )
    duration_minutes = forms.IntegerField(
        label="Duration in minutes",
        min_value=0,
        max_value=600,
        error_messages={
            "required": "Enter how long the contact took, in minutes",
            "invalid": "Enter the duration as a whole number of minutes, like 30",
            "min_value": "The duration cannot be less than 0 minutes",
            "max_value": "The duration must be 600 minutes or less",
        },
    )
    outcome = forms.ChoiceField(
        label="What happened",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened"},
    )
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea, max_length=5000
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        modes = list(Mode.choices)
        if person.digital_access == DigitalAccess.NONE:
            modes = [(value, label) for value, label in modes if value != Mode.VIDEO]
        self.fields["mode"].choices = modes  # type: ignore[attr-defined]
        # Most contacts are recorded as they end: start from now, changed when it was earlier.
        now = timezone.localtime()
        self.fields["date"].initial = now.date()
        self.fields["time"].initial = now.strftime("%H:%M")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, time = data.get("date"), data.get("time")
        if isinstance(day, dt.date) and isinstance(time, dt.time):
            when = timezone.make_aware(dt.datetime.combine(day, time))
            if when > timezone.now() + dt.timedelta(minutes=5):
                # Today at a later hour is a wrong time, not a wrong date: name the one to fix.
                if day > timezone.localdate():
                    self.add_error("date", "The date of the contact must be today or in the past")
                else:
                    self.add_error("time", "The time must be now or earlier")
            data["occurred_at"] = when
        return data


class ConnectForm(HouseVoice, forms.Form):
    """Connect the person to one service: what to share (only with consent), supported
    linking, and a message to the provider."""

    shared_fields = forms.MultipleChoiceField(
        label="What the service may see",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Share only what the service needs to contact and support the person.",
    )
    supported_linking = forms.BooleanField(
        label="I will go with the person the first time (supported linking)", required=False
    )
    message_to_provider = forms.CharField(
        label="Message to the service (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        help_text="The service sees this. Do not include anything the person has not agreed "
        "to share.",
        error_messages={"max_length": "The message must be 2,000 characters or fewer"},
    )

    def __init__(self, *args: Any, shareable: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shared_fields"].choices = [(f.value, f.label) for f in shareable]  # type: ignore[attr-defined]


class EndConnectionForm(HouseVoice, forms.Form):
    outcome = forms.ChoiceField(
        label="How did it end?",
        choices=[
            (ConnectionStatus.COMPLETED, "Completed: the person got what they needed"),
            (ConnectionStatus.FAILED, "It did not work out"),
            (ConnectionStatus.CANCELLED, "Cancelled: the connection is no longer wanted"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the connection ended"},
    )
    failure_reason = forms.ChoiceField(
        label="Why did it not work out?",
        choices=FailureReason.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    detail = forms.CharField(label="Detail (optional)", required=False, max_length=1000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == ConnectionStatus.FAILED and not data.get("failure_reason"):
            self.add_error("failure_reason", "Select why the connection did not work out")
        return data


class DischargeForm(HouseVoice, forms.Form):
    reason = forms.ChoiceField(
        label="Why is support ending?",
        choices=ClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why support is ending"},
    )
    note = forms.CharField(
        label="Note for the message back (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        help_text="The referrer and GP see this in the message back.",
    )
