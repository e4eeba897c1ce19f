"""The notification centre's one form: which kinds of alert also go by email."""

from __future__ import annotations

from django import forms

from linkwork.core.forms import HouseVoice
from linkwork.notifications.models import AlertKind


class AlertEmailsForm(HouseVoice, forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label="Also email me when",
        choices=AlertKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply. You always see every notification in Linkwork.",
        error_messages={"invalid_choice": "Choose from the list of notifications"},
    )
