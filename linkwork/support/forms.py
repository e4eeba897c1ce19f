"""The forms of link worker support. Each names its fields in its errors (`HouseVoice`)."""

from __future__ import annotations

from typing import Any

from django import forms

from linkwork.accounts.models import Scheme, User
from linkwork.core.forms import DatePartsField, HouseVoice, today_or_earlier
from linkwork.directory.models import Service
from linkwork.support.models import SupervisionKind
from linkwork.support.staff import link_workers, supervisors
from linkwork.support.wellbeing import QUESTIONS, SCALE
from linkwork.vocabulary.needs import Need

Choice = tuple[Scheme, User]


def _key(scheme: Scheme, user: User) -> str:
    return f"{scheme.pk}:{user.pk}"


class SessionForm(HouseVoice, forms.Form):
    """Record a supervision session. A scheme's lead chooses the link worker and the
    supervisor (themselves, another lead or a link worker of the scheme); a link worker
    records a session they gave to another link worker of their scheme."""

    supervisee = forms.ChoiceField(
        label="Link worker supervised",
        error_messages={"required": "Select the link worker who was supervised"},
    )
    supervisor = forms.ChoiceField(
        label="Supervisor", error_messages={"required": "Select who gave the supervision"}
    )
    held_on = DatePartsField(label="Date of the session", what="Date of the session")
    kind = forms.ChoiceField(
        label="Kind of supervision",
        choices=SupervisionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of supervision"},
    )
    duration_minutes = forms.IntegerField(
        label="Duration in minutes",
        min_value=5,
        max_value=480,
        error_messages={
            "required": "Enter how long the session took, in minutes",
            "invalid": "Enter the duration as a whole number of minutes, like 60",
            "min_value": "The duration must be at least 5 minutes",
            "max_value": "The duration must be 480 minutes or less",
        },
    )
    notes = forms.CharField(
        label="Private notes (optional)",
        help_text="Only the supervisor and the link worker supervised can read these.",
        required=False,
        widget=forms.Textarea,
        max_length=10000,
    )

    def __init__(
        self, *args: Any, user: User, led: list[Scheme], worked: list[Scheme], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.supervisees: dict[str, Choice] = {}
        self.supervisor_options: dict[str, Choice] = {}
        led_ids = {scheme.pk for scheme in led}
        for scheme in led:
            for worker in link_workers(scheme):
                self.supervisees[_key(scheme, worker)] = (scheme, worker)
            for giver in supervisors(scheme):
                self.supervisor_options[_key(scheme, giver)] = (scheme, giver)
        for scheme in worked:
            if scheme.pk in led_ids:
                continue
            for worker in link_workers(scheme).exclude(pk=user.pk):
                self.supervisees[_key(scheme, worker)] = (scheme, worker)
            self.supervisor_options[_key(scheme, user)] = (scheme, user)
        several = len({scheme.pk for scheme, _ in self.supervisees.values()}) > 1

        def label(choice: Choice) -> str:
            scheme, person = choice
            return f"{person.full_name} ({scheme.name})" if several else person.full_name

        self.fields["supervisee"].choices = [("", "Choose a link worker")] + [  # type: ignore[attr-defined]
            (key, label(choice)) for key, choice in self.supervisees.items()
        ]
        self.fields["supervisor"].choices = [("", "Choose a supervisor")] + [  # type: ignore[attr-defined]
            (key, label(choice)) for key, choice in self.supervisor_options.items()
        ]
        mine = [key for key, (_, giver) in self.supervisor_options.items() if giver == user]
        if len(mine) == 1:
            self.fields["supervisor"].initial = mine[0]

    def clean_held_on(self) -> Any:
        return today_or_earlier(self.cleaned_data.get("held_on"), "Date of the session")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        supervisee = self.supervisees.get(data.get("supervisee") or "")
        supervisor = self.supervisor_options.get(data.get("supervisor") or "")
        if supervisee and supervisor:
            if supervisee[0] != supervisor[0]:
                self.add_error("supervisor", "Choose a supervisor of the link worker's scheme")
            elif supervisee[1] == supervisor[1]:
                self.add_error("supervisor", "The supervisor cannot be the link worker supervised")
        return data

    def people(self) -> tuple[Scheme, User, User]:
        scheme, supervisee = self.supervisees[self.cleaned_data["supervisee"]]
        _, supervisor = self.supervisor_options[self.cleaned_data["supervisor"]]
        return scheme, supervisee, supervisor


class TrainingForm(HouseVoice, forms.Form):
    course = forms.CharField(
        label="Course",
        max_length=200,
        error_messages={"required": "Enter the name of the course"},
    )
    provider = forms.CharField(
        label="Provider",
        help_text="Who ran the course.",
        max_length=200,
        error_messages={"required": "Enter who ran the course"},
    )
    completed_on = DatePartsField(label="Date completed", what="Date completed")
    expires_on = DatePartsField(
        label="Expiry date (optional)",
        what="Expiry date",
        required=False,
        help_text="Leave empty to use the scheme's renewal period for the course.",
    )

    def clean_completed_on(self) -> Any:
        return today_or_earlier(self.cleaned_data.get("completed_on"), "Date completed")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        completed, expires = data.get("completed_on"), data.get("expires_on")
        if completed and expires and expires <= completed:
            self.add_error("expires_on", "Expiry date must be after the date completed")
        return data


class CheckInForm(HouseVoice, forms.Form):
    """This month's wellbeing check-in: one answer, 1 to 5, to each question."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, question in QUESTIONS:
            self.fields[key] = forms.TypedChoiceField(
                label=question,
                choices=SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Select an answer to: {question}"},
            )

    def answers(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key, _ in QUESTIONS}


class PeerForm(HouseVoice, forms.Form):
    opted_in = forms.BooleanField(label="List me in the peer network", required=False)
    needs = forms.MultipleChoiceField(
        label="Needs you know best",
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    services = forms.ModelMultipleChoiceField(
        label="Services you know best",
        help_text="The services you have connected people to.",
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services  # type: ignore[attr-defined]


class SettingsForm(HouseVoice, forms.Form):
    scheme = forms.TypedChoiceField(
        label="Scheme", coerce=int, error_messages={"required": "Select the scheme"}
    )
    supervision_gap_weeks = forms.IntegerField(
        label="Weeks without supervision before a prompt",
        min_value=1,
        max_value=52,
    )
    complex_share_percent = forms.IntegerField(
        label="Share of complex open cases that prompts (per cent)",
        min_value=1,
        max_value=100,
    )
    complex_count = forms.IntegerField(
        label="Number of complex open cases that prompts", min_value=1, max_value=500
    )

    def __init__(self, *args: Any, schemes: list[Scheme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schemes = {scheme.pk: scheme for scheme in schemes}
        self.fields["scheme"].choices = [(s.pk, s.name) for s in schemes]  # type: ignore[attr-defined]

    def chosen(self) -> Scheme:
        return self.schemes[self.cleaned_data["scheme"]]
