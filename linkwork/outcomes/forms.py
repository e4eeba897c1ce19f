"""The record-a-measure form, built from an instrument definition's items and options."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms

from linkwork.core.forms import HouseVoice
from linkwork.outcomes.definitions import AnswerOption, Instrument, LicensedSpec
from linkwork.outcomes.models import TimePoint
from linkwork.outcomes.scoring import licensed_problems

# Formats answered with one choice per item; EQ-5D-5L and goals have their own shapes.
SCALED_FORMATS = ("items", "named", "answer")
_ITEM_INDEX = re.compile(r"^responses\.items\[(\d+)\]$")
_CONCERN = re.compile(r"^responses\.concerns\[(\d+)\](?:\.(text|score))?$")


class AnswerField(forms.ChoiceField):
    """Radios for one item. Whether an answer is given and in range is checked by the
    scoring library, so its message (naming the item) is the one people see."""

    widget = forms.RadioSelect

    def validate(self, value: Any) -> None:
        return None


def item_field_name(item_id: str) -> str:
    return f"item_{item_id}"


class MeasureForm(HouseVoice, forms.Form):
    time_point = forms.ChoiceField(
        label="When was this measure taken?",
        choices=TimePoint.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select when this measure was taken"},
    )

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for n, item in enumerate(instrument.items):
            self.fields[item_field_name(item.id)] = AnswerField(
                label=f"{n + 1}. {item.text}",
                required=False,
                choices=[(str(option.value), option.label) for option in item.options],
            )

    @property
    def item_fields(self) -> list[forms.BoundField]:
        return [self[item_field_name(item.id)] for item in self.instrument.items]

    def responses(self) -> dict[str, object]:
        """Answers in the shape the scoring library takes for this instrument."""
        answers = [
            _answer(self.data.get(self.add_prefix(item_field_name(item.id))))
            for item in self.instrument.items
        ]
        if self.instrument.response_format == "items":
            return {"items": answers}
        if self.instrument.response_format == "answer":
            return {"answer": answers[0]}
        return {item.id: value for item, value in zip(self.instrument.items, answers, strict=True)}

    def field_for(self, score_field: str) -> str | None:
        """The form field a `ScoreError` field path points at, or None for the whole form."""
        items = self.instrument.items
        match = _ITEM_INDEX.match(score_field)
        if match and int(match.group(1)) < len(items):
            return item_field_name(items[int(match.group(1))].id)
        if score_field == "responses.answer":
            return item_field_name(items[0].id)
        name = score_field.removeprefix("responses.")
        if any(item.id == name for item in items):
            return item_field_name(name)
        return None


def _answer(raw: object) -> object:
    """A whole number where the posted text is one; otherwise the text itself, so the
    scoring library can say what was wrong with it."""
    if raw in (None, ""):
        return None
    text = str(raw).strip()
    if re.fullmatch(r"-?\d{1,6}", text):
        return int(text)
    return text


class Eq5dForm(HouseVoice, forms.Form):
    """EQ-5D-5L: one level 1-5 for each of the five dimensions, and the EQ VAS 0-100."""

    time_point = MeasureForm.base_fields["time_point"]

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if instrument.eq5d is None:
            raise ValueError(f"{instrument.id} is not an EQ-5D instrument")
        self.instrument = instrument
        spec = instrument.eq5d
        for item in instrument.items:
            options = item.options or tuple(
                AnswerOption(value=n, label=f"Level {n}") for n in range(1, 6)
            )
            self.fields[item_field_name(item.id)] = AnswerField(
                label=item.text,
                required=False,
                choices=[(str(o.value), o.label[:1].upper() + o.label[1:]) for o in options],
            )
        self.fields["vas"] = forms.CharField(
            label="EQ VAS",
            help_text=f"The person's own rating of their health today, from {spec.vas_min} "
            f"(worst imaginable) to {spec.vas_max} (best imaginable). Leave blank if not given.",
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        )

    @property
    def item_fields(self) -> list[forms.BoundField]:
        return [self[item_field_name(item.id)] for item in self.instrument.items]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        for item in self.instrument.items:
            name = item_field_name(item.id)
            if self.cleaned_data.get(name) not in {"1", "2", "3", "4", "5"}:
                self.add_error(name, f"Select a level for {item.text}")
        return cleaned

    def responses(self) -> dict[str, object]:
        """`{"state": "12345", "vas": n}`, the shape the scoring library takes; no "vas"
        when none was given."""
        state = "".join(
            str(self.cleaned_data[item_field_name(item.id)]) for item in self.instrument.items
        )
        out: dict[str, object] = {"state": state}
        vas = _answer(self.data.get(self.add_prefix("vas")))
        if vas is not None:
            out["vas"] = vas
        return out

    def field_for(self, score_field: str) -> str | None:
        if score_field == "responses.vas":
            return "vas"
        if score_field == "responses.state":
            return item_field_name(self.instrument.items[0].id)
        return None


@dataclass(frozen=True)
class NumberInput:
    """A bound field and how to draw it: `inputmode` and width follow the value's range."""

    bound: forms.BoundField
    inputmode: str
    classes: str


