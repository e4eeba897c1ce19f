"""Reading the self-assessment: the latest ratings of each cell, for the health check page.

A cell's rating is the worse of its questions' answers in the latest submission: a scheme is
only as strong in a cell as its weakest answered part of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from linkwork.accounts.models import Scheme
from linkwork.healthcheck.framework import Level, Setting, worse
from linkwork.healthcheck.models import SelfAssessment

Cell = tuple[Level, Setting]


@dataclass(frozen=True)
class CellRating:
    """A cell's self-assessed rating, with when and by whom it was answered."""

    rating: str
    answered_at: dt.datetime
    answered_by: str
    assessment_id: int
    # (question id, rating) of each answer in the cell.
    answers: tuple[tuple[str, str], ...]


def latest(scheme: Scheme) -> SelfAssessment | None:
    """The scheme's latest submission, or None when it has none."""
    found: SelfAssessment | None = (
        SelfAssessment.objects.filter(scheme=scheme)
        .select_related("answered_by")
        .order_by("-answered_at", "-pk")
        .first()
    )
    return found


def ratings_of(assessment: SelfAssessment) -> dict[Cell, CellRating]:
    """Each cell's rating in one submission."""
    by_cell: dict[Cell, list[tuple[str, str]]] = {}
    for answer in assessment.answers.all():
        cell = (Level(answer.level), Setting(answer.setting))
        by_cell.setdefault(cell, []).append((answer.question, answer.rating))
    result: dict[Cell, CellRating] = {}
    for cell, answers in by_cell.items():
        rating = answers[0][1]
        for _, other in answers[1:]:
            rating = worse(rating, other)
        result[cell] = CellRating(
            rating=rating,
            answered_at=assessment.answered_at,
            answered_by=assessment.answered_by.full_name,
            assessment_id=assessment.pk,
            answers=tuple(answers),
        )
    return result


def latest_ratings(scheme: Scheme) -> dict[Cell, CellRating]:
    """`{(level, setting): CellRating}` from the scheme's latest self-assessment; empty when
    it has never been answered. Callers reach `scheme` through the gate."""
    found = latest(scheme)
    return ratings_of(found) if found is not None else {}
