"""Trajectories of outcome measures: a server-rendered SVG chart and its table alternative."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from linkwork.core import tables
from linkwork.core.presenters import date_uk
from linkwork.outcomes.change import TOO_SOON, too_soon
from linkwork.outcomes.definitions import Instrument, LicensedSpec, MeaningfulChange
from linkwork.outcomes.models import FlagKind, OutcomeMeasure, SafetyFlag, TimePoint
from linkwork.outcomes.scoring import get_instrument

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 24, 16, 40
EQ5D_AXIS = (-0.6, 1.0)
CHANGE_LABELS = {"meaningful": "meaningful change", "reliable_improvement": "reliable change"}
BETTER = {"increase": "Higher scores are better", "decrease": "Lower scores are better"}
CONCERN_PREFIX = "concern_"


@dataclass(frozen=True)
class Row:
    date: str
    time_point: str
    score: str
    band: str
    change: str
    meaningful: str
    extras: tuple[str, ...] = ()


@dataclass(frozen=True)
class Series:
    """One score plotted over time: a composite (total or metric) or a single item."""

    key: str
    title: str
    caption: str
    chart: SafeString
    rows: tuple[Row, ...]
    extra_headings: tuple[str, ...] = ()
    show_band: bool = True

    @property
    def table(self) -> dict[str, Any]:
        """The chart's table alternative, oldest first."""
        head = ["Date", "Time point", "Score", *self.extra_headings]
        if self.show_band:
            head.append("Band")
        head.append("Change from baseline")
        return tables.table(
            f"{self.title}, oldest first",
            head,
            (self._cells(row) for row in self.rows),
            caption_size="s",
        )

    def _cells(self, row: Row) -> list[tables.Cell]:
        cells = [tables.text(row.date), tables.text(row.time_point), tables.text(row.score)]
        cells += [tables.text(extra) for extra in row.extras]
        if self.show_band:
            cells.append(tables.text(row.band))
        if row.meaningful:
            meaningful = tables.tag({"text": row.meaningful, "classes": "nhsuk-tag--blue"})
            cells.append(tables.html(tables.markup("{} {}", row.change, meaningful)))
        else:
            cells.append(tables.text(row.change))
        return cells


@dataclass(frozen=True)
class Trajectory:
    instrument: Instrument
    series: tuple[Series, ...]


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


def _signed(value: float, fmt: Callable[[float], str] = _number) -> str:
    text = fmt(abs(value))
    return f"+{text}" if value > 0 else (f"-{text}" if value < 0 else "0")


def _formatter(inst: Instrument, key: str) -> Callable[[float], str]:
    """How a score is written: EQ-5D to 3 decimals; a licensed value to no more decimals than
    the licensed tool reports (62.5, 62), so it reads as it was given; others as `_number`."""
    if inst.eq5d is not None:
        return lambda value: f"{value:.3f}"
    if inst.licensed is not None:
        decimals = 0 if key.startswith(CONCERN_PREFIX) else inst.licensed.value(key).decimals
        return lambda value: f"{round(value, decimals):g}"
    return _number


def _series_keys(inst: Instrument) -> list[tuple[str, str, tuple[float, float]]]:
    """(key, label, axis range) for each score worth plotting."""
    if inst.eq5d is not None:
        # Every method's index lies in this range (DSU 2023 reaches about -0.59).
        return [("index", "index", EQ5D_AXIS)]
    if inst.licensed is not None:
        return _licensed_keys(inst.licensed)
    if inst.conversion is not None:
        table = inst.conversion.table
        return [
            (
                inst.conversion.name,
                f"{inst.conversion.name} score",
                (min(table.values()), max(table.values())),
            )
        ]
    if inst.total_range is not None:
        low, high = inst.total_range
        return [("total", "total score", (low, high))]
    return [(item.id, item.text, (item.min_value, item.max_value)) for item in inst.items]


def _licensed_keys(spec: LicensedSpec) -> list[tuple[str, str, tuple[float, float]]]:
    """Each concern by position (the person rates the same concerns at follow-up), then each
    charted value; values not charted (PAM level) are columns of the charted values' tables."""
    keys: list[tuple[str, str, tuple[float, float]]] = []
    if spec.concerns is not None:
        axis = (float(spec.concerns.score_min), float(spec.concerns.score_max))
        keys += [
            (f"{CONCERN_PREFIX}{n}", f"concern {n} score", axis)
            for n in range(1, spec.concerns.max_count + 1)
        ]
    keys += [(v.id, v.label, (float(v.min), float(v.max))) for v in spec.values if v.chart]
    return keys


def _concern(measure: OutcomeMeasure, key: str) -> tuple[object, object]:
    """(text, score) of one concern of a MYCaW measure, or Nones where it has fewer."""
    n = int(key.removeprefix(CONCERN_PREFIX)) - 1
    concerns = measure.responses.get("concerns")
    scores = measure.result.get("concern_scores")
    concern = concerns[n] if isinstance(concerns, list) and n < len(concerns) else None
    text = concern.get("text") if isinstance(concern, dict) else None
    score = scores[n] if isinstance(scores, list) and n < len(scores) else None
    return text, score