@dataclass(frozen=True)
class ConcernInputs:
    legend: str
    text: forms.BoundField
    score: forms.BoundField


def value_field_name(value_id: str) -> str:
    return f"value_{value_id}"


def concern_field_name(number: int, part: str) -> str:
    return f"concern_{number}_{part}"


def _width(high: int, decimals: int) -> str:
    digits = len(str(high)) + (decimals + 1 if decimals else 0)
    return "nhsuk-input--width-2" if digits <= 2 else "nhsuk-input--width-4"


class LicensedForm(HouseVoice, forms.Form):
    """A licensed tool's own results (PAM score and level; MYCaW concerns and scores), typed
    as the tool reported them. Nothing is calculated: the scoring library checks ranges and
    its messages, naming each field, are the ones people see."""

    time_point = MeasureForm.base_fields["time_point"]

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if instrument.licensed is None:
            raise ValueError(f"{instrument.id} is not a licensed-score instrument")
        self.instrument = instrument
        self.spec: LicensedSpec = instrument.licensed
        concerns = self.spec.concerns
        if concerns is not None:
            for n in range(1, concerns.max_count + 1):
                self.fields[concern_field_name(n, "text")] = forms.CharField(
                    label=f"Concern {n}",
                    help_text=concerns.text_hint,
                    required=False,
                )
                self.fields[concern_field_name(n, "score")] = forms.CharField(
                    label=f"Concern {n} score",
                    help_text=concerns.score_hint,
                    required=False,
                )
        for value in self.spec.values:
            self.fields[value_field_name(value.id)] = forms.CharField(
                label=value.label, help_text=value.hint, required=False
            )

    @property
    def concern_inputs(self) -> list[ConcernInputs]:
        concerns = self.spec.concerns
        if concerns is None:
            return []
        return [
            ConcernInputs(
                legend=f"Concern {n}" + ("" if n <= concerns.min_count else " (if any)"),
                text=self[concern_field_name(n, "text")],
                score=self[concern_field_name(n, "score")],
            )
            for n in range(1, concerns.max_count + 1)
        ]

    @property
    def value_inputs(self) -> list[NumberInput]:
        return [
            NumberInput(
                bound=self[value_field_name(value.id)],
                inputmode="decimal" if value.decimals else "numeric",
                classes=_width(max(abs(value.min), abs(value.max)), value.decimals),
            )
            for value in self.spec.values
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        for problem in licensed_problems(self.instrument, self.responses()):
            self.add_error(self.field_for(problem.field), problem.message)
        return cleaned

    def responses(self) -> dict[str, object]:
        """The shape the scoring library takes: `{"score": 62.5, "level": 3}` or
        `{"concerns": [{"text": ..., "score": 4}], "wellbeing": 3}`. A later concern left
        wholly blank is left out; a half-filled one is sent so its gap is named."""
        out: dict[str, object] = {}
        concerns = self.spec.concerns
        if concerns is not None:
            given: list[dict[str, object]] = []
            for n in range(1, concerns.max_count + 1):
                text = str(self.data.get(self.add_prefix(concern_field_name(n, "text"))) or "")
                score = _number(self.data.get(self.add_prefix(concern_field_name(n, "score"))))
                if n <= concerns.min_count or text.strip() or score is not None:
                    given.append({"text": text.strip() or None, "score": score})
            out["concerns"] = given
        for value in self.spec.values:
            out[value.id] = _number(self.data.get(self.add_prefix(value_field_name(value.id))))
        return out

    def field_for(self, score_field: str) -> str | None:
        """The form field a `ScoreError` field path points at, or None for the whole form."""
        match = _CONCERN.match(score_field)
        if match and self.spec.concerns is not None:
            number = int(match.group(1)) + 1
            if number <= self.spec.concerns.max_count:
                return concern_field_name(number, match.group(2) or "text")
        if score_field == "responses.concerns" and self.spec.concerns is not None:
            return concern_field_name(1, "text")
        name = score_field.removeprefix("responses.")
        if any(value.id == name for value in self.spec.values):
            return value_field_name(name)
        return None


def _number(raw: object) -> object:
    """A number where the posted text is one (a whole number, or a decimal such as 62.5);
    otherwise the text itself, so the scoring library can say what was wrong with it."""
    if raw in (None, ""):
        return None
    text = str(raw).strip()
    if re.fullmatch(r"-?\d{1,6}", text):
        return int(text)
    if re.fullmatch(r"-?\d{1,6}\.\d{1,6}", text):
        return float(text)
    return text or None


class FlagHandledForm(HouseVoice, forms.Form):
    """What the link worker did about a safety flag."""

    action_taken = forms.CharField(
        label="What did you do?",
        help_text=(
            "For example: spoke with the person by phone, agreed a safety plan, told their GP. "
            "This goes in the closing summary to the GP."
        ),
        widget=forms.Textarea,
        max_length=5000,
        error_messages={
            "required": "Enter what you did about the flag",
            "max_length": "What you did must be 5,000 characters or fewer",
        },
    )
