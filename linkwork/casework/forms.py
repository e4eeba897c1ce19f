from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from linkwork.casework.models import Mode, Outcome
from linkwork.core.forms import DatePartsField
from linkwork.people.models import DigitalAccess, Person


class ContactForm(forms.Form):
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, time = data.get("date"), data.get("time")
        if isinstance(day, dt.date) and isinstance(time, dt.time):
            when = timezone.make_aware(dt.datetime.combine(day, time))
            if when > timezone.now() + dt.timedelta(minutes=5):
                self.add_error("date", "The date of the contact must be today or in the past")
            data["occurred_at"] = when
        return data
