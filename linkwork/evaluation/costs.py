"""Costing health-care use: counts of care per person and period times a unit cost per kind
of care (`setting`), as the care-use table of the pseudonymised extract holds them.

Pure pandas: nothing here needs Django. The default unit costs are a reviewed data file,
`data/unit_costs.toml`, with each figure's source, table, page and price year; a setting it
has no checked figure for has no default, and costing it needs a table the analyst supplies
(CSV or TOML), which overrides the default setting by setting.

Settings (as in the extract): gp_appointment (primary care), ae_attendance and
non_elective_admission (unplanned care), elective_admission and outpatient_attendance
(planned care).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

DEFAULT_FILE = Path(__file__).with_name("data") / "unit_costs.toml"
SETTINGS = (
    "gp_appointment",
    "ae_attendance",
    "non_elective_admission",
    "elective_admission",
    "outpatient_attendance",
)
# The kind of care each setting is: a shift from unplanned to planned care is the change in
# these two sums.
CARE_TYPES = {
    "gp_appointment": "primary",
    "ae_attendance": "unplanned",
    "non_elective_admission": "unplanned",
    "elective_admission": "planned",
    "outpatient_attendance": "planned",
}


class CostError(ValueError):
    """Input that cannot be costed; `column` names the column (or field) at fault."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"{column}: {message}")
        self.column = column


@dataclass(frozen=True)
class UnitCost:
    setting: str
    cost: float | None
    price_year: str = ""
    unit: str = ""
    source: str = ""


