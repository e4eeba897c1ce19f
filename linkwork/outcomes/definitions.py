"""Instrument definitions: reviewed TOML data files, validated strictly when loaded.

Scoring rules live in data so a clinician can review them without reading code; the loader is
strict so a typo in a definition fails loudly at import instead of mis-scoring people.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from linkwork.outcomes.eq5d import METHODS as EQ5D_METHODS
from linkwork.outcomes.errors import DefinitionError

RESPONSE_FORMATS: Final = ("items", "named", "answer", "eq5d", "goals", "licensed")
SCORING_METHODS: Final = ("sum", "per_item", "eq5d_index", "per_goal", "licensed_score")
CHANGE_KINDS: Final = ("meaningful", "reliable_improvement")
DIRECTIONS: Final = ("increase", "decrease")

# Keys a score result may already carry: a licensed value must not reuse one, because its id
# becomes a key of the result.
RESERVED_RESULT_KEYS: Final = frozenset(
    {
        "instrument",
        "version",
        "total",
        "metric",
        "index",
        "method",
        "vas",
        "band",
        "bands",
        "lonely",
        "flags",
        "goals",
        "concerns",
        "concern_scores",
    }
)
MAX_DECIMALS: Final = 2

_RangeOf = Callable[[str, str], tuple[int, int]]

_ID_RE: Final = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION_RE: Final = re.compile(r"^\d+\.\d+\.\d+$")

_TOP_REQUIRED: Final = (
    "id",
    "name",
    "version",
    "licence",
    "requires_registration",
    "source",
    "authored_by",
    "checked_by",
    "response_format",
    "scoring",
)
# Required except with response_format = "licensed", where the licensed tool asks its own
# questions and Linkwork keeps only its results.
_ITEM_KEYS: Final = ("option_sets", "items")
_TOP_OPTIONAL: Final = (
    "notes",
    "bands",
    "flags",
    "meaningful_change",
    "lonely",
    "eq5d",
    "goals",
    "licensed",
)


@dataclass(frozen=True)
class AnswerOption:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    options: tuple[AnswerOption, ...]

    @property
    def min_value(self) -> int:
        return self.options[0].value

    @property
    def max_value(self) -> int:
        return self.options[-1].value


@dataclass(frozen=True)
class Conversion:
    """A published raw-total to derived-score table (e.g. SWEMWBS metric)."""

    name: str
    source: str
    table: Mapping[int, float]


@dataclass(frozen=True)
class Band:
    on: str
    label: str
    min: int
    max: int


@dataclass(frozen=True)
class Flag:
    id: str
    on: str
    min: int
    max: int
    note: str


@dataclass(frozen=True)
class MeaningfulChange:
    kind: str
    on: str
    points: float
    points_upper: float | None
    improvement: str
    source: str


@dataclass(frozen=True)
class LonelyRule:
    on: str
    default_cutoff: int
    note: str


@dataclass(frozen=True)
class IndexMethod:
    id: str
    name: str
    source: str


@dataclass(frozen=True)
class Eq5dSpec:
    default_method: str
    methods: tuple[IndexMethod, ...]
    vas_min: int
    vas_max: int
    vas_note: str


@dataclass(frozen=True)
class GoalsSpec:
    max_goals: int
    note: str


@dataclass(frozen=True)
class LicensedValue:
    """One number a licensed tool reports (e.g. the PAM score), checked for range and stored
    as given. `decimals` is how many decimal places are allowed (0: whole numbers only)."""

    id: str
    label: str
    hint: str
    min: int
    max: int
    decimals: int
    improvement: str
    chart: bool


@dataclass(frozen=True)
class ConcernsSpec:
    """The person's own concerns (MYCaW): each a short text in their words and a score."""

    min_count: int
    max_count: int
    text_max_length: int
    text_hint: str
    score_hint: str
    score_min: int
    score_max: int
    improvement: str


