"""The forms of group registers. Each names its fields in its errors (`HouseVoice`)."""

from __future__ import annotations

from typing import Any

from django import forms

from linkwork.core.forms import HouseVoice
from linkwork.groups.models import EntryStatus


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
