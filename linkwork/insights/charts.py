"""Charts drawn on the server as accessible SVG: `role="img"`, a title and a description, and
always the table of the same numbers beside them. No JavaScript; they print as drawn.

A bar chart has a bar for each row of its table: the label is the row's first text column,
the length its first count column. A suppressed count draws no bar and reads `<5`.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from linkwork.insights.model import Table

WIDTH = 640
BAR = 22
GAP = 8
LABEL_WIDTH = 230
VALUE_WIDTH = 60
TOP = 8
# Long tables are summarised by their first rows; the table beside has them all.
MOST_BARS = 25


def _shorten(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(table: Table, chart_id: str) -> SafeString:
    label_key = next((c.key for c in table.columns if c.kind == "text"), None)
    value_key = next((c.key for c in table.columns if c.kind == "count"), None)
    if label_key is None or value_key is None or not table.rows:
        return SafeString("")
    rows = table.rows[:MOST_BARS]
    numbers = [v for row in rows if isinstance(v := row.get(value_key), int)]
    largest = max(numbers, default=0) or 1
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP * 2 + len(rows) * (BAR + GAP)
    value_heading = next(c.heading for c in table.columns if c.key == value_key)
    shown = f" (the first {MOST_BARS} rows)" if len(table.rows) > MOST_BARS else ""
    description = (
        f"{value_heading} for each of {len(rows)} rows{shown}; the table below gives the numbers."
    )
    bars = []
    for n, row in enumerate(rows):
        y = TOP + n * (BAR + GAP)
        value = row.get(value_key)
        width = round(plot * value / largest, 1) if isinstance(value, int) else 0
        bars.append(
            (
                LABEL_WIDTH - 8,
                y + BAR * 0.7,
                _shorten(str(row.get(label_key, ""))),
                LABEL_WIDTH,
                y,
                width,
                BAR,
                LABEL_WIDTH + width + 6,
                "" if value is None else value,
            )
        )
    return format_html(
        '<svg class="lw-chart" role="img" aria-labelledby="{0}-title {0}-desc" '
        'viewBox="0 0 {1} {2}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>{5}</svg>',
        chart_id,
        WIDTH,
        height,
        table.title,
        description,
        format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="#212b32">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#005eb8" />'
            '<text x="{}" y="{}" font-size="13" fill="#212b32">{}</text>',
            (
                (lx, ly, label, rx, ry, rw, rh, vx, ly, value)
                for lx, ly, label, rx, ry, rw, rh, vx, value in bars
            ),
        ),
    )
