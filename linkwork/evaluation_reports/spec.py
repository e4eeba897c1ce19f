"""The evaluation spec: a TOML file naming the data, the analyses, the thresholds and the
bootstrap, checked key by key so a mistake is one sentence naming the key, never a traceback.

Every key is described in docs/guides/evaluation.md ("The evaluation spec"). Nothing here needs
Django: the command and the task worker both parse specs with `parse_spec`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DATA_SOURCES = ("files", "database")
SE_TYPES = ("classical", "hc1", "cluster")
# Subgroup columns the report derives from the extract (see frames.py), and what they mean.
SUBGROUPS = {
    "deprivation_quintile": "deprivation quintile (1 most deprived, from the IMD decile)",
    "ethnicity_group": "ethnic group (ONS 2021 high-level groups)",
    "long_term_conditions": "number of long-term conditions (comorbidity count: 0, 1, 2, 3+)",
    "needs_count": "number of needs on the referral (1, 2, 3, 4+)",
    "age_band": "age band at referral",
    "sex": "sex",
}
ANALYSIS_KINDS = ("change", "did")
INDEX_MONTHS = ("received_month", "first_contact_month")
DEFAULT_THRESHOLDS = (20_000.0, 30_000.0)


class SpecError(ValueError):
    """A spec that cannot be run as written; `key` is the dotted key at fault."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key


@dataclass(frozen=True)
class Rule:
    """Which rows are in a group: the column's value is one of `values` (as text), or, with
    `at_least`, a number at least that."""

    column: str
    values: tuple[str, ...] = ()
    at_least: float | None = None

    def describe(self) -> str:
        if self.at_least is not None:
            return f"{self.column} at least {self.at_least:g}"
        shown = ", ".join(self.values[:8]) + (", ..." if len(self.values) > 8 else "")
        return f"{self.column} in ({shown})"


@dataclass(frozen=True)
class DataSpec:
    source: str
    episodes: Path | None = None
    measures: Path | None = None
    clinical: Path | None = None
    care_use: Path | None = None
    schemes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChangeSpec:
    instrument: str
    mcid: float | None
    higher_is_better: bool


@dataclass(frozen=True)
class DidSpec:
    outcome: str
    treated: Rule
    post_from: str | None
    """A calendar month: measures from it on are "post" (a scheme that started then)."""
    post_after: str | None
    """Or an episode column of months: measures after the person's own month are "post"."""
    se: str
    cluster: str | None
    twfe: bool
    wild_cluster_bootstrap: bool


@dataclass(frozen=True)
class EventStudySpec:
    outcome: tuple[str, ...]
    leads: int
    lags: int
    cluster: str | None


@dataclass(frozen=True)
class CostEffectivenessSpec:
    arm: Rule
    qaly_instrument: str
    horizon_months: int
    follow_up_months: float
    intervention_cost: float
    cost_per_contact: float
    cost_column: str | None
    unit_costs: Path | dict[str, float] | None
    cluster: str | None
    baseline_adjusted: bool
    ceac_max: float


@dataclass(frozen=True)
class SubgroupSpec:
    by: tuple[str, ...]
    analysis: str
    """"change:<instrument>" or "did:<outcome>": one of the analyses above, by subgroup."""


@dataclass(frozen=True)
class Spec:
    title: str
    data: DataSpec
    period_from: str | None = None
    period_to: str | None = None
    change: tuple[ChangeSpec, ...] = ()
    did: tuple[DidSpec, ...] = ()
    event_study: EventStudySpec | None = None
    cost_effectiveness: CostEffectivenessSpec | None = None
    subgroups: SubgroupSpec | None = None
    thresholds: tuple[float, ...] = DEFAULT_THRESHOLDS
    B: int = 2000
    seed: int = 2026
    origin: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def analyses(self) -> list[str]:
        """The sections this spec asks for, in report order."""
        found = []
        if self.change:
            found.append("change")
        if self.did:
            found.append("did")
        if self.event_study is not None:
            found.append("event_study")
        if self.cost_effectiveness is not None:
            found.append("cost_effectiveness")
        if self.subgroups is not None:
            found.append("subgroups")
        return found


# --- Reading values -------------------------------------------------------------------------


