"""Outcomes: for each instrument's score, the mean change from baseline with its 95%
confidence interval, the share with a meaningful improvement, and how many completed the
baseline and a follow-up.

A follow-up counts only when recorded long enough after the baseline to reflect support
(`outcomes.change.too_soon`); the latest such score is compared with the baseline (the first
measure marked baseline, or else the first recorded). The interval is Student's t on the
changes (scipy.stats.t). Two queries: the cohort's accepted referrals, counted, and its
measures, read once in referral order and reduced in Python (scores sit inside each
measure's JSON result, which the databases do not read alike).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from scipy import stats

from linkwork.insights import scope
from linkwork.insights.figures import percent
from linkwork.insights.model import Column, Dashboard, Filters, Table
from linkwork.outcomes.change import too_soon
from linkwork.outcomes.definitions import Instrument, MeaningfulChange
from linkwork.outcomes.models import TimePoint
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
    changes: list[float] = field(default_factory=list)
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
        scope.records(filters)
        .measures.values_list(
            "referral_id", "instrument", "time_point", "recorded_at", "result", "responses"
        )
        .order_by("referral_id", "instrument", "recorded_at")
        .iterator(chunk_size=5000)
    )
    for episode in episodes(rows):
        inst = INSTRUMENTS.get(episode[0][1])
        if inst is None:
            continue
        base = next((m for m in episode if m[2] == TimePoint.BASELINE), episode[0])
        later = [
            m for m in episode if m is not base and m[3] > base[3] and not too_soon(base[3], m[3])
        ]
        for score in scores_of(inst):
            start = value_of(score, base[4], base[5])
            if start is None:
                continue
            tally = tallies.setdefault((inst.id, score.key), Tally())
            tally.baseline_count += 1
            ends = [v for m in later if (v := value_of(score, m[4], m[5])) is not None]
            if not ends:
                continue
            change = ends[-1] - start
            tally.changes.append(change)
            rule = score.rule
            if rule is not None:
                better = change if rule.improvement == "increase" else -change
                if better >= rule.points:
                    tally.improved_count += 1
    return tallies


def interval(changes: list[float]) -> tuple[float | None, float | None, float | None]:
    """Mean and 95% confidence interval (Student's t); no interval for fewer than two."""
    if not changes:
        return None, None, None
    mean = statistics.fmean(changes)
    if len(changes) < 2:
        return round(mean, 2), None, None
    sem = statistics.stdev(changes) / math.sqrt(len(changes))
    if sem == 0:
        return round(mean, 2), round(mean, 2), round(mean, 2)
    low, high = stats.t.interval(0.95, len(changes) - 1, loc=mean, scale=sem)
    return round(mean, 2), round(float(low), 2), round(float(high), 2)


def _threshold(rule: MeaningfulChange | None) -> str:
    if rule is None:
        return "No agreed threshold"
    way = "up" if rule.improvement == "increase" else "down"
    return f"{rule.points:g} points {way}"


def build(filters: Filters) -> Dashboard:
    accepted = scope.records(filters).referrals.filter(status__in=ACCEPTED).count()
    tallies = _tally(filters)
    change_rows, completion_rows = [], []
    for inst_id in sorted(INSTRUMENTS):
        for score in scores_of(INSTRUMENTS[inst_id]):
            tally = tallies.get((inst_id, score.key))
            if tally is None:
                continue
            mean, low, high = interval(tally.changes)
            follow_ups = len(tally.changes)
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
