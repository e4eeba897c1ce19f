"""The extract's tables read from CSV or Parquet, and the data frame each analysis takes.

The extract (docs/guides/insights.md, "Pseudonymised extract") has one row per episode, and
optionally one row per outcome measure, per clinical measure and per count of health-care use,
all keyed by `person_key`. Analyses here are per person: a person with several episodes is
counted once, at their first episode in the period (by received month).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from linkwork.evaluation_reports.spec import Rule, SpecError

EPISODE_COLUMNS = ("person_key", "episode_key", "received_month")
TABLE_COLUMNS = {
    "measures": ("person_key", "episode_key", "instrument", "time_point", "recorded_month"),
    "clinical": ("person_key", "measure", "measured_month", "value"),
    "care_use": ("person_key", "setting", "period_start_month", "count"),
}


@dataclass
class Extract:
    """The tables of one extract; None for a table not given."""

    episodes: pd.DataFrame
    measures: pd.DataFrame | None = None
    clinical: pd.DataFrame | None = None
    care_use: pd.DataFrame | None = None
    episodes_read: int = 0
    """Episode rows in the file, before the period filter."""


def read_table(path: Path, name: str) -> pd.DataFrame:
    """One table of the extract; text columns stay text (keys, months, codes)."""
    try:
        if path.suffix.lower() == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (OSError, ValueError) as error:
        raise SpecError(f"data.{name}", f"{path.name} cannot be read ({error})") from None
    required = EPISODE_COLUMNS if name == "episodes" else TABLE_COLUMNS[name]
    for column in required:
        if column not in frame.columns:
            raise SpecError(
                f"data.{name}", f"{path.name} has no {column!r} column: is it the {name} file?"
            )
    return frame


def _numeric(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def load_extract(
    *,
    episodes: Path,
    measures: Path | None = None,
    clinical: Path | None = None,
    care_use: Path | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
) -> Extract:
    """Read the files and keep the episodes received in the period (months, inclusive)."""
    found = read_table(episodes, "episodes")
    read = len(found)
    score_columns = [c for c in found.columns if c.endswith(("_baseline", "_follow_up"))]
    counts = [c for c in found.columns if c.endswith("_count")]
    found = _numeric(found, [*score_columns, *counts, "imd_decile", "long_term_conditions_count"])
    months = found["received_month"].astype(str)
    keep = pd.Series(True, index=found.index)
    if period_from:
        keep &= months >= period_from
    if period_to:
        keep &= months <= period_to
    found = found.loc[keep].reset_index(drop=True)
    extract = Extract(episodes=found, episodes_read=read)
    if measures is not None:
        extract.measures = _numeric(read_table(measures, "measures"), ["score"])
    if clinical is not None:
        extract.clinical = _numeric(read_table(clinical, "clinical"), ["value"])
    if care_use is not None:
        extract.care_use = _numeric(read_table(care_use, "care_use"), ["count"])
    return extract


# --- Per-person frames ----------------------------------------------------------------------


def months_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Whole months from `start` to `end` ("YYYY-MM" text), NaN where either is missing."""

    def index(values: pd.Series) -> pd.Series:
        text = values.astype("string")
        year = pd.to_numeric(text.str.slice(0, 4), errors="coerce")
        month = pd.to_numeric(text.str.slice(5, 7), errors="coerce")
        return year * 12 + month

    return (index(end) - index(start)).astype("float64")


