"""Score one set of responses against a validated instrument definition.

Every check happens before any result is built, so a caller either gets a complete score or a
`ScoreError` naming the offending field: nothing is ever half-scored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Final

from linkwork.outcomes import eq5d
from linkwork.outcomes.definitions import (
    ConcernsSpec,
    Instrument,
    Item,
    LicensedValue,
    bundled_directory,
    load_directory,
)
from linkwork.outcomes.errors import ScoreError

INSTRUMENTS: Final[Mapping[str, Instrument]] = load_directory(bundled_directory())
"""Loaded and validated at import: a broken definition stops the app starting."""


@dataclass(frozen=True)
class ScoreResult:
    """Only the fields that apply to the instrument are set; `to_dict` drops the rest.

    `values` holds a licensed tool's own results keyed by the definition's value ids (PAM
    `score` and `level`, MYCaW `wellbeing`); `to_dict` puts them at the top level.
    """

    instrument: str
    version: str
    total: int | None = None
    metric: float | None = None
    index: float | None = None
    method: str | None = None
    vas: int | None = None
    band: str | None = None
    bands: Mapping[str, str] | None = None
    lonely: bool | None = None
    flags: tuple[str, ...] | None = None
    goals: tuple[int, ...] | None = None
    concern_scores: tuple[int, ...] | None = None
    values: Mapping[str, int | float] | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict in a stable key order, without fields that do not apply."""
        out: dict[str, object] = {"instrument": self.instrument, "version": self.version}
        optional: dict[str, object] = {
            "total": self.total,
            "metric": self.metric,
            "index": self.index,
            "method": self.method,
            "vas": self.vas,
            "band": self.band,
            "bands": dict(self.bands) if self.bands is not None else None,
            "lonely": self.lonely,
            "flags": list(self.flags) if self.flags is not None else None,
            "goals": list(self.goals) if self.goals is not None else None,
            "concern_scores": (
                list(self.concern_scores) if self.concern_scores is not None else None
            ),
        }
        out.update((key, value) for key, value in optional.items() if value is not None)
        out.update(self.values or {})
        return out


def get_instrument(instrument_id: str) -> Instrument:
    """The validated definition, e.g. for forms, licence notes and meaningful change."""
    try:
        return INSTRUMENTS[instrument_id]
    except KeyError:
        raise _unknown_instrument(instrument_id) from None


def instrument_ids() -> tuple[str, ...]:
    return tuple(sorted(INSTRUMENTS))


def _unknown_instrument(instrument_id: object) -> ScoreError:
    return ScoreError(
        f"Unknown instrument {instrument_id!r}; use one of: {', '.join(instrument_ids())}.",
        "instrument",
    )


def _context_keys(inst: Instrument) -> tuple[str, ...]:
    if inst.eq5d is not None:
        return ("method", "sex", "age")
    if inst.lonely is not None:
        return ("cutoff",)
    return ()


def _whole_number(value: object, field: str, low: int, high: int, what: str) -> int:
    """Reject bools, floats and strings explicitly: JSON true or 3.0 is not an answer of 3."""
    if value is None:
        raise ScoreError(f"{what} is missing.", field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScoreError(
            f"{what} must be a whole number from {low} to {high}, not {_describe(value)}.", field
        )
    if not low <= value <= high:
        raise ScoreError(f"{what} is {value}; it must be from {low} to {high}.", field)
    return value


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, float):
        return f"the decimal {value!r}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _answer(item: Item, value: object, field: str, label: str) -> int:
    what = f"{label} ({item.text})"
    return _whole_number(value, field, item.min_value, item.max_value, what)


def _check_keys(
    responses: Mapping[str, object], allowed: tuple[str, ...], inst: Instrument
) -> None:
    for key in responses:
        if key not in allowed:
            expected = ", ".join(f'"{k}"' for k in allowed)
            raise ScoreError(
                f"Unexpected response key {key!r} for {inst.id}; it takes {expected}.",
                f"responses.{key}",
            )