@dataclass(frozen=True)
class UnitCosts:
    """A unit cost per setting (None where no figure is known), with where they came from."""

    costs: dict[str, UnitCost]
    authored_by: str = ""
    checked_by: str = ""
    currency: str = "GBP"
    origin: list[str] = field(default_factory=list)

    def cost_of(self, setting: str) -> float:
        found = self.costs.get(setting)
        if found is None or found.cost is None:
            raise CostError(
                "setting",
                f"no unit cost for {setting}: supply one in a unit-cost table "
                "(load_unit_costs), since the default table has no checked figure for it",
            )
        return found.cost

    def override(self, other: UnitCosts) -> UnitCosts:
        """These costs with every setting `other` gives a cost for replaced by its own."""
        merged = dict(self.costs)
        merged.update({name: cost for name, cost in other.costs.items() if cost.cost is not None})
        return UnitCosts(
            costs=merged,
            authored_by=other.authored_by or self.authored_by,
            checked_by=other.checked_by or self.checked_by,
            currency=other.currency or self.currency,
            origin=[*self.origin, *other.origin],
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per setting: setting, unit_cost, price_year, unit, source."""
        return pd.DataFrame(
            [
                {
                    "setting": cost.setting,
                    "unit_cost": cost.cost,
                    "price_year": cost.price_year,
                    "unit": cost.unit,
                    "source": cost.source,
                }
                for cost in self.costs.values()
            ],
            columns=["setting", "unit_cost", "price_year", "unit", "source"],
        )


def _cost_value(value: Any, where: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CostError("unit_cost", f"{where} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CostError("unit_cost", f"{where} is not a number") from None
    if math.isnan(number):
        return None
    if math.isinf(number) or number < 0:
        raise CostError("unit_cost", f"{where} must be a number of 0 or more")
    return number


def _check_setting(setting: Any, where: str) -> str:
    name = str(setting).strip()
    if name not in SETTINGS:
        raise CostError("setting", f"{where}: {name!r} is not one of {', '.join(SETTINGS)}")
    return name


def unit_costs_from_toml(data: Mapping[str, Any], origin: str) -> UnitCosts:
    settings = data.get("settings")
    if not isinstance(settings, Mapping):
        raise CostError("settings", f"{origin} has no [settings.<setting>] tables")
    costs: dict[str, UnitCost] = {}
    for setting, entry in settings.items():
        name = _check_setting(setting, origin)
        if not isinstance(entry, Mapping):
            raise CostError("settings", f"{origin}: settings.{name} is not a table")
        costs[name] = UnitCost(
            setting=name,
            cost=_cost_value(entry.get("unit_cost"), f"settings.{name}.unit_cost"),
            price_year=str(entry.get("price_year", "")),
            unit=str(entry.get("unit", "")),
            source=str(entry.get("source", "")),
        )
    return UnitCosts(
        costs=costs,
        authored_by=str(data.get("authored_by", "")),
        checked_by=str(data.get("checked_by", "")),
        currency=str(data.get("currency", "GBP")),
        origin=[origin],
    )


def unit_costs_from_frame(frame: pd.DataFrame, origin: str = "the table") -> UnitCosts:
    """Unit costs from a table with the columns setting and unit_cost (price_year, unit and
    source optional)."""
    missing = [name for name in ("setting", "unit_cost") if name not in frame.columns]
    if missing:
        raise CostError(missing[0], f"{origin} has no {missing[0]} column")
    costs: dict[str, UnitCost] = {}
    for number, row in enumerate(frame.to_dict("records"), start=1):
        where = f"{origin}, row {number}"
        name = _check_setting(row["setting"], where)
        if name in costs:
            raise CostError("setting", f"{where}: {name} is in the table twice")
        costs[name] = UnitCost(
            setting=name,
            cost=_cost_value(row["unit_cost"], where),
            price_year="" if pd.isna(row.get("price_year")) else str(row.get("price_year", "")),
            unit="" if pd.isna(row.get("unit")) else str(row.get("unit", "")),
            source="" if pd.isna(row.get("source")) else str(row.get("source", "")),
        )
    return UnitCosts(costs=costs, origin=[origin])


def default_unit_costs() -> UnitCosts:
    """The reviewed default table shipped with Linkwork."""
    with DEFAULT_FILE.open("rb") as handle:
        return unit_costs_from_toml(tomllib.load(handle), DEFAULT_FILE.name)


def load_unit_costs(path: Path | str, *, over_default: bool = True) -> UnitCosts:
    """A user's unit-cost table (CSV with setting and unit_cost columns, or TOML laid out as
    the default), over the default table unless `over_default` is false."""
    path = Path(path)
    if path.suffix.lower() == ".toml":
        with path.open("rb") as handle:
            try:
                data = tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise CostError("settings", f"{path.name} is not valid TOML: {error}") from None
        loaded = unit_costs_from_toml(data, path.name)
    elif path.suffix.lower() == ".csv":
        loaded = unit_costs_from_frame(pd.read_csv(path), path.name)
    else:
        raise CostError("unit_costs", f"{path.name}: give a .csv or .toml file")
    return default_unit_costs().override(loaded) if over_default else loaded


def _as_unit_costs(
    given: UnitCosts | Mapping[str, float] | pd.DataFrame | Path | str | None,
) -> UnitCosts:
    if given is None:
        return default_unit_costs()
    if isinstance(given, UnitCosts):
        return given
    if isinstance(given, pd.DataFrame):
        return default_unit_costs().override(unit_costs_from_frame(given))
    if isinstance(given, Path | str):
        return load_unit_costs(given)
    costs = {
        _check_setting(name, "unit_costs"): UnitCost(
            setting=str(name), cost=_cost_value(value, f"unit_costs[{name!r}]")
        )
        for name, value in given.items()
    }
    return default_unit_costs().override(UnitCosts(costs=costs, origin=["a mapping"]))


def cost_utilisation(
    use_df: pd.DataFrame,
    unit_costs: UnitCosts | Mapping[str, float] | pd.DataFrame | Path | str | None = None,
    *,
    person: str = "person_key",
    setting: str = "setting",
    count: str = "count",
    period: str | None = "period",
    uncosted: Literal["raise", "leave_out"] = "raise",
) -> pd.DataFrame:
    """The cost of each person's care in each period.

    `use_df` has one row per person, setting and count (the extract's care-use table, with
    a `period` column such as "before"/"after" from `label_periods`, or `period=None` for one
    total per person). `unit_costs` is a `UnitCosts`, a mapping or table of setting to cost
    (over the default table), a CSV/TOML path, or None for the default table.

    Returns one row per person (and period) with `<setting>_count` and `<setting>_cost` for
    every setting seen, `primary_cost`, `unplanned_cost`, `planned_cost` and `total_cost`.
    A setting without a unit cost is an error naming it, unless `uncosted="leave_out"`: then
    its counts stay, its cost columns are empty and no total includes it, and the result's
    `attrs["uncosted"]` lists it.
    """
    if not isinstance(use_df, pd.DataFrame):
        raise CostError("use_df", "must be a pandas DataFrame")
    keys = [person] if period is None else [person, period]
    for column in [*keys, setting, count]:
        if column not in use_df.columns:
            raise CostError(column, f"the care-use table has no {column} column")
    costs = _as_unit_costs(unit_costs)
    use = use_df[[*keys, setting, count]].copy()
    if use[keys].isna().any().any():
        bad = next(column for column in keys if use[column].isna().any())
        raise CostError(bad, f"{bad} is empty in {int(use[bad].isna().sum())} row(s)")
    counts = pd.to_numeric(use[count], errors="coerce")
    bad_counts = counts.isna() | (counts < 0) | (counts % 1 != 0)
    if bad_counts.any():
        first = use.index[bad_counts.to_numpy()][0]
        raise CostError(
            count,
            f"must be a whole number of 0 or more ({int(bad_counts.sum())} row(s), "
            f"the first at index {first!r})",
        )
    use[count] = counts.astype("int64")
    use[setting] = use[setting].astype(str)
    unknown = sorted(set(use[setting]) - set(SETTINGS))
    if unknown:
        raise CostError(setting, f"{unknown[0]!r} is not one of {', '.join(SETTINGS)}")
    seen = [name for name in SETTINGS if name in set(use[setting])]
    priced: dict[str, float] = {}
    left_out: list[str] = []
    for name in seen:
        try:
            priced[name] = costs.cost_of(name)
        except CostError:
            if uncosted == "raise":
                raise
            left_out.append(name)
    wide = use.pivot_table(
        index=keys, columns=setting, values=count, aggfunc="sum", fill_value=0
    ).reindex(columns=seen, fill_value=0)
    result = pd.DataFrame(index=wide.index)
    for name in seen:
        result[f"{name}_count"] = wide[name].astype("int64")
        result[f"{name}_cost"] = wide[name] * priced[name] if name in priced else float("nan")
    for care_type in ("primary", "unplanned", "planned"):
        columns = [
            f"{name}_cost" for name in seen if name in priced and CARE_TYPES[name] == care_type
        ]
        result[f"{care_type}_cost"] = result[columns].sum(axis=1) if columns else 0.0
    result["total_cost"] = result[["primary_cost", "unplanned_cost", "planned_cost"]].sum(axis=1)
    result = result.reset_index()
    result.columns.name = None
    result.attrs["uncosted"] = left_out
    result.attrs["currency"] = costs.currency
    return result


def label_periods(
    use_df: pd.DataFrame,
    index_df: pd.DataFrame,
    *,
    person: str = "person_key",
    index_month: str = "received_month",
    start: str = "period_start_month",
    end: str = "period_end_month",
    period: str = "period",
) -> pd.DataFrame:
    """The care-use rows with `period` set to "before" (the period ends before the index
    month, such as the month of referral), "after" (it starts after it) or "spanning" (it
    covers the index month, so it is neither). `index_df` gives each person's index month;
    a person in it more than once takes the earliest. Months are "YYYY-MM", as the extract
    writes them."""
    for frame, columns in ((use_df, (person, start, end)), (index_df, (person, index_month))):
        for column in columns:
            if column not in frame.columns:
                raise CostError(column, f"the table has no {column} column")
    first = index_df.groupby(person, as_index=False)[index_month].min()
    joined = use_df.merge(first, on=person, how="inner")
    labels = pd.Series("spanning", index=joined.index)
    labels[joined[end].astype(str) < joined[index_month].astype(str)] = "before"
    labels[joined[start].astype(str) > joined[index_month].astype(str)] = "after"
    joined[period] = labels
    return joined
