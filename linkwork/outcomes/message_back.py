"""What the closing message back reports from the outcome measures: each measure's score at
the start and at the end of support. `OutcomesConfig.ready()` contributes this section to the
message back, which referrals writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from linkwork.outcomes.change import TOO_SOON, too_soon
from linkwork.outcomes.models import OutcomeMeasure
from linkwork.outcomes.scoring import INSTRUMENTS
from linkwork.referrals.models import Referral


@dataclass(frozen=True)
class OutcomeScore:
    """One outcome measure's score at the start and at the end of support."""

    measure: str
    start: str
    end: str


# The headline score of each instrument's result, in the order tried.
HEADLINE_KEYS = ("metric", "index", "total")
NOT_MEASURED = "not measured"


def outcome_summary(referral: Referral) -> list[OutcomeScore]:
    """Outcome scores at the start and end of support, one per measure with a headline score
    (ONS4 reports bands only and is left out); the end is the latest measure recorded long
    enough after the first to compare (`change.too_soon`). Scores recorded sooner are left out:
    the end then says it was too soon to compare."""
    series: dict[str, list[tuple[dt.datetime, float]]] = {}
    for instrument, result, recorded_at in (
        OutcomeMeasure.objects.filter(referral=referral)
        .order_by("recorded_at")
        .values_list("instrument", "result", "recorded_at")
    ):
        value = next((result[key] for key in HEADLINE_KEYS if key in result), None)
        if isinstance(value, int | float):
            series.setdefault(instrument, []).append((recorded_at, value))
    return [
        OutcomeScore(
            measure=INSTRUMENTS[slug].name if slug in INSTRUMENTS else slug,
            start=f"{points[0][1]:g}",
            end=_end(points),
        )
        for slug, points in series.items()
    ]


def _end(points: list[tuple[dt.datetime, float]]) -> str:
    if len(points) == 1:
        return NOT_MEASURED
    start = points[0][0]
    comparable = [value for at, value in points[1:] if not too_soon(start, at)]
    return f"{comparable[-1]:g}" if comparable else TOO_SOON.lower()


def outcome_scores(referral: Referral) -> list[str]:
    """The outcome summary in words, one measure a line."""
    return [
        f"{score.measure}: {score.start} at the start; a later score was recorded too soon "
        "after it to compare"
        if score.end == TOO_SOON.lower()
        else f"{score.measure}: {score.start} at the start, {score.end} at the end"
        for score in outcome_summary(referral)
    ]
