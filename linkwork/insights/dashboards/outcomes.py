"""Outcomes: for each instrument's score, the mean change from baseline with its 95%
confidence interval, the share with a meaningful improvement, and how many completed the
baseline and a follow-up.

A follow-up counts only when recorded long enough after the baseline to reflect support
(`outcomes.change.too_soon`); the latest such score is compared with the baseline (the first
measure marked baseline, or else the first recorded). The interval is Student's t on the
changes (scipy.stats.t). Two queries over the facts (`insights.facts`, which compare each
referral's measures when they change, since scores sit inside each measure's JSON result,
which the databases do not read alike): the cohort's accepted referrals, counted, and its
scores grouped by change. Means and intervals are worked exactly from the changes and how
many had each, so they are the same as from the list of changes.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import Count
from scipy import stats

from linkwork.insights import scope
from linkwork.insights.figures import percent
from linkwork.insights.model import Column, Dashboard, Filters, Table
from linkwork.outcomes.definitions import Instrument, MeaningfulChange
from linkwork.outcomes.scoring import INSTRUMENTS
from linkwork.referrals.lifecycle import Status

TITLE = "Outcomes"
SUMMARY = "Mean change with 95% CI, meaningful improvement, baseline and follow-up completion."
ACCEPTED = (Status.ACCEPTED, Status.ACTIVE, Status.ON_HOLD, Status.CLOSED)


@dataclass(frozen=True)
class Score:
    """One score of an instrument worth comparing over time."""

    instrument: Instrument
    key: str
    label: str
    rule: MeaningfulChange | None

    @property
    def name(self) -> str:
        return self.instrument.name if self.label == "" else f"{self.instrument.name}: {self.label}"


def scores_of(inst: Instrument) -> list[Score]:
    rules = {rule.on: rule for rule in inst.meaningful_change}
    if inst.eq5d is not None:
        keys = [("index", "index")]
    elif inst.licensed is not None:
        keys = [(value.id, value.label) for value in inst.licensed.values if value.chart]
    elif inst.conversion is not None:
        keys = [(inst.conversion.name, f"{inst.conversion.name} score")]
    elif inst.total_range is not None:
        keys = [("total", "")]
    elif inst.response_format == "answer":
        keys = [("answer", "")]
    elif inst.scoring_method == "per_item":
        keys = [(item.id, item.text) for item in inst.items]
    else:
        keys = []
    return [Score(inst, key, label, rules.get(key)) for key, label in keys]


def value_of(score: Score, result: Any, responses: Any) -> float | None:
    for source in (result, responses):
        if isinstance(source, dict):
            value = source.get(score.key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
    return None


@dataclass
class Tally:
    baseline_count: int = 0
    changes: Counter[float] = field(default_factory=Counter)  # change: how many
    improved_count: int = 0


def episodes(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    """The measures of one referral and instrument at a time, oldest first."""
    current: list[tuple[Any, ...]] = []
    for row in rows:
        if current and (row[0], row[1]) != (current[0][0], current[0][1]):
            yield current
            current = []
        current.append(row)
    if current:
        yield current


def _tally(filters: Filters) -> dict[tuple[str, str], Tally]:
    tallies: dict[tuple[str, str], Tally] = {}
    rows = (
        scope.facts(filters)
        .outcomes.values("instrument", "score_key", "change", "improved")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        tally = tallies.setdefault((row["instrument"], row["score_key"]), Tally())
        tally.baseline_count += row["n"]
        if row["change"] is not None:
            tally.changes[row["change"]] += row["n"]
        if row["improved"]:
            tally.improved_count += row["n"]
    return tallies


def interval(changes: Counter[float]) -> tuple[float | None, float | None, float | None]:
    """Mean and 95% confidence interval (Student's t) of changes given as {change: how many};
    no interval for fewer than two. Sums are exact (fractions), as `statistics` takes them."""
    n = sum(changes.values())
    if not n:
        return None, None, None
    total = sum((Fraction(value) * count for value, count in changes.items()), Fraction(0))
    mean = float(total) / n
    if n < 2:
        return round(mean, 2), None, None
    squares = sum((Fraction(value) ** 2 * count for value, count in changes.items()), Fraction(0))
    variance = (squares - total * total / n) / (n - 1)
    sem = _sqrt(variance) / math.sqrt(n)
    if sem == 0:
        return round(mean, 2), round(mean, 2), round(mean, 2)
    low, high = stats.t.interval(0.95, n - 1, loc=mean, scale=sem)
    return round(mean, 2), round(float(low), 2), round(float(high), 2)


def _sqrt(value: Fraction) -> float:
    """The square root of an exact fraction, correctly rounded as `statistics.stdev` takes it."""
    exact = getattr(statistics, "_float_sqrt_of_frac", None)
    if exact is not None:
        return float(exact(value.numerator, value.denominator))
    return math.sqrt(value)  # pragma: no cover - Pythons without the helper


def _threshold(rule: MeaningfulChange | None) -> str:
    if rule is None:
        return "No agreed threshold"
    way = "up" if rule.improvement == "increase" else "down"
    return f"{rule.points:g} points {way}"


def build(filters: Filters) -> Dashboard:
    accepted = scope.facts(filters).referrals.filter(status__in=ACCEPTED).count()
    tallies = _tally(filters)
    change_rows, completion_rows = [], []
    for inst_id in sorted(INSTRUMENTS):
        for score in scores_of(INSTRUMENTS[inst_id]):
            tally = tallies.get((inst_id, score.key))
            if tally is None:
                continue
            mean, low, high = interval(tally.changes)
            follow_ups = sum(tally.changes.values())
            change_rows.append(
                {
                    "score": score.name,
                    "follow_up_count": follow_ups,
                    "mean_change": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "improved_count": tally.improved_count if score.rule else None,
                    "improved_percent": percent(tally.improved_count, follow_ups)
                    if score.rule
                    else None,
                    "threshold": _threshold(score.rule),
                }
            )
            completion_rows.append(
                {
                    "score": score.name,
                    "accepted_count": accepted,
                    "baseline_count": tally.baseline_count,
                    "baseline_percent": percent(tally.baseline_count, accepted),
                    "follow_up_count": follow_ups,
                    "follow_up_percent": percent(follow_ups, tally.baseline_count),
                }
            )
    derived = ("follow_up_count",)
    change = Table(
        "outcome_change",
        "Change from baseline, by instrument",
        [
            Column("score", "Score"),
            Column("follow_up_count", "People with a follow-up", "count"),
            Column("mean_change", "Mean change", "number", derived),
            Column("ci_low", "95% CI, lower", "number", derived),
            Column("ci_high", "95% CI, upper", "number", derived),
            Column("improved_count", "Meaningful improvement", "count"),
            Column(
                "improved_percent",
                "% with meaningful improvement",
                "percent",
                ("follow_up_count", "improved_count"),
            ),
            Column("threshold", "Meaningful change"),
        ],
        change_rows,
        note="Follow-ups recorded too soon after the baseline to reflect support are left out.",
    )
    completion = Table(
        "outcome_completion",
        "Baseline and follow-up completion",
        [
            Column("score", "Score"),
            Column("accepted_count", "Referrals accepted", "count"),
            Column("baseline_count", "Baseline completed", "count"),
            Column(
                "baseline_percent", "% of accepted", "percent", ("accepted_count", "baseline_count")
            ),
            Column("follow_up_count", "Follow-up completed", "count"),
            Column(
                "follow_up_percent",
                "% of baselines",
                "percent",
                ("baseline_count", "follow_up_count"),
            ),
        ],
        completion_rows,
    )
    return Dashboard("outcomes", TITLE, [change, completion])
