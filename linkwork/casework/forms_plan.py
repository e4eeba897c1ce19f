"""Forms of the support plan, its goals and actions, and case notes.

The plan page carries several forms at once: each has its own prefix, so every field id is
unique on the page and the error summary links reach the right input.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from linkwork.casework.models import ActionStatus, GoalStatus
from linkwork.core.forms import DatePartsField, HouseVoice, today_or_earlier, today_or_later

# Who does a plan action. The person and their link worker are stored as these words, so the
# letter can say "you" and name whoever is the link worker when it is printed.
WHO_PERSON = "The person"
WHO_LINK_WORKER = "Link worker"
WHO_CHOICES = [
    ("person", WHO_PERSON),
    ("link_worker", WHO_LINK_WORKER),
    ("other", "Someone else"),
]


def _zero_to_ten(label: str, what: str, *, required: bool, help_text: str = "") -> Any:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=10,
        help_text=help_text,
        error_messages={
            "required": f"Enter {what}, from 0 to 10",
            "invalid": f"Enter {what} as a whole number from 0 to 10",
            "min_value": f"Enter {what} from 0 to 10",
            "max_value": f"Enter {what} from 0 to 10",
        },
    )


class PlanForm(HouseVoice, forms.Form):
    """What matters to the person, in their words, and whether they agreed the plan."""

    what_matters = forms.CharField(
        label="What matters to the person",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
        help_text="In their own words, if you can.",
        error_messages={"max_length": "What matters must be 5,000 characters or fewer"},
    )
    strengths = forms.CharField(
        label="Strengths",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
        help_text="What the person is good at, enjoys, and who is on their side.",
        error_messages={"max_length": "Strengths must be 5,000 characters or fewer"},
    )
    needs_and_concerns = forms.CharField(
        label="Needs and concerns",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"max_length": "Needs and concerns must be 5,000 characters or fewer"},
    )
    review_on = DatePartsField(
        label="Review date (optional)",
        what="The review date",
        required=False,
        help_text="When you will look at the plan together again. For example, 15 3 2027",
    )
    agreed = forms.BooleanField(label="The person has agreed this plan", required=False)

    def clean_review_on(self) -> dt.date | None:
        return today_or_later(self.cleaned_data.get("review_on"), "The review date")


class GoalForm(HouseVoice, forms.Form):
    description = forms.CharField(
        label="Goal",
        max_length=500,
        help_text="In the person's words. For example, go to a group once a week.",
        error_messages={
            "required": "Enter the goal",
            "max_length": "The goal must be 500 characters or fewer",
        },
    )
    importance = _zero_to_ten(
        "How much does this goal matter to the person?",
        "how much the goal matters",
        required=True,
        help_text="0 means not at all, 10 means it matters most.",
    )
    progress = _zero_to_ten(
        "Where are they now? (optional)",
        "where the person is now",
        required=False,
        help_text="Their own rating of their progress: 0 means not started, 10 means done.",
    )


class PlanActionForm(HouseVoice, forms.Form):
    what = forms.CharField(
        label="What will be done",
        max_length=500,
        help_text="For example, phone the walking group to book a first walk.",
        error_messages={
            "required": "Enter what will be done",
            "max_length": "What will be done must be 500 characters or fewer",
        },
    )
    who = forms.ChoiceField(
        label="Who will do it",
        choices=WHO_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who will do it"},
    )
    who_other = forms.CharField(
        label="If someone else, who is it?",
        required=False,
        max_length=200,
        help_text="For example, their daughter, or the housing officer.",
        error_messages={"max_length": "Who will do it must be 200 characters or fewer"},
    )
    due_on = DatePartsField(
        label="By when (optional)",
        what="The date it is due",
        required=False,
        help_text="For example, 15 3 2027",
    )

    def clean_due_on(self) -> dt.date | None:
        return today_or_later(self.cleaned_data.get("due_on"), "The date it is due")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        who = data.get("who")
        if who == "other":
            other = str(data.get("who_other", "")).strip()
            if not other and "who_other" not in self.errors:
                self.add_error("who_other", "Enter who will do it")
            data["who_text"] = other
        elif who:
            data["who_text"] = dict(WHO_CHOICES)[who]
        return data


class RatingForm(HouseVoice, forms.Form):
    score = _zero_to_ten(
        "Progress today, from 0 to 10",
        "the progress",
        required=True,
        help_text="The person's own rating: 0 means not started, 10 means done.",
    )
    rated_on = DatePartsField(
        label="Date of the rating", what="The date of the rating", help_text="For example, 4 3 2026"
    )

    def clean_rated_on(self) -> dt.date | None:
        return today_or_earlier(self.cleaned_data.get("rated_on"), "The date of the rating")


class GoalStatusForm(HouseVoice, forms.Form):
    status = forms.ChoiceField(
        label="Status of the goal",
        choices=GoalStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status of the goal"},
    )


class ActionStatusForm(HouseVoice, forms.Form):
    status = forms.ChoiceField(
        label="Status of the action",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status of the action"},
    )


class NoteForm(HouseVoice, forms.Form):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea,
        max_length=10000,
        error_messages={
            "required": "Enter the note",
            "max_length": "The note must be 10,000 characters or fewer",
        },
    )
    safeguarding = forms.BooleanField(label="This is a safeguarding concern", required=False)
