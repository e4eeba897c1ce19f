"""The self-assessment form (one radio question per question of the questionnaire, grouped by
level) and the action plan's forms."""

from __future__ import annotations

from typing import Any

from django import forms

from linkwork.accounts.models import User
from linkwork.core.forms import DatePartsField, HouseVoice
from linkwork.healthcheck.framework import ARCHETYPE_ORDER, Archetype, Level, Setting
from linkwork.healthcheck.models import ActionStatus
from linkwork.healthcheck.questionnaire import Question, Questionnaire


def _choices(question: Question) -> list[tuple[str, str]]:
    return [(rating, Archetype(rating).label) for rating in ARCHETYPE_ORDER]


class SelfAssessmentForm(HouseVoice, forms.Form):
    """Every question of the questionnaire; each must be answered. A field is named by its
    question's id; its label is the question, so an error names the question."""

    def __init__(self, *args: Any, asked: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked = asked
        for question in asked.questions:
            self.fields[question.id] = forms.ChoiceField(
                label=question.text,
                choices=_choices(question),
                widget=forms.RadioSelect,
                error_messages={
                    "required": f'Select an answer to "{question.text}"',
                    "invalid_choice": f'Select one of the answers given to "{question.text}"',
                },
            )

    def answers(self) -> dict[str, str]:
        return {q.id: self.cleaned_data[q.id] for q in self.asked.questions}


class HealthActionForm(HouseVoice, forms.Form):
    """An action of the plan: the cell it is for, what, who owns it and by when."""

    level = forms.ChoiceField(
        label="Level",
        choices=Level.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the level the action is for"},
    )
    setting = forms.ChoiceField(
        label="Setting",
        choices=Setting.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the setting the action is for"},
    )
    what = forms.CharField(
        label="Action",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What will be done, in a sentence.",
        error_messages={
            "required": "Enter the action",
            "max_length": "The action must be 500 characters or fewer",
        },
    )
    owner = forms.TypedChoiceField(
        label="Owner",
        coerce=int,
        help_text="Who in the scheme makes sure it happens.",
        error_messages={
            "required": "Select the owner of the action",
            "invalid_choice": "Select an owner who works in this scheme",
        },
    )
    due_on = DatePartsField(
        label="Due date", what="The due date", help_text="For example, 15 3 2027"
    )

    def __init__(self, *args: Any, owners: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owners = {user.pk: user for user in owners}
        self.fields["owner"].choices = [("", "Choose an owner")] + [  # type: ignore[attr-defined]
            (user.pk, user.full_name or user.email) for user in owners
        ]

    def chosen_owner(self) -> User:
        return self.owners[self.cleaned_data["owner"]]


class HealthActionStatusForm(HouseVoice, forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status of the action"},
    )
