"""Dashboards as pages: each table in the NHS.UK table's shape, with its chart beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

from linkwork.core import tables
from linkwork.insights.charts import bar_chart
from linkwork.insights.model import Column, Table

NUMERIC = {"count", "number", "rate", "percent"}


def shown(value: Any, column: Column) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        text = f"{value:,.1f}" if column.kind in {"rate", "percent"} else f"{value:,.2f}"
        return text.rstrip("0").rstrip(".") if "." in text and column.kind == "number" else text
    return str(value)


@dataclass(frozen=True)
class Shown:
    table: Table
    params: dict[str, Any]
    chart: SafeString


def present(table: Table) -> Shown:
    head: list[str | tables.Cell] = [
        {"text": column.heading, "format": "numeric"} if column.kind in NUMERIC else column.heading
        for column in table.columns
    ]
    rows = [
        [
            {"text": shown(row.get(column.key), column), "format": "numeric"}
            if column.kind in NUMERIC
            else tables.text(shown(row.get(column.key), column))
            for column in table.columns
        ]
        for row in table.rows
    ]
    params = tables.table(table.title, head, rows, caption_size="m", responsive=True)
    chart = (
        bar_chart(table, f"chart-{table.slug}".replace("_", "-")) if table.chart else SafeString("")
    )
    return Shown(table, params, chart)