def _value(inst: Instrument, measure: OutcomeMeasure, key: str) -> float | None:
    if inst.licensed is not None:
        value = (
            _concern(measure, key)[1] if key.startswith(CONCERN_PREFIX) else measure.result.get(key)
        )
    elif key in ("total", "index") or (inst.conversion is not None and key == inst.conversion.name):
        value = measure.result.get(key)
    elif inst.response_format == "answer":
        value = measure.responses.get("answer")
    else:
        value = measure.responses.get(key)
    return float(value) if isinstance(value, int | float) else None


def _band(inst: Instrument, measure: OutcomeMeasure, key: str) -> str:
    if not inst.bands_on(key):
        return "Not banded"
    band = (measure.result.get("bands") or {}).get(key) or measure.result.get("band")
    return str(band) if band else "Not banded"


def _extra_headings(inst: Instrument, key: str) -> tuple[str, ...]:
    if inst.eq5d is not None:
        return ("EQ VAS",)
    if inst.licensed is None:
        return ()
    if key.startswith(CONCERN_PREFIX):
        return ("Concern, in the person's words",)
    return tuple(v.label for v in inst.licensed.values if not v.chart)


def _extras(inst: Instrument, measure: OutcomeMeasure, key: str) -> tuple[str, ...]:
    if inst.eq5d is not None:
        return (_vas(measure),)
    if inst.licensed is None:
        return ()
    if key.startswith(CONCERN_PREFIX):
        text = _concern(measure, key)[0]
        return (str(text) if text else "Not given",)
    out = []
    for value in inst.licensed.values:
        if not value.chart:
            given = measure.result.get(value.id)
            out.append(
                _formatter(inst, value.id)(given) if isinstance(given, int | float) else "Not given"
            )
    return tuple(out)


def _better(inst: Instrument, key: str) -> str | None:
    """Which way is better, for licensed tools whose definition states it."""
    spec = inst.licensed
    if spec is None:
        return None
    if key.startswith(CONCERN_PREFIX):
        return BETTER[spec.concerns.improvement] if spec.concerns is not None else None
    return BETTER[spec.value(key).improvement]


def _change_rule(inst: Instrument, key: str) -> MeaningfulChange | None:
    return next((c for c in inst.meaningful_change if c.on == key), None)


def _baseline(points: Sequence[tuple[OutcomeMeasure, float]]) -> tuple[OutcomeMeasure, float]:
    for measure, value in points:
        if measure.time_point == TimePoint.BASELINE:
            return measure, value
    return points[0]


def trajectories(measures: Iterable[OutcomeMeasure]) -> list[Trajectory]:
    """One trajectory per instrument recorded, in the order first recorded."""
    grouped: dict[str, list[OutcomeMeasure]] = {}
    for measure in sorted(measures, key=lambda m: m.recorded_at):
        grouped.setdefault(measure.instrument, []).append(measure)
    out = []
    for instrument_id, group in grouped.items():
        inst = get_instrument(instrument_id)
        series = []
        for key, label, axis in _series_keys(inst):
            points = [(m, v) for m in group if (v := _value(inst, m, key)) is not None]
            if points:
                series.append(_series(inst, key, label, axis, points))
        out.append(Trajectory(instrument=inst, series=tuple(series)))
    return out


def _series(
    inst: Instrument,
    key: str,
    label: str,
    axis: tuple[float, float],
    points: list[tuple[OutcomeMeasure, float]],
) -> Series:
    rule = _change_rule(inst, key)
    fmt = _formatter(inst, key)
    base_measure, base = _baseline(points)
    rows = []
    for measure, value in points:
        change = value - base
        meaningful = ""
        early = measure is not base_measure and too_soon(
            base_measure.recorded_at, measure.recorded_at
        )
        if early:
            change_text = TOO_SOON
        elif measure is base_measure:
            change_text = "Baseline"
        else:
            change_text = f"{change:+.3f}" if inst.eq5d is not None else _signed(change, fmt)
        if (
            not early
            and measure is not base_measure
            and rule is not None
            and abs(change) >= rule.points
        ):
            better = (change > 0) == (rule.improvement == "increase")
            meaningful = (
                f"{CHANGE_LABELS[rule.kind]} ({'improvement' if better else 'deterioration'})"
            )
        rows.append(
            Row(
                date=date_uk(measure.recorded_at),
                time_point=TimePoint(measure.time_point).label,
                score=fmt(value),
                band=_band(inst, measure, key),
                change=change_text,
                meaningful=meaningful,
                extras=_extras(inst, measure, key),
            )
        )
    title = f"{inst.name}: {label}"
    caption = (
        f"{label[0].upper()}{label[1:]} at each measure, from {rows[0].date} to {rows[-1].date}"
    )
    if rule is not None:
        caption += (
            f". The shaded band shows {_number(rule.points)} "
            f"{'point' if rule.points == 1 else 'points'} either side of the baseline"
            f" score of {_number(base)}; a change beyond it is a {CHANGE_LABELS[rule.kind]}"
        )
    direction = _better(inst, key)
    if direction is not None:
        caption += f". {direction}"
    chart_id = f"chart-{inst.id}-{key}".replace("_", "-")
    chart = line_chart(
        chart_id=chart_id,
        title=title,
        description=caption,
        points=[(m.recorded_at, v) for m, v in points],
        axis=axis,
        band=(base - rule.points, base + rule.points) if rule is not None else None,
    )
    return Series(
        key=key,
        title=title,
        caption=caption,
        chart=chart,
        rows=tuple(rows),
        extra_headings=_extra_headings(inst, key),
        show_band=inst.licensed is None,
    )