class _Table:
    """One TOML table with its dotted name, so every error names the full key."""

    def __init__(self, data: Any, name: str) -> None:
        if not isinstance(data, Mapping):
            raise SpecError(name, "must be a table (a [section] or { key = value })")
        self.data = dict(data)
        self.name = name
        self.used: set[str] = set()

    def key(self, key: str) -> str:
        return f"{self.name}.{key}" if self.name else key

    def get(self, key: str, default: Any = None) -> Any:
        self.used.add(key)
        return self.data.get(key, default)

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str | None:
        value = self.get(key)
        if value is None:
            if required:
                raise SpecError(self.key(key), "is required")
            return default
        if not isinstance(value, str) or not value.strip():
            raise SpecError(self.key(key), f"must be non-empty text, got {value!r}")
        return value.strip()

    def choice(self, key: str, options: Sequence[str], default: str) -> str:
        value = self.text(key, default)
        assert value is not None
        if value not in options:
            raise SpecError(self.key(key), f"must be one of {', '.join(options)}; got {value!r}")
        return value

    def number(
        self, key: str, default: float | None = None, *, minimum: float | None = None
    ) -> float | None:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SpecError(self.key(key), f"must be a number, got {value!r}")
        if value != value or value in (float("inf"), float("-inf")):
            raise SpecError(self.key(key), "must be a finite number")
        if minimum is not None and value < minimum:
            raise SpecError(self.key(key), f"must be at least {minimum:g}, got {value!r}")
        return float(value)

    def whole(self, key: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise SpecError(self.key(key), f"must be a whole number, got {value!r}")
        if value < minimum or (maximum is not None and value > maximum):
            limit = f"from {minimum} to {maximum}" if maximum is not None else f">= {minimum}"
            raise SpecError(self.key(key), f"must be a whole number {limit}, got {value}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool):
            raise SpecError(self.key(key), f"must be true or false, got {value!r}")
        return value

    def month(self, key: str, *, required: bool = False) -> str | None:
        value = self.get(key)
        if value is None:
            if required:
                raise SpecError(self.key(key), "is required (a month, YYYY-MM)")
            return None
        if not isinstance(value, str) or not MONTH.match(value):
            raise SpecError(self.key(key), f"must be a month as YYYY-MM, got {value!r}")
        return value

    def texts(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        value = self.get(key)
        if value is None:
            if required:
                raise SpecError(self.key(key), "is required")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise SpecError(self.key(key), "must be a list of text values")
        for item in value:
            if isinstance(item, bool) or not isinstance(item, str | int):
                raise SpecError(self.key(key), f"holds {item!r}, which is not text")
        return tuple(str(item) for item in value)

    def table(self, key: str) -> _Table | None:
        value = self.get(key)
        return None if value is None else _Table(value, self.key(key))

    def check_unknown(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise SpecError(self.key(unknown[0]), "is not a key this spec knows (a typo?)")


def _rule(parent: _Table, key: str) -> Rule:
    table = parent.table(key)
    if table is None:
        raise SpecError(
            parent.key(key),
            'is required, for example { column = "gp_practice", in = ["Z90001", "Z90002"] }',
        )
    column = table.text("column", required=True)
    assert column is not None
    if table.has("at_least") == table.has("in"):
        raise SpecError(table.key("in"), "give either in = [values] or at_least = a number")
    if table.has("at_least"):
        at_least = table.number("at_least")
        table.check_unknown()
        return Rule(column=column, at_least=at_least)
    values = table.texts("in", required=True)
    table.check_unknown()
    return Rule(column=column, values=values)


def _path(table: _Table, key: str, base: Path) -> Path | None:
    value = table.text(key)
    if value is None:
        return None
    path = Path(value).expanduser()
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        raise SpecError(table.key(key), f"no such file: {path}")
    if path.suffix.lower() not in (".csv", ".parquet"):
        raise SpecError(table.key(key), f"{path.name}: give a .csv or .parquet file")
    return path


def _data(root: _Table, base: Path) -> DataSpec:
    table = root.table("data")
    if table is None:
        raise SpecError("data", 'is required: a [data] table with source = "files" or "database"')
    source = table.choice("source", DATA_SOURCES, "files")
    if source == "database":
        for key in ("episodes", "measures", "clinical", "care_use"):
            if table.has(key):
                raise SpecError(
                    table.key(key), 'is for source = "files"; the database source writes its own'
                )
        schemes = table.texts("schemes")
        table.check_unknown()
        return DataSpec(source=source, schemes=schemes)
    episodes = _path(table, "episodes", base)
    if episodes is None:
        raise SpecError(table.key("episodes"), 'is required when source = "files"')
    found = DataSpec(
        source=source,
        episodes=episodes,
        measures=_path(table, "measures", base),
        clinical=_path(table, "clinical", base),
        care_use=_path(table, "care_use", base),
    )
    if table.has("schemes"):
        raise SpecError(table.key("schemes"), 'is for source = "database"')
    table.check_unknown()
    return found


def _change(root: _Table) -> tuple[ChangeSpec, ...]:
    items = root.get("change")
    if items is None:
        return ()
    if not isinstance(items, list) or not items:
        raise SpecError("change", "must be one or more [[change]] tables")
    found = []
    for index, item in enumerate(items):
        table = _Table(item, f"change[{index}]")
        instrument = table.text("instrument", required=True)
        assert instrument is not None
        found.append(
            ChangeSpec(
                instrument=instrument,
                mcid=table.number("mcid", minimum=0),
                higher_is_better=table.flag("higher_is_better", True),
            )
        )
        table.check_unknown()
    instruments = [item.instrument for item in found]
    if len(set(instruments)) < len(instruments):
        raise SpecError("change", "names an instrument twice")
    return tuple(found)


def _did(root: _Table) -> tuple[DidSpec, ...]:
    items = root.get("did")
    if items is None:
        return ()
    if not isinstance(items, list) or not items:
        raise SpecError("did", "must be one or more [[did]] tables")
    found = []
    for index, item in enumerate(items):
        table = _Table(item, f"did[{index}]")
        outcome = table.text("outcome", required=True)
        se = table.choice("se", SE_TYPES, "cluster")
        cluster = table.text("cluster")
        if se == "cluster" and cluster is None:
            raise SpecError(table.key("cluster"), 'is required when se = "cluster"')
        twfe = table.flag("twfe", True)
        wild = table.flag("wild_cluster_bootstrap", False)
        if wild and cluster is None:
            raise SpecError(table.key("wild_cluster_bootstrap"), "needs cluster = a column")
        post_from = table.month("post_from")
        post_after = (
            table.choice("post_after", INDEX_MONTHS, INDEX_MONTHS[0])
            if table.has("post_after")
            else None
        )
        if (post_from is None) == (post_after is None):
            raise SpecError(
                table.key("post_from"),
                'give either post_from = "YYYY-MM" (a calendar cut-off) or post_after = '
                '"received_month" (after each person\'s referral)',
            )
        assert outcome is not None
        found.append(
            DidSpec(
                outcome=outcome,
                treated=_rule(table, "treated"),
                post_from=post_from,
                post_after=post_after,
                se=se,
                cluster=cluster,
                twfe=twfe,
                wild_cluster_bootstrap=wild,
            )
        )
        table.check_unknown()
    return tuple(found)


def _event_study(root: _Table) -> EventStudySpec | None:
    table = root.table("event_study")
    if table is None:
        return None
    outcome = table.texts("outcome", required=True)
    found = EventStudySpec(
        outcome=outcome,
        leads=table.whole("leads", 3, minimum=1, maximum=12),
        lags=table.whole("lags", 4, minimum=0, maximum=12),
        cluster=table.text("cluster"),
    )
    table.check_unknown()
    return found


def _unit_costs(table: _Table, base: Path) -> Path | dict[str, float] | None:
    value = table.get("unit_costs")
    if value is None:
        return None
    key = table.key("unit_costs")
    if isinstance(value, str):
        path = Path(value).expanduser()
        path = path if path.is_absolute() else base / path
        if not path.is_file():
            raise SpecError(key, f"no such file: {path}")
        return path
    if isinstance(value, Mapping):
        costs = {}
        for setting, cost in value.items():
            if isinstance(cost, bool) or not isinstance(cost, int | float) or cost < 0:
                raise SpecError(f"{key}.{setting}", f"must be a cost of 0 or more, got {cost!r}")
            costs[str(setting)] = float(cost)
        return costs
    raise SpecError(key, "must be a file name (.csv or .toml) or a table of setting = cost")


def _cost_effectiveness(root: _Table, base: Path) -> CostEffectivenessSpec | None:
    table = root.table("cost_effectiveness")
    if table is None:
        return None
    instrument = table.text("qaly_instrument", "eq5d5l")
    assert instrument is not None
    found = CostEffectivenessSpec(
        arm=_rule(table, "arm"),
        qaly_instrument=instrument,
        horizon_months=table.whole("horizon_months", 12, minimum=1, maximum=120),
        follow_up_months=table.number("follow_up_months", 3.0, minimum=0.5) or 3.0,
        intervention_cost=table.number("intervention_cost", 0.0, minimum=0) or 0.0,
        cost_per_contact=table.number("cost_per_contact", 0.0, minimum=0) or 0.0,
        cost_column=table.text("cost_column"),
        unit_costs=_unit_costs(table, base),
        cluster=table.text("cluster"),
        baseline_adjusted=table.flag("baseline_adjusted", True),
        ceac_max=table.number("ceac_max", 50_000.0, minimum=1) or 50_000.0,
    )
    table.check_unknown()
    return found


def _subgroups(
    root: _Table, spec_change: Sequence[ChangeSpec], spec_did: Sequence[DidSpec]
) -> SubgroupSpec | None:
    table = root.table("subgroups")
    if table is None:
        return None
    by = table.texts("by", required=True)
    for name in by:
        if name not in SUBGROUPS:
            raise SpecError(table.key("by"), f"{name!r} is not one of {', '.join(SUBGROUPS)}")
    default = f"change:{spec_change[0].instrument}" if spec_change else None
    analysis = table.text("analysis", default)
    if analysis is None:
        raise SpecError(table.key("analysis"), 'is required, for example "change:swemwbs"')
    kind, _, name = analysis.partition(":")
    known = {f"change:{c.instrument}" for c in spec_change} | {f"did:{d.outcome}" for d in spec_did}
    if kind not in ANALYSIS_KINDS or analysis not in known:
        raise SpecError(
            table.key("analysis"),
            f"must name an analysis of this spec ({', '.join(sorted(known)) or 'none given'}); "
            f"got {analysis!r}",
        )
    table.check_unknown()
    return SubgroupSpec(by=by, analysis=analysis)


def spec_from_mapping(data: Mapping[str, Any], *, base: Path, origin: str = "") -> Spec:
    """A checked `Spec` from parsed TOML; paths are relative to `base`."""
    root = _Table(data, "")
    title = root.text("title", "Evaluation report")
    assert title is not None
    data_spec = _data(root, base)
    thresholds_raw = root.get("thresholds", list(DEFAULT_THRESHOLDS))
    if not isinstance(thresholds_raw, list) or not thresholds_raw:
        raise SpecError("thresholds", "must be a list of costs per QALY, such as [20000, 30000]")
    for value in thresholds_raw:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise SpecError("thresholds", f"holds {value!r}: each must be a cost of 0 or more")
    period_from, period_to = root.month("period_from"), root.month("period_to")
    if period_from and period_to and period_from > period_to:
        raise SpecError("period_to", "must be the same month as period_from or later")
    change = _change(root)
    did = _did(root)
    spec = Spec(
        title=title,
        data=data_spec,
        period_from=period_from,
        period_to=period_to,
        change=change,
        did=did,
        event_study=_event_study(root),
        cost_effectiveness=_cost_effectiveness(root, base),
        subgroups=_subgroups(root, change, did),
        thresholds=tuple(float(v) for v in thresholds_raw),
        B=root.whole("B", 2000, minimum=100, maximum=100_000),
        seed=root.whole("seed", 2026, minimum=0),
        origin=origin,
    )
    root.check_unknown()
    if not spec.analyses():
        raise SpecError(
            "",
            "the spec asks for no analysis: add [[change]], [[did]], [event_study], "
            "[cost_effectiveness] or [subgroups]",
        )
    return spec


def parse_spec(path: Path | str) -> Spec:
    """Read and check the spec file at `path`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError("", f"{path}: no such spec file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError("", f"{path}: cannot be read ({error})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SpecError("", f"{path.name} is not valid TOML: {error}") from None
    return spec_from_mapping(data, base=path.resolve().parent, origin=path.name)
