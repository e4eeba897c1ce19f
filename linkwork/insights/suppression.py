"""Small numbers: counts from 1 to N-1 are shown and exported as `<N`, so no group small enough
to single someone out can be read off a table (`LINKWORK_SMALL_NUMBER`, N = 5 by default).

A rate, percentage or figure derived from a suppressed count is suppressed with it: a column
says which counts it comes from (`Column.from_counts`). Zero is shown as 0: that nobody is in a
group identifies no one.

Applied to every export (the CSV and XLSX downloads, `linkwork insights export`, the quarterly
return) and to every page seen by someone without case access to all the schemes it counts.
Builders return exact figures; this module is the one way out.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.conf import settings

from linkwork.insights.model import Column, Dashboard, Table


def threshold() -> int:
    """The smallest count shown as it is (5 unless `LINKWORK_SMALL_NUMBER` says otherwise)."""
    return int(getattr(settings, "LINKWORK_SMALL_NUMBER", 5))


def label() -> str:
    """What a suppressed figure reads: `<5` for the default threshold."""
    return f"<{threshold()}"


def is_small(value: Any) -> bool:
    """A count from 1 to the threshold less one, or a count already suppressed."""
    if isinstance(value, str):
        return value == label()
    return isinstance(value, int) and 0 < value < threshold()


def count(value: Any) -> Any:
    """A count as it may be shown: 0, at least the threshold, or the label."""
    return label() if is_small(value) else value


def row(columns: list[Column] | tuple[Column, ...], values: dict[str, Any]) -> dict[str, Any]:
    """One row with its small counts, and every figure derived from them, suppressed."""
    small = {
        column.key
        for column in columns
        if column.kind == "count" and is_small(values.get(column.key))
    }
    out = dict(values)
    for column in columns:
        if column.key in small or (column.from_counts and small.intersection(column.from_counts)):
            out[column.key] = label()
    return out


def table(given: Table) -> Table:
    columns = list(given.columns)
    return replace(given, rows=[row(columns, values) for values in given.rows])


def dashboard(given: Dashboard) -> Dashboard:
    """A copy of the dashboard with every table suppressed; the given one is left exact."""
    return replace(given, tables=[table(t) for t in given.tables])