def _vas(measure: OutcomeMeasure) -> str:
    vas = measure.result.get("vas")
    return str(vas) if isinstance(vas, int) else "Not given"


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    points: Sequence[tuple[dt.datetime, float]],
    axis: tuple[float, float],
    band: tuple[float, float] | None,
) -> SafeString:
    """An SVG line chart with `role="img"`, a title and a description. Text is escaped."""
    low, high = axis
    span = (high - low) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    start = points[0][0]
    seconds = (points[-1][0] - start).total_seconds()

    def x(n: int, when: dt.datetime) -> float:
        if len(points) == 1:
            return LEFT + plot_w / 2
        fraction = (when - start).total_seconds() / seconds if seconds else n / (len(points) - 1)
        return LEFT + fraction * plot_w

    def y(value: float) -> float:
        clamped = min(max(value, low), high)
        return TOP + plot_h - (clamped - low) / span * plot_h

    parts: list[SafeString] = [
        format_html(
            '<svg class="lw-chart" role="img" aria-labelledby="{0}-title {0}-desc" '
            'viewBox="0 0 {1} {2}" width="100%" preserveAspectRatio="xMinYMin meet" '
            'xmlns="http://www.w3.org/2000/svg">'
            '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>',
            chart_id,
            WIDTH,
            HEIGHT,
            title,
            description,
        )
    ]
    if band is not None:
        top, bottom = y(band[1]), y(band[0])
        parts.append(
            format_html(
                '<rect class="lw-chart__band" x="{}" y="{}" width="{}" height="{}" '
                'fill="#d8dde0" />',
                LEFT,
                _f(top),
                plot_w,
                _f(bottom - top),
            )
        )
    for tick in (low, (low + high) / 2, high):
        parts.append(
            format_html(
                '<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="#aeb7bd" />'
                '<text x="{3}" y="{4}" text-anchor="end" font-size="12" fill="#212b32">'
                "{5}</text>",
                LEFT,
                LEFT + plot_w,
                _f(y(tick)),
                LEFT - 6,
                _f(y(tick) + 4),
                _number(tick),
            )
        )
    coords = [(x(n, when), y(value)) for n, (when, value) in enumerate(points)]
    parts.append(
        format_html(
            '<polyline fill="none" stroke="#005eb8" stroke-width="3" points="{}" />',
            " ".join(f"{px:.1f},{py:.1f}" for px, py in coords),
        )
    )
    last = len(coords) - 1
    for index, ((px, py), (when, value)) in enumerate(zip(coords, points, strict=True)):
        # The first and last labels line up with the chart's edges so they are never cut off.
        anchor = "start" if index == 0 and last else "end" if index == last and last else "middle"
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="5" fill="#005eb8" />'
                '<text x="{}" y="{}" text-anchor="{}" font-size="12" fill="#212b32">'
                "{}</text>",
                _f(px),
                _f(py),
                _f(px),
                HEIGHT - BOTTOM + 18,
                anchor,
                f"{timezone.localtime(when):%d %b}: {_number(value)}",
            )
        )
    parts.append(SafeString("</svg>"))
    return format_html("".join("{}" for _ in parts), *parts)


def _f(value: float) -> str:
    return f"{value:.1f}"


def open_flags_table(flags: Iterable[SafetyFlag]) -> dict[str, Any]:
    """Open safety flags on a scheme lead's home: which referral, what, since when, whose case.
    Select `referral__link_worker` with the flags."""
    return tables.records_table(
        "Open safety flags",
        [
            (
                "Referral",
                lambda flag: tables.link(
                    flag.referral.reference,
                    reverse("outcomes:flag", args=[flag.referral_id, flag.pk]),
                ),
            ),
            ("Flag", lambda flag: tables.text(FlagKind(flag.kind).label)),
            ("Raised", lambda flag: tables.text(date_uk(flag.raised_at))),
            (
                "Link worker",
                lambda flag: tables.text(
                    flag.referral.link_worker.full_name
                    if flag.referral.link_worker
                    else "Not assigned"
                ),
            ),
        ],
        flags,
        responsive=True,
    )
