"""Forms of appointments and the diary: booking one, recording what happened, and the diary's
day or week."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from linkwork.casework.diary import DAY, WEEK
from linkwork.casework.models import Mode
from linkwork.core.forms import DatePartsField, HouseVoice
from linkwork.people.models import DigitalAccess, Person

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M"]


class AppointmentForm(HouseVoice, forms.Form):
    """Book a contact in the future; a person with no digital access is not offered video."""

    date = DatePartsField(label="Date of the appointment", what="Date of the appointment")
    time = forms.TimeField(
        label="Time",
        help_text="For example, 14:30",
        input_formats=TIME_FORMATS,
        error_messages={
            "required": "Enter the time of the appointment",
            "invalid": "Enter the time as hours and minutes, like 14:30",
        },
    )
    mode = forms.ChoiceField(
        label="How",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how you will meet",
            "invalid_choice": "Select how you will meet",
        },
    )
    place = forms.CharField(
        label="Where, or how to join (optional)",
        required=False,
        max_length=300,
        help_text="For example, the library on Station Road, or the number you will call. "
        "For a home visit, leave the address out: it is on the person's record.",
        error_messages={"max_length": "Where must be 300 characters or fewer"},
    )
    duration_minutes = forms.IntegerField(
        label="Duration in minutes",
        initial=60,
        min_value=5,
        max_value=600,
        error_messages={
            "required": "Enter how long the appointment is, in minutes",
            "invalid": "Enter the duration as a whole number of minutes, like 45",
            "min_value": "The duration must be at least 5 minutes",
            "max_value": "The duration must be 600 minutes or less",
        },
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
            if when <= timezone.now():
                # An earlier hour today is a wrong time, not a wrong date: name the one to fix.
                if day < timezone.localdate():
                    self.add_error("date", "The date of the appointment must be today or later")
                else:
                    self.add_error("time", "The time must be later than now")
            data["starts_at"] = when
        return data

    def booking(self) -> dict[str, Any]:
        """The appointment as the form has it (once valid): what booking or moving one takes."""
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "duration_minutes": data["duration_minutes"],
            "mode": Mode(data["mode"]),
            "place": data["place"],
        }


class RecordAppointmentForm(HouseVoice, forms.Form):
    """What happened at an appointment whose time has come."""

    outcome = forms.ChoiceField(
        label="What happened",
        choices=[("attended", "The person came"), ("did_not_attend", "The person did not come")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether the person came",
            "invalid_choice": "Select whether the person came",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"max_length": "The note must be 5,000 characters or fewer"},
    )


class DiaryForm(HouseVoice, forms.Form):
    """The diary's day (`?date=2026-12-07`) and whether it shows the week around it."""

    date = forms.DateField(
        label="Date",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Date must be a real date, written like 2026-12-07"},
    )
    view = forms.ChoiceField(
        label="View",
        required=False,
        choices=[(DAY, "Day"), (WEEK, "Week")],
        error_messages={"invalid_choice": "View must be day or week"},
    )