@dataclass(frozen=True)
class LicensedSpec:
    """What a licensed tool reports. Linkwork never computes these values from answers."""

    note: str
    values: tuple[LicensedValue, ...]
    concerns: ConcernsSpec | None

    def value(self, value_id: str) -> LicensedValue:
        for value in self.values:
            if value.id == value_id:
                return value
        raise KeyError(value_id)


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    version: str
    licence: str
    requires_registration: bool
    source: str
    authored_by: str
    checked_by: str
    notes: str
    response_format: str
    scoring_method: str
    conversion: Conversion | None
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    flags: tuple[Flag, ...]
    meaningful_change: tuple[MeaningfulChange, ...]
    lonely: LonelyRule | None
    eq5d: Eq5dSpec | None
    goals: GoalsSpec | None
    licensed: LicensedSpec | None = None

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def total_range(self) -> tuple[int, int] | None:
        """Possible raw totals, or None where the instrument has no composite score."""
        if self.scoring_method != "sum":
            return None
        return (sum(i.min_value for i in self.items), sum(i.max_value for i in self.items))

    def bands_on(self, on: str) -> tuple[Band, ...]:
        return tuple(b for b in self.bands if b.on == on)


class _Reader:
    """Typed accessors that name the file and field in every error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, message: str) -> DefinitionError:
        return DefinitionError(self.source, field, message)

    def table(
        self,
        value: object,
        field: str,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field, "must be a table")
        required = tuple(required)
        allowed = set(required) | set(optional)
        prefix = f"{field}." if field else ""
        for key in value:
            if key not in allowed:
                raise self.fail(f"{prefix}{key}", "unknown key")
        for key in required:
            if key not in value:
                raise self.fail(f"{prefix}{key}", "missing required field")
        return value

    def array(self, value: object, field: str, *, non_empty: bool = True) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(field, "must be an array")
        if non_empty and not value:
            raise self.fail(field, "must not be empty")
        return value

    def string(self, value: object, field: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "must be a non-empty string")
        return value

    def identifier(self, value: object, field: str) -> str:
        text = self.string(value, field)
        if not _ID_RE.match(text):
            raise self.fail(field, f"{text!r} must be lower-case letters, digits and underscores")
        return text

    def integer(self, value: object, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, "must be an integer")
        return value

    def number(self, value: object, field: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(field, "must be a number")
        return float(value)

    def boolean(self, value: object, field: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(field, "must be true or false")
        return value

    def choice(self, value: object, field: str, choices: Iterable[str]) -> str:
        text = self.string(value, field)
        choices = tuple(choices)
        if text not in choices:
            raise self.fail(field, f"{text!r} is not one of {', '.join(choices)}")
        return text


def parse_definition(
    data: Mapping[str, Any], source: str, expected_id: str | None = None
) -> Instrument:
    """Validate one parsed TOML document; `source` names the file in errors."""
    r = _Reader(source)
    doc = r.table(dict(data), "", _TOP_REQUIRED, (*_ITEM_KEYS, *_TOP_OPTIONAL))

    instrument_id = r.identifier(doc["id"], "id")
    if expected_id is not None and instrument_id != expected_id:
        raise r.fail("id", f"{instrument_id!r} must match the file name {expected_id!r}")
    version = r.string(doc["version"], "version")
    if not _VERSION_RE.match(version):
        raise r.fail("version", f"{version!r} must look like 1.0.0")
    response_format = r.choice(doc["response_format"], "response_format", RESPONSE_FORMATS)

    scoring = r.table(doc["scoring"], "scoring", ("method",), ("conversion",))
    scoring_method = r.choice(scoring["method"], "scoring.method", SCORING_METHODS)

    items: tuple[Item, ...] = ()
    for key in _ITEM_KEYS:
        if response_format == "licensed" and key in doc:
            raise r.fail(
                key,
                'not used with response_format = "licensed": the licensed tool asks and '
                "scores its own questions",
            )
        if response_format != "licensed" and key not in doc:
            raise r.fail(key, "missing required field")
    if response_format != "licensed":
        items = _items(r, doc["items"], _option_sets(r, doc["option_sets"]))
    _check_format(r, response_format, scoring_method, items)

    total_range = None
    if scoring_method == "sum":
        total_range = (sum(i.min_value for i in items), sum(i.max_value for i in items))

    def range_of(on: str, field: str) -> tuple[int, int]:
        if on == "total":
            if total_range is None:
                raise r.fail(field, "'total' needs scoring.method = \"sum\"")
            return total_range
        for item in items:
            if item.id == on:
                return (item.min_value, item.max_value)
        raise r.fail(field, f"{on!r} is neither 'total' nor an item id")

    conversion = None
    if "conversion" in scoring:
        conversion = _conversion(r, scoring["conversion"], total_range)

    bands = _bands(r, doc.get("bands", []), range_of)
    flags = _flags(r, doc.get("flags", []), range_of)
    changes = _changes(r, doc.get("meaningful_change", []), conversion, range_of)

    lonely = None
    if "lonely" in doc:
        t = r.table(doc["lonely"], "lonely", ("on", "default_cutoff", "note"))
        on = r.string(t["on"], "lonely.on")
        if on != "total":
            raise r.fail("lonely.on", "only 'total' is supported")
        low, high = range_of(on, "lonely.on")
        cutoff = r.integer(t["default_cutoff"], "lonely.default_cutoff")
        if not low <= cutoff <= high:
            raise r.fail(
                "lonely.default_cutoff", f"{cutoff} is outside the total range {low}-{high}"
            )
        lonely = LonelyRule(on=on, default_cutoff=cutoff, note=r.string(t["note"], "lonely.note"))

    eq5d = None
    if "eq5d" in doc:
        eq5d = _eq5d(r, doc["eq5d"])
    if (response_format == "eq5d") != (eq5d is not None):
        raise r.fail("eq5d", 'an [eq5d] table is needed exactly when response_format = "eq5d"')

    goals = None
    if "goals" in doc:
        t = r.table(doc["goals"], "goals", ("max_goals", "note"))
        max_goals = r.integer(t["max_goals"], "goals.max_goals")
        if max_goals < 1:
            raise r.fail("goals.max_goals", "must be at least 1")
        goals = GoalsSpec(max_goals=max_goals, note=r.string(t["note"], "goals.note"))
    if (response_format == "goals") != (goals is not None):
        raise r.fail("goals", 'a [goals] table is needed exactly when response_format = "goals"')

    licensed = _licensed(r, doc["licensed"]) if "licensed" in doc else None
    if (response_format == "licensed") != (licensed is not None):
        raise r.fail(
            "licensed", 'a [licensed] table is needed exactly when response_format = "licensed"'
        )
    requires_registration = r.boolean(doc["requires_registration"], "requires_registration")
    if licensed is not None and not requires_registration:
        raise r.fail(
            "requires_registration",
            'must be true with response_format = "licensed": only a deployment that holds '
            "the licence may record it",
        )

    return Instrument(
        id=instrument_id,
        name=r.string(doc["name"], "name"),
        version=version,
        licence=r.string(doc["licence"], "licence"),
        requires_registration=requires_registration,
        source=r.string(doc["source"], "source"),
        authored_by=r.string(doc["authored_by"], "authored_by"),
        checked_by=r.string(doc["checked_by"], "checked_by"),
        notes=r.string(doc["notes"], "notes") if "notes" in doc else "",
        response_format=response_format,
        scoring_method=scoring_method,
        conversion=conversion,
        items=items,
        bands=bands,
        flags=flags,
        meaningful_change=changes,
        lonely=lonely,
        eq5d=eq5d,
        goals=goals,
        licensed=licensed,
    )


def _option_sets(r: _Reader, value: object) -> dict[str, tuple[AnswerOption, ...]]:
    if not isinstance(value, dict):
        raise r.fail("option_sets", "must be a table of named option lists")
    sets: dict[str, Any] = value
    if not sets:
        raise r.fail("option_sets", "must define at least one option set")
    out: dict[str, tuple[AnswerOption, ...]] = {}
    for name, raw in sets.items():
        field = f"option_sets.{name}"
        r.identifier(name, field)
        options: list[AnswerOption] = []
        for n, entry in enumerate(r.array(raw, field)):
            f = f"{field}[{n}]"
            t = r.table(entry, f, ("value", "label"))
            option = AnswerOption(
                value=r.integer(t["value"], f"{f}.value"), label=r.string(t["label"], f"{f}.label")
            )
            if options and option.value != options[-1].value + 1:
                raise r.fail(f"{f}.value", "values must ascend in steps of 1 with no gaps")
            options.append(option)
        out[name] = tuple(options)
    return out


def _items(
    r: _Reader, value: object, option_sets: Mapping[str, tuple[AnswerOption, ...]]
) -> tuple[Item, ...]:
    items: list[Item] = []
    seen: set[str] = set()
    for n, entry in enumerate(r.array(value, "items")):
        f = f"items[{n}]"
        t = r.table(entry, f, ("id", "text", "options"))
        item_id = r.identifier(t["id"], f"{f}.id")
        if item_id in seen or item_id == "total":
            raise r.fail(f"{f}.id", f"{item_id!r} is duplicated or reserved")
        seen.add(item_id)
        set_name = r.string(t["options"], f"{f}.options")
        if set_name not in option_sets:
            raise r.fail(f"{f}.options", f"no option set called {set_name!r}")
        items.append(Item(item_id, r.string(t["text"], f"{f}.text"), option_sets[set_name]))
    return tuple(items)


def _check_format(r: _Reader, response_format: str, method: str, items: tuple[Item, ...]) -> None:
    allowed = {
        "items": ("sum",),
        "named": ("per_item",),
        "answer": ("per_item",),
        "eq5d": ("eq5d_index",),
        "goals": ("per_goal",),
        "licensed": ("licensed_score",),
    }[response_format]
    if method not in allowed:
        raise r.fail(
            "scoring.method", f"{method!r} does not fit response_format {response_format!r}"
        )
    if response_format in ("answer", "goals") and len(items) != 1:
        raise r.fail("items", f"response_format {response_format!r} needs exactly one item")
    if response_format == "eq5d" and len(items) != 5:
        raise r.fail("items", "EQ-5D-5L has exactly five dimensions")


def _conversion(r: _Reader, value: object, total_range: tuple[int, int] | None) -> Conversion:
    t = r.table(value, "scoring.conversion", ("name", "source", "table"))
    if total_range is None:
        raise r.fail("scoring.conversion", 'a conversion needs scoring.method = "sum"')
    table: dict[int, float] = {}
    expected = total_range[0]
    for n, pair in enumerate(r.array(t["table"], "scoring.conversion.table")):
        f = f"scoring.conversion.table[{n}]"
        row = r.array(pair, f)
        if len(row) != 2:
            raise r.fail(f, "each row must be [raw, converted]")
        raw = r.integer(row[0], f"{f}[0]")
        converted = r.number(row[1], f"{f}[1]")
        if raw != expected:
            raise r.fail(f"{f}[0]", f"expected raw total {expected}, got {raw}")
        if table and converted < table[raw - 1]:
            raise r.fail(f"{f}[1]", "converted scores must not fall as raw totals rise")
        table[raw] = converted
        expected += 1
    if expected != total_range[1] + 1:
        raise r.fail(
            "scoring.conversion.table",
            f"must cover raw totals {total_range[0]}-{total_range[1]}; stops at {expected - 1}",
        )
    return Conversion(
        name=r.identifier(t["name"], "scoring.conversion.name"),
        source=r.string(t["source"], "scoring.conversion.source"),
        table=MappingProxyType(table),
    )


def _bands(r: _Reader, value: object, range_of: _RangeOf) -> tuple[Band, ...]:
    bands: list[Band] = []
    for n, entry in enumerate(r.array(value, "bands", non_empty=False)):
        f = f"bands[{n}]"
        t = r.table(entry, f, ("on", "label", "min", "max"))
        band = Band(
            on=r.string(t["on"], f"{f}.on"),
            label=r.string(t["label"], f"{f}.label"),
            min=r.integer(t["min"], f"{f}.min"),
            max=r.integer(t["max"], f"{f}.max"),
        )
        range_of(band.on, f"{f}.on")
        if band.min > band.max:
            raise r.fail(f"{f}.min", f"min {band.min} is above max {band.max}")
        bands.append(band)
    for on in dict.fromkeys(b.on for b in bands):
        low, high = range_of(on, "bands")
        group = sorted((b for b in bands if b.on == on), key=lambda b: b.min)
        field = f"bands (on = {on!r})"
        labels = [b.label for b in group]
        if len(set(labels)) != len(labels):
            raise r.fail(field, "band labels must be unique")
        if group[0].min != low:
            raise r.fail(field, f"first band starts at {group[0].min}, not at the minimum {low}")
        if group[-1].max != high:
            raise r.fail(field, f"last band ends at {group[-1].max}, not at the maximum {high}")
        for before, after in pairwise(group):
            if after.min <= before.max:
                raise r.fail(field, f"bands {before.label!r} and {after.label!r} overlap")
            if after.min != before.max + 1:
                raise r.fail(
                    field, f"gap between {before.label!r} (to {before.max}) and {after.label!r}"
                )
    return tuple(bands)


def _flags(r: _Reader, value: object, range_of: _RangeOf) -> tuple[Flag, ...]:
    flags: list[Flag] = []
    for n, entry in enumerate(r.array(value, "flags", non_empty=False)):
        f = f"flags[{n}]"
        t = r.table(entry, f, ("id", "on", "min", "max", "note"))
        flag = Flag(
            id=r.identifier(t["id"], f"{f}.id"),
            on=r.string(t["on"], f"{f}.on"),
            min=r.integer(t["min"], f"{f}.min"),
            max=r.integer(t["max"], f"{f}.max"),
            note=r.string(t["note"], f"{f}.note"),
        )
        low, high = range_of(flag.on, f"{f}.on")
        if not low <= flag.min <= flag.max <= high:
            raise r.fail(f, f"needs {low} <= min <= max <= {high}")
        if any(other.id == flag.id for other in flags):
            raise r.fail(f"{f}.id", f"duplicate flag {flag.id!r}")
        flags.append(flag)
    return tuple(flags)


def _changes(
    r: _Reader, value: object, conversion: Conversion | None, range_of: _RangeOf
) -> tuple[MeaningfulChange, ...]:
    changes: list[MeaningfulChange] = []
    for n, entry in enumerate(r.array(value, "meaningful_change", non_empty=False)):
        f = f"meaningful_change[{n}]"
        t = r.table(entry, f, ("kind", "on", "points", "improvement", "source"), ("points_upper",))
        on = r.string(t["on"], f"{f}.on")
        if conversion is None or on != conversion.name:
            range_of(on, f"{f}.on")
        points = r.number(t["points"], f"{f}.points")
        upper = r.number(t["points_upper"], f"{f}.points_upper") if "points_upper" in t else None
        if points <= 0 or (upper is not None and upper < points):
            raise r.fail(f"{f}.points", "needs 0 < points <= points_upper")
        changes.append(
            MeaningfulChange(
                kind=r.choice(t["kind"], f"{f}.kind", CHANGE_KINDS),
                on=on,
                points=points,
                points_upper=upper,
                improvement=r.choice(t["improvement"], f"{f}.improvement", DIRECTIONS),
                source=r.string(t["source"], f"{f}.source"),
            )
        )
    return tuple(changes)


def _eq5d(r: _Reader, value: object) -> Eq5dSpec:
    t = r.table(value, "eq5d", ("default_method", "methods", "vas_min", "vas_max", "vas_note"))
    methods: list[IndexMethod] = []
    for n, entry in enumerate(r.array(t["methods"], "eq5d.methods")):
        f = f"eq5d.methods[{n}]"
        m = r.table(entry, f, ("id", "name", "source"))
        methods.append(
            IndexMethod(
                id=r.choice(m["id"], f"{f}.id", EQ5D_METHODS),
                name=r.string(m["name"], f"{f}.name"),
                source=r.string(m["source"], f"{f}.source"),
            )
        )
    ids = [m.id for m in methods]
    if len(set(ids)) != len(ids):
        raise r.fail("eq5d.methods", "method ids must be unique")
    default = r.choice(t["default_method"], "eq5d.default_method", ids)
    vas_min = r.integer(t["vas_min"], "eq5d.vas_min")
    vas_max = r.integer(t["vas_max"], "eq5d.vas_max")
    if vas_min >= vas_max:
        raise r.fail("eq5d.vas_min", "must be below vas_max")
    return Eq5dSpec(
        default, tuple(methods), vas_min, vas_max, r.string(t["vas_note"], "eq5d.vas_note")
    )


def _licensed(r: _Reader, value: object) -> LicensedSpec:
    t = r.table(value, "licensed", ("note", "values"), ("concerns",))
    concerns = _concerns(r, t["concerns"]) if "concerns" in t else None
    values: list[LicensedValue] = []
    for n, entry in enumerate(r.array(t["values"], "licensed.values")):
        f = f"licensed.values[{n}]"
        v = r.table(
            entry,
            f,
            ("id", "label", "hint", "min", "max", "improvement"),
            ("decimals", "chart"),
        )
        value_id = r.identifier(v["id"], f"{f}.id")
        if value_id in RESERVED_RESULT_KEYS or value_id.startswith("concern"):
            raise r.fail(f"{f}.id", f"{value_id!r} is reserved for other results")
        if any(other.id == value_id for other in values):
            raise r.fail(f"{f}.id", f"duplicate value {value_id!r}")
        low = r.integer(v["min"], f"{f}.min")
        high = r.integer(v["max"], f"{f}.max")
        if low >= high:
            raise r.fail(f"{f}.min", f"min {low} must be below max {high}")
        decimals = r.integer(v["decimals"], f"{f}.decimals") if "decimals" in v else 0
        if not 0 <= decimals <= MAX_DECIMALS:
            raise r.fail(f"{f}.decimals", f"must be from 0 to {MAX_DECIMALS}")
        values.append(
            LicensedValue(
                id=value_id,
                label=r.string(v["label"], f"{f}.label"),
                hint=r.string(v["hint"], f"{f}.hint"),
                min=low,
                max=high,
                decimals=decimals,
                improvement=r.choice(v["improvement"], f"{f}.improvement", DIRECTIONS),
                chart=r.boolean(v["chart"], f"{f}.chart") if "chart" in v else True,
            )
        )
    if concerns is None and not any(v.chart for v in values):
        raise r.fail("licensed.values", "at least one value must be charted")
    return LicensedSpec(
        note=r.string(t["note"], "licensed.note"), values=tuple(values), concerns=concerns
    )


def _concerns(r: _Reader, value: object) -> ConcernsSpec:
    field = "licensed.concerns"
    t = r.table(
        value,
        field,
        (
            "min_count",
            "max_count",
            "text_max_length",
            "text_hint",
            "score_hint",
            "score_min",
            "score_max",
            "improvement",
        ),
    )
    min_count = r.integer(t["min_count"], f"{field}.min_count")
    max_count = r.integer(t["max_count"], f"{field}.max_count")
    if not 1 <= min_count <= max_count:
        raise r.fail(f"{field}.min_count", "needs 1 <= min_count <= max_count")
    text_max_length = r.integer(t["text_max_length"], f"{field}.text_max_length")
    if text_max_length < 1:
        raise r.fail(f"{field}.text_max_length", "must be at least 1")
    score_min = r.integer(t["score_min"], f"{field}.score_min")
    score_max = r.integer(t["score_max"], f"{field}.score_max")
    if score_min >= score_max:
        raise r.fail(f"{field}.score_min", f"score_min {score_min} must be below {score_max}")
    return ConcernsSpec(
        min_count=min_count,
        max_count=max_count,
        text_max_length=text_max_length,
        text_hint=r.string(t["text_hint"], f"{field}.text_hint"),
        score_hint=r.string(t["score_hint"], f"{field}.score_hint"),
        score_min=score_min,
        score_max=score_max,
        improvement=r.choice(t["improvement"], f"{field}.improvement", DIRECTIONS),
    )


def load_definition(path: Path | Traversable) -> Instrument:
    """Load and validate one definition file; the id must match the file name."""
    source = str(path)
    name = path.name
    if not name.endswith(".toml"):
        raise DefinitionError(source, "", "definition files must end in .toml")
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DefinitionError(source, "", f"not valid TOML: {exc}") from exc
    return parse_definition(data, source, expected_id=name.removesuffix(".toml"))


def load_directory(directory: Path | Traversable) -> Mapping[str, Instrument]:
    """Load every *.toml definition in a directory, keyed by instrument id."""
    found = sorted(
        (p for p in directory.iterdir() if p.name.endswith(".toml") and p.is_file()),
        key=lambda p: p.name,
    )
    if not found:
        raise DefinitionError(str(directory), "", "no instrument definitions found")
    return MappingProxyType({i.id: i for i in map(load_definition, found)})


def bundled_directory() -> Traversable:
    """The definitions shipped inside the package, wherever it is installed."""
    return files("linkwork.outcomes").joinpath("instruments")
