"""What the closing message back reports from the outcome measures: each measure's score at
the start and at the end of support. `OutcomesConfig.ready()` contributes this section to the
message back, which referrals writes.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def outcome_summary(referral: Referral) -> list[OutcomeScore]:
    """Outcome scores at the start and end of support, one per measure with a headline score
    (ONS4 reports bands only and is left out); the end is the latest measure."""
    series: dict[str, list[float]] = {}
    for instrument, result in (
        OutcomeMeasure.objects.filter(referral=referral)
        .order_by("recorded_at")
        .values_list("instrument", "result")
    ):
        value = next((result[key] for key in HEADLINE_KEYS if key in result), None)
        if isinstance(value, int | float):
            series.setdefault(instrument, []).append(value)
    return [
        OutcomeScore(
            measure=INSTRUMENTS[slug].name if slug in INSTRUMENTS else slug,
            start=f"{values[0]:g}",
            end=f"{values[-1]:g}" if len(values) > 1 else "not measured",
        )
        for slug, values in series.items()
    ]


def outcome_scores(referral: Referral) -> list[str]:
    """The outcome summary in words, one measure a line."""
    return [
        f"{score.measure}: {score.start} at the start, {score.end} at the end"
        for score in outcome_summary(referral)
    ]