def _item_list(inst: Instrument, value: object) -> list[int]:
    field = "responses.items"
    if value is None:
        raise ScoreError(
            f'{inst.id} needs "items": a list of {len(inst.items)} answers in published order.',
            field,
        )
    if not isinstance(value, list | tuple):
        raise ScoreError(f'"items" must be a list of {len(inst.items)} answers.', field)
    if len(value) > len(inst.items):
        raise ScoreError(
            f"{inst.id} has {len(inst.items)} items but {len(value)} answers were given.", field
        )
    answers: list[int] = []
    for n, item in enumerate(inst.items):
        item_field = f"{field}[{n}]"
        label = f"Item {n + 1}"
        if n >= len(value):
            raise ScoreError(
                f"{label} ({item.text}) is missing: {inst.id} needs {len(inst.items)} answers.",
                item_field,
            )
        answers.append(_answer(item, value[n], item_field, label))
    return answers


def _values_on(inst: Instrument, total: int | None, answers: Mapping[str, int], on: str) -> int:
    if on != "total":
        return answers[on]
    if total is None:
        raise RuntimeError(f"definition {inst.id} bands or flags a total it does not have")
    return total


def _flags(inst: Instrument, total: int | None, answers: Mapping[str, int]) -> tuple[str, ...]:
    return tuple(
        f.id for f in inst.flags if f.min <= _values_on(inst, total, answers, f.on) <= f.max
    )


def _band(inst: Instrument, on: str, value: int) -> str:
    for band in inst.bands_on(on):
        if band.min <= value <= band.max:
            return band.label
    raise RuntimeError(f"definition {inst.id} leaves {on}={value} unbanded")


def score(instrument: str, responses: Mapping[str, object], **context: object) -> ScoreResult:
    """Score one completed questionnaire.

    `context` carries what is not an answer: EQ-5D-5L `method`, `sex` and `age`; UCLA-3
    `cutoff`. Raises `ScoreError(message, field)` for anything invalid.
    """
    if not isinstance(instrument, str) or instrument not in INSTRUMENTS:
        raise _unknown_instrument(instrument)
    inst = INSTRUMENTS[instrument]
    if not isinstance(responses, Mapping):
        raise ScoreError('"responses" must be an object.', "responses")
    allowed_context = _context_keys(inst)
    for key in context:
        if key not in allowed_context:
            raise ScoreError(f"{key!r} does not apply to {inst.id}.", key)

    if inst.response_format == "eq5d":
        return _score_eq5d(inst, responses, context)
    if inst.response_format == "licensed":
        reported, concern_scores, problems = _check_licensed(inst, responses)
        if problems:
            raise problems[0]
        return ScoreResult(
            inst.id,
            inst.version,
            concern_scores=concern_scores,
            values=MappingProxyType(reported),
        )
    if inst.response_format == "goals" and inst.goals is not None:
        _check_keys(responses, ("goals",), inst)
        goals = _goals(inst.items[0], inst.goals.max_goals, responses.get("goals"))
        return ScoreResult(inst.id, inst.version, goals=goals)

    answers: dict[str, int]
    if inst.response_format == "items":
        _check_keys(responses, ("items",), inst)
        values = _item_list(inst, responses.get("items"))
        answers = {item.id: v for item, v in zip(inst.items, values, strict=True)}
    elif inst.response_format == "named":
        names = tuple(item.id for item in inst.items)
        _check_keys(responses, names, inst)
        answers = {
            item.id: _answer(item, responses.get(item.id), f"responses.{item.id}", f'"{item.id}"')
            for item in inst.items
        }
    elif inst.response_format == "answer":
        _check_keys(responses, ("answer",), inst)
        (item,) = inst.items
        answers = {
            item.id: _answer(item, responses.get("answer"), "responses.answer", "The answer")
        }
    else:
        raise RuntimeError(f"definition {inst.id} has an unsupported response format")

    total = sum(answers.values()) if inst.scoring_method == "sum" else None
    lonely = None
    if inst.lonely is not None and inst.total_range is not None and total is not None:
        low, high = inst.total_range
        cutoff = context.get("cutoff", inst.lonely.default_cutoff)
        cutoff = _whole_number(cutoff, "cutoff", low, high, "The loneliness cut-off")
        lonely = total >= cutoff

    band = None
    bands: dict[str, str] = {}
    for on in dict.fromkeys(b.on for b in inst.bands):
        value = _values_on(inst, total, answers, on)
        if on == "total" or inst.response_format == "answer":
            band = _band(inst, on, value)
        else:
            bands[on] = _band(inst, on, value)

    return ScoreResult(
        instrument=inst.id,
        version=inst.version,
        total=total,
        metric=inst.conversion.table[total] if inst.conversion and total is not None else None,
        band=band,
        bands=MappingProxyType(bands) if bands else None,
        lonely=lonely,
        flags=_flags(inst, total, answers) if inst.flags else None,
    )


