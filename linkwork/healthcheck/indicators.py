"""The health check's indicators: reviewed TOML data files in `data/indicators/`, one file per
indicator, validated strictly when this module is imported.

Each file names what the indicator measures (`definition`), where it sits in the frame
(`level`, `setting`), how it is measured (`source`: a measure of `healthcheck.measures`,
`unit`, `direction`), the thresholds that rate a value on the archetypes (best, good,
developing; anything beyond `developing` is poor practice), the evidence it rests on
(citations of published reviews), how to act on a weak rating, and who wrote and checked it.
A file with a missing, unknown or malformed field fails with a message naming the file and the
field, so a typo stops the start-up instead of quietly rating a scheme wrongly.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from linkwork.core.reviewed import ReviewedReader, read_toml
from linkwork.healthcheck.framework import Archetype, Level, Setting

_KEY_RE: Final = re.compile(r"^[a-z][a-z0-9_]*$")
_SOURCE_RE: Final = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_REQUIRED: Final = frozenset(
    {
        "key",
        "title",
        "definition",
        "level",
        "setting",
        "unit",
        "direction",
        "source",
        "numerator",
        "denominator",
        "thresholds",
        "threshold_basis",
        "act",
        "evidence",
        "authored_by",
        "checked_by",
    }
)
_OPTIONAL: Final = frozenset({"snapshot"})
_THRESHOLD_KEYS: Final = frozenset({"best", "good", "developing"})
_EVIDENCE_KEYS: Final = frozenset({"citation", "finding"})


class Unit:
    PERCENT = "percent"
    PER_1000 = "per_1000"
    WORKING_DAYS = "working_days"
    PER_WORKER_MONTH = "per_worker_month"


UNITS: Final = {
    Unit.PERCENT: "%",
    Unit.PER_1000: "per 1,000 patients",
    Unit.WORKING_DAYS: "working days",
    Unit.PER_WORKER_MONTH: "sessions per link worker per month",
}
HIGHER, LOWER = "higher", "lower"
DIRECTIONS: Final = {HIGHER: "Higher is better", LOWER: "Lower is better"}


class IndicatorError(ValueError):
    """A broken indicator file; names the file and the field at fault."""

    def __init__(self, source: str, field: str, message: str) -> None:
        super().__init__(f"{source}: {field}: {message}" if field else f"{source}: {message}")
        self.source = source
        self.field = field


@dataclass(frozen=True)
class Evidence:
    citation: str
    finding: str


@dataclass(frozen=True)
class Thresholds:
    """The value at which each archetype starts, on the indicator's direction."""

    best: float
    good: float
    developing: float


@dataclass(frozen=True)
class Indicator:
    key: str
    title: str
    definition: str
    level: Level
    setting: Setting
    unit: str
    direction: str
    source: str
    numerator: str
    denominator: str
    thresholds: Thresholds
    threshold_basis: str
    act: str
    evidence: tuple[Evidence, ...]
    authored_by: str
    checked_by: str
    # Measured as things stand today, so only for the current period (no trend).
    snapshot: bool = False

    def rate(self, value: float | None) -> Archetype | None:
        """The archetype `value` falls in; None for no value (not measured)."""
        if value is None:
            return None
        t = self.thresholds
        for archetype, start in (
            (Archetype.BEST, t.best),
            (Archetype.GOOD, t.good),
            (Archetype.DEVELOPING, t.developing),
        ):
            if (value >= start) if self.direction == HIGHER else (value <= start):
                return archetype
        return Archetype.POOR

    @property
    def unit_label(self) -> str:
        return UNITS[self.unit]


class _Reader(ReviewedReader[IndicatorError]):
    def __init__(self, source: str) -> None:
        super().__init__(source, IndicatorError, collapse=True)

    def choice(self, table: Mapping[str, Any], key: str, allowed: Collection[str]) -> str:
        value = table[key]
        if value not in allowed:
            raise self.fail(key, f"{value!r} is not one of {', '.join(sorted(allowed))}")
        return str(value)

    def number(self, table: Mapping[str, Any], key: str, field: str) -> float:
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.fail(f"{field}.{key}", "must be a number, zero or more")
        return float(value)


def load_indicator(path: Path | Traversable) -> Indicator:
    """Read and validate one indicator file."""
    data = read_toml(path, IndicatorError)
    r = _Reader(str(path))
    r.keys(data, "", _REQUIRED, _OPTIONAL)
    key = data["key"]
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise r.fail("key", f"{key!r} is not a key (lower case, digits, underscores)")
    if Path(path.name).stem != key:
        raise r.fail("key", f"{key!r} must be the file's name ({path.name})")
    source_name = data["source"]
    if not isinstance(source_name, str) or not _SOURCE_RE.match(source_name):
        raise r.fail("source", f"{source_name!r} is not a measure name such as 'app.measure'")
    direction = r.choice(data, "direction", DIRECTIONS)
    raw = data["thresholds"]
    if not isinstance(raw, dict):
        raise r.fail("thresholds", "must be a table of best, good and developing")
    r.keys(raw, "thresholds", _THRESHOLD_KEYS)
    best, good, developing = (
        r.number(raw, k, "thresholds") for k in ("best", "good", "developing")
    )
    ordered = best > good > developing if direction == HIGHER else best < good < developing
    if not ordered:
        word = "above" if direction == HIGHER else "below"
        raise r.fail("thresholds", f"best must be {word} good, and good {word} developing")
    evidence_raw = data["evidence"]
    if not isinstance(evidence_raw, list) or not evidence_raw:
        raise r.fail("evidence", "must be a non-empty list of citations")
    evidence = []
    for index, item in enumerate(evidence_raw):
        where = f"evidence[{index}]"
        if not isinstance(item, dict):
            raise r.fail(where, "must be a table")
        r.keys(item, where, _EVIDENCE_KEYS)
        evidence.append(Evidence(r.text(item, "citation", where), r.text(item, "finding", where)))
    snapshot = data.get("snapshot", False)
    if not isinstance(snapshot, bool):
        raise r.fail("snapshot", "must be true or false")
    return Indicator(
        key=key,
        title=r.text(data, "title"),
        definition=r.text(data, "definition"),
        level=Level(r.choice(data, "level", Level.values)),
        setting=Setting(r.choice(data, "setting", Setting.values)),
        unit=r.choice(data, "unit", UNITS),
        direction=direction,
        source=source_name,
        numerator=r.text(data, "numerator"),
        denominator=r.text(data, "denominator"),
        thresholds=Thresholds(best, good, developing),
        threshold_basis=r.text(data, "threshold_basis"),
        act=r.text(data, "act"),
        evidence=tuple(evidence),
        authored_by=r.text(data, "authored_by"),
        checked_by=r.text(data, "checked_by"),
        snapshot=snapshot,
    )


def load_indicators(folder: Path | Traversable) -> Mapping[str, Indicator]:
    """Every `*.toml` file in `folder`, by key, in the frame's order (level, setting, key)."""
    found = [load_indicator(p) for p in folder.iterdir() if p.name.endswith(".toml")]
    if not found:
        raise IndicatorError(str(folder), "", "holds no indicator files")
    order = {value: i for i, value in enumerate([*Level.values, *Setting.values])}
    found.sort(key=lambda i: (order[i.level], order[i.setting], i.key))
    return MappingProxyType({indicator.key: indicator for indicator in found})


INDICATORS: Final = load_indicators(files("linkwork.healthcheck") / "data" / "indicators")
