"""The forms of group registers. Each names its fields in its errors (`HouseVoice`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from linkwork.core.forms import DatePartsField, HouseVoice
from linkwork.groups.models import EntryStatus, Recurrence, Weekday

# A group started late may keep the registers of its sessions since this many weeks ago.
EARLIEST_WEEKS = 12


class BookForm(HouseVoice, forms.Form):
    """Book one connected person onto a session: the people the user may book are given."""

    connection = forms.ChoiceField(
        label="Person to book",
        help_text="People whose connection to the group's service is accepted or started.",
        error_messages={
            "required": "Select the person to book",
            "invalid_choice": "Select one of the people listed",
        },
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["connection"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a person"), *people]


def entry_field_name(entry_id: object) -> str:
    return f"entry-{entry_id}"


class RegisterForm(HouseVoice, forms.Form):
    """Mark each person on a register: one set of radios per person, named by their entry."""

    def __init__(self, *args: Any, rows: list[tuple[str, str]], **kwargs: Any) -> None:
        """`rows`: (entry id, how the person is named) for each person on the register."""
        super().__init__(*args, **kwargs)
        for entry_id, label in rows:
            self.fields[entry_field_name(entry_id)] = forms.ChoiceField(
                label=label,
                choices=EntryStatus.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select whether {label} attended",
                    "invalid_choice": f"Select whether {label} attended",
                },
            )


class GroupDetailsForm(HouseVoice, forms.Form):
    """What a group is called, where and when it meets and its places: asked when a group is
    started (`GroupForm`) and when its details change (`EditGroupForm`)."""

    name = forms.CharField(
        label="Name of the group", max_length=200, help_text="For example, Tuesday Walk and Talk"
    )
    venue = forms.CharField(
        label="Where", max_length=300, help_text="The venue and its address, or how to join"
    )
    starts_at = forms.TimeField(
        label="Start time",
        input_formats=["%H:%M", "%H.%M"],
        help_text="Use the 24-hour clock, for example 10:30 or 14:00",
        error_messages={
            "required": "Enter the time it starts",
            "invalid": "Enter the start time as hours and minutes, like 10:30",
        },
    )
    capacity = forms.IntegerField(
        label="Places at each session",
        min_value=1,
        max_value=200,
        error_messages={
            "required": "Enter how many people each session can take",
            "invalid": "Enter the places as a whole number, like 12",
            "min_value": "Places at each session must be 1 or more",
            "max_value": "Places at each session must be 200 or fewer",
        },
    )


class EditGroupForm(GroupDetailsForm):
    """Change a group's details, and the length of its sessions."""

    duration_minutes = forms.IntegerField(
        label="Length of each session, in minutes",
        min_value=15,
        max_value=600,
        help_text="For example, 90 for an hour and a half",
        error_messages={
            "required": "Enter how long each session lasts, in minutes",
            "invalid": "Enter the length as a whole number of minutes, like 90",
            "min_value": "Each session must last 15 minutes or more",
            "max_value": "Each session must last 600 minutes (10 hours) or fewer",
        },
    )
    field_order = ["name", "venue", "starts_at", "duration_minutes", "capacity"]


class GroupForm(GroupDetailsForm):
    """Start a group: who runs it (one of the user's provider organisations or schemes), the
    service it belongs to, where and when it meets, and its places."""

    runner = forms.ChoiceField(
        label="Run by", error_messages={"required": "Select who runs the group"}
    )
    service = forms.ChoiceField(
        label="Service",
        help_text="The service people are connected to. A scheme's group can use any service "
        "its people are connected to.",
        error_messages={"required": "Select the service the group belongs to"},
    )
    recurrence = forms.ChoiceField(
        label="How often",
        choices=Recurrence.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often the group meets"},
    )
    weekday = forms.TypedChoiceField(
        label="Day of the week",
        choices=Weekday.choices,
        coerce=int,
        error_messages={"required": "Select the day of the week it meets"},
    )
    first_on = DatePartsField(label="First session", what="The first session")
    field_order = [
        "name",
        "runner",
        "service",
        "venue",
        "recurrence",
        "weekday",
        "starts_at",
        "first_on",
        "capacity",
    ]

    def __init__(
        self,
        *args: Any,
        runners: list[tuple[str, str]],
        services: dict[str, list[tuple[str, str]]],
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        """`runners`: (key, name) of each organisation or scheme the user may start a group
        for; `services`: for each runner's key, the (id, name) of the services it may use."""
        super().__init__(*args, **kwargs)
        self.services_of = services
        self.today = today
        runner = self.fields["runner"]
        service = self.fields["service"]
        assert isinstance(runner, forms.ChoiceField)
        assert isinstance(service, forms.ChoiceField)
        runner.choices = [("", "Choose who runs it"), *runners]
        every: dict[str, str] = {}
        for offered in services.values():
            every.update(offered)
        service.choices = [("", "Choose a service"), *sorted(every.items(), key=lambda i: i[1])]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        runner, service = data.get("runner"), data.get("service")
        if runner and service and service not in dict(self.services_of.get(runner, [])):
            self.add_error("service", "Select a service that the group's runner may use")
        first_on = data.get("first_on")
        if first_on is not None and first_on < self.today - dt.timedelta(weeks=EARLIEST_WEEKS):
            self.add_error(
                "first_on", f"The first session must be within the last {EARLIEST_WEEKS} weeks"
            )
        return data