def _goals(item: Item, limit: int, value: object) -> tuple[int, ...]:
    field = "responses.goals"
    if not isinstance(value, list | tuple) or not value:
        raise ScoreError(f'"goals" must be a list of 1 to {limit} ratings.', field)
    if len(value) > limit:
        raise ScoreError(f"At most {limit} goals can be scored at once; got {len(value)}.", field)
    return tuple(_answer(item, v, f"{field}[{n}]", f"Goal {n + 1}") for n, v in enumerate(value))


def _score_eq5d(
    inst: Instrument, responses: Mapping[str, object], context: Mapping[str, object]
) -> ScoreResult:
    spec = inst.eq5d
    if spec is None:
        raise RuntimeError(f"definition {inst.id} has no [eq5d] table")
    _check_keys(responses, ("state", "vas"), inst)
    if "state" not in responses:
        raise ScoreError(
            'EQ-5D-5L needs "state", five digits 1-5 such as "11121".', "responses.state"
        )
    state = responses["state"]
    if not isinstance(state, str):
        raise ScoreError(
            f'"state" must be a string of five digits 1-5 such as "11121", not {_describe(state)}.',
            "responses.state",
        )
    eq5d.parse_state(state, "responses.state")
    vas = None
    if responses.get("vas") is not None:
        vas = _whole_number(responses["vas"], "responses.vas", spec.vas_min, spec.vas_max, "EQ VAS")
    method = eq5d.check_method(context.get("method", spec.default_method))
    if method not in {m.id for m in spec.methods}:
        raise ScoreError(f"Method {method!r} is not enabled for {inst.id}.", "method")
    if method == "dsu_2023":
        sex = eq5d.check_sex(context.get("sex"))
        age = eq5d.check_age(context.get("age"))
        index = eq5d.eq5d_index(state, method, sex, age)
    else:
        index = eq5d.eq5d_index(state, method)
    return ScoreResult(inst.id, inst.version, index=index, method=method, vas=vas)


def licensed_problems(
    instrument: Instrument, responses: Mapping[str, object]
) -> tuple[ScoreError, ...]:
    """Every problem with a licensed tool's results, in form order, so a form can name them
    all at once; `score` raises the first."""
    return _check_licensed(instrument, responses)[2]


