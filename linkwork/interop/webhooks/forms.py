"""The form for adding an endpoint."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from linkwork.core.forms import HouseVoice
from linkwork.interop.webhooks import addresses
from linkwork.interop.webhooks.models import EventType


class EndpointForm(HouseVoice, forms.Form):
    organisation = forms.TypedChoiceField(
        label="Organisation", coerce=int, error_messages={"required": "Choose the organisation"}
    )
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Which system this is, so people know what it is for.",
        error_messages={"required": "Enter a name for the endpoint"},
    )
    url = forms.CharField(
        label="Address",
        max_length=500,
        help_text="Where Linkwork sends each event, starting with https://",
        error_messages={"required": "Enter the address to send events to"},
        validators=[addresses.validate],
    )
    events = forms.MultipleChoiceField(
        label="Events to send",
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send"},
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["organisation"]).choices = organisations
        # An admin of one organisation is not asked which.
        self.only_organisation = organisations[0][0] if len(organisations) == 1 else None
        if self.only_organisation is not None:
            self.fields["organisation"].required = False
            self.fields["organisation"].widget = forms.HiddenInput()

    def clean_organisation(self) -> int:
        chosen = self.cleaned_data.get("organisation")
        if chosen in (None, ""):
            chosen = self.only_organisation
        return int(chosen or 0)