def add_month(month: str, months: int) -> str:
    year, number = int(month[:4]), int(month[5:7])
    total = year * 12 + (number - 1) + months
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def people(extract: Extract) -> pd.DataFrame:
    """One row per person: their first episode in the period, with the subgroup columns."""
    episodes = extract.episodes.sort_values(["received_month", "episode_key"], kind="stable")
    first = episodes.drop_duplicates("person_key", keep="first").reset_index(drop=True)
    decile = first["imd_decile"] if "imd_decile" in first else pd.Series(np.nan, index=first.index)
    first["deprivation_quintile"] = ((decile + 1) // 2).astype("Int64")
    if "long_term_conditions_count" in first:
        conditions = first["long_term_conditions_count"]
        first["long_term_conditions"] = conditions.map(
            lambda n: None if pd.isna(n) else ("3+" if n >= 3 else str(int(n)))
        )
    else:
        first["long_term_conditions"] = None
    needs = first["needs"].fillna("") if "needs" in first else pd.Series("", index=first.index)
    counted = needs.astype(str).map(lambda text: len([n for n in text.split(";") if n]))
    first["needs_count"] = counted.map(lambda n: None if n == 0 else ("4+" if n >= 4 else str(n)))
    for column in ("ethnicity_group", "age_band", "sex"):
        if column in first:
            first[column] = first[column].replace("", None)
    return first


def in_rule(frame: pd.DataFrame, rule: Rule, key: str) -> pd.Series:
    """1 where the row's `rule.column` is one of the rule's values (or at least its number),
    else 0."""
    if rule.column not in frame.columns:
        known = ", ".join(c for c in frame.columns if not c.endswith(("_baseline", "_follow_up")))
        raise SpecError(f"{key}.column", f"the extract has no {rule.column!r} column ({known})")
    if rule.at_least is not None:
        numbers = pd.to_numeric(frame[rule.column], errors="coerce")
        if numbers.notna().sum() == 0:
            raise SpecError(f"{key}.column", f"{rule.column!r} holds no numbers")
        return (numbers >= rule.at_least).astype(int)
    values = frame[rule.column].astype("string").fillna("")
    return values.isin(rule.values).astype(int)


def change_frame(people_frame: pd.DataFrame, instrument: str, key: str) -> pd.DataFrame:
    before, _after = f"{instrument}_baseline", f"{instrument}_follow_up"
    if before not in people_frame.columns:
        known = sorted(
            c.removesuffix("_baseline") for c in people_frame.columns if c.endswith("_baseline")
        )
        raise SpecError(
            key, f"{instrument!r} is not an instrument of the extract ({', '.join(known)})"
        )
    return people_frame


def clinical_panel(
    extract: Extract, people_frame: pd.DataFrame, outcome: str, key: str
) -> pd.DataFrame:
    """One row per clinical measure of `outcome` of the people, with their episode columns."""
    if extract.clinical is None:
        raise SpecError(key, "needs the clinical file: add data.clinical (or use the database)")
    rows = extract.clinical.loc[extract.clinical["measure"] == outcome]
    if rows.empty:
        known = ", ".join(sorted(extract.clinical["measure"].dropna().unique()))
        raise SpecError(key, f"the clinical file has no {outcome!r} measures ({known or 'none'})")
    rows = rows.dropna(subset=["value"])
    return rows.merge(people_frame, on="person_key", how="inner")


def care_use_panel(
    extract: Extract, people_frame: pd.DataFrame, settings: tuple[str, ...], key: str
) -> pd.DataFrame:
    """Counts of the `settings` per person and period, for the periods the care-use table
    has for each person (zero for a chosen setting without a row in such a period)."""
    if extract.care_use is None:
        raise SpecError(key, "needs the care-use file: add data.care_use (or use the database)")
    use = extract.care_use
    unknown = sorted(set(settings) - set(use["setting"].dropna().unique()))
    if unknown:
        known = ", ".join(sorted(use["setting"].dropna().unique()))
        raise SpecError(key, f"the care-use file has no {unknown[0]!r} rows ({known or 'none'})")
    if "period_end_month" not in use.columns:
        use = use.assign(period_end_month=use["period_start_month"])
    periods = ["person_key", "period_start_month", "period_end_month"]
    chosen = use.loc[use["setting"].isin(settings)]
    summed = chosen.groupby(periods, as_index=False)["count"].sum()
    grid = use[periods].drop_duplicates()
    grid = grid.loc[grid["person_key"].isin(people_frame["person_key"])]
    panel = grid.merge(summed, on=periods, how="left")
    panel["count"] = panel["count"].fillna(0.0)
    return panel.merge(people_frame, on="person_key", how="inner")


def event_time(panel: pd.DataFrame, index: str = "received_month") -> pd.Series:
    """Each period's place relative to the person's `index` month, in units of the periods'
    length (quarters for quarterly counts): 0 for the period holding the index month, -1 for
    the one before, and so on; a common time axis for people referred at different times."""
    length = months_between(panel["period_start_month"], panel["period_end_month"]) + 1
    size = float(length.mode().iloc[0]) if length.notna().any() else 1.0
    offset = months_between(panel[index], panel["period_start_month"])
    return np.ceil(offset / max(size, 1.0)).astype("Int64")