def _check_licensed(
    inst: Instrument, responses: Mapping[str, object]
) -> tuple[dict[str, int | float], tuple[int, ...] | None, tuple[ScoreError, ...]]:
    """Range and type checks only: the licensed tool produced these values and Linkwork
    stores them as given, never computing or rounding them."""
    spec = inst.licensed
    if spec is None:
        raise RuntimeError(f"definition {inst.id} has no [licensed] table")
    problems: list[ScoreError] = []
    allowed = (*(("concerns",) if spec.concerns else ()), *(v.id for v in spec.values))
    try:
        _check_keys(responses, allowed, inst)
    except ScoreError as error:
        problems.append(error)
    concern_scores = None
    if spec.concerns is not None:
        concern_scores = _concerns(inst, spec.concerns, responses.get("concerns"), problems)
    values: dict[str, int | float] = {}
    for value in spec.values:
        field = f"responses.{value.id}"
        try:
            values[value.id] = _licensed_number(value, responses.get(value.id), field)
        except ScoreError as error:
            problems.append(error)
    return values, concern_scores, tuple(problems)


def _licensed_number(spec: LicensedValue, value: object, field: str) -> int | float:
    if spec.decimals == 0:
        return _whole_number(value, field, spec.min, spec.max, spec.label)
    if value is None:
        raise ScoreError(f"{spec.label} is missing.", field)
    places = "one decimal place" if spec.decimals == 1 else f"{spec.decimals} decimal places"
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (isinstance(value, float) and not math.isfinite(value))
    ):
        raise ScoreError(
            f"{spec.label} must be a number from {spec.min} to {spec.max}, with at most "
            f"{places}, not {_describe(value)}.",
            field,
        )
    if not spec.min <= value <= spec.max:
        raise ScoreError(
            f"{spec.label} is {value}; it must be from {spec.min} to {spec.max}.", field
        )
    exponent = Decimal(repr(value)).as_tuple().exponent
    if isinstance(exponent, int) and exponent < -spec.decimals:
        raise ScoreError(f"{spec.label} is {value}; it can have at most {places}.", field)
    return value


def _concerns(
    inst: Instrument, spec: ConcernsSpec, value: object, problems: list[ScoreError]
) -> tuple[int, ...] | None:
    """Check each concern's text and score, adding every problem found to `problems`. The
    text is the person's own words, so no message repeats it."""
    field = "responses.concerns"
    counts = (
        str(spec.max_count)
        if spec.min_count == spec.max_count
        else f"{spec.min_count} to {spec.max_count}"
    )
    if not isinstance(value, list | tuple) or not value:
        problems.append(
            ScoreError(
                f'{inst.id} needs "concerns": a list of {counts} concerns, each with "text" '
                'and "score".',
                field,
            )
        )
        return None
    if not spec.min_count <= len(value) <= spec.max_count:
        problems.append(
            ScoreError(f"{inst.id} takes {counts} concerns; {len(value)} were given.", field)
        )
        return None
    scores: list[int] = []
    for n, concern in enumerate(value):
        f = f"{field}[{n}]"
        label = f"Concern {n + 1}"
        if not isinstance(concern, Mapping):
            problems.append(ScoreError(f'{label} must be an object with "text" and "score".', f))
            continue
        for key in concern:
            if key not in ("text", "score"):
                problems.append(
                    ScoreError(
                        f'Unexpected key {key!r} in {label.lower()}; it takes "text" and "score".',
                        f"{f}.{key}",
                    )
                )
        text = concern.get("text")
        if text is None or (isinstance(text, str) and not text.strip()):
            problems.append(
                ScoreError(f"{label} is missing: enter it in the person's own words.", f"{f}.text")
            )
        elif not isinstance(text, str):
            problems.append(
                ScoreError(f"{label} must be text, not {_describe(text)}.", f"{f}.text")
            )
        elif len(text) > spec.text_max_length:
            problems.append(
                ScoreError(
                    f"{label} must be {spec.text_max_length} characters or fewer; it has "
                    f"{len(text)}.",
                    f"{f}.text",
                )
            )
        try:
            scores.append(
                _whole_number(
                    concern.get("score"),
                    f"{f}.score",
                    spec.score_min,
                    spec.score_max,
                    f"{label} score",
                )
            )
        except ScoreError as error:
            problems.append(error)
    return tuple(scores)
