"""Plain measures of link worker support, for the health check and the support overview.

Each takes a scheme and a period or day and returns numbers with their parts, so a caller can
show how a figure was reached. None of them returns anything about one link worker: the
wellbeing summary is None below `MINIMUM_RESPONDENTS` answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count

from linkwork.accounts.models import Scheme
from linkwork.support.models import SupervisionSession, WellbeingCheckIn, month_of
from linkwork.support.staff import link_workers
from linkwork.support.training import scheme_overview
from linkwork.support.wellbeing import MINIMUM_RESPONDENTS, QUESTIONS


@dataclass(frozen=True)
class Rate:
    """`numerator` over `denominator`; `value` is None when the denominator is zero."""

    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def months_between(start: dt.date, end: dt.date) -> int:
    """Calendar months from `start`'s to `end`'s, both counted (1 January to 31 March: 3)."""
    if end < start:
        raise ValueError("The end of a period cannot be before its start.")
    return (end.year - start.year) * 12 + end.month - start.month + 1


def supervision_rate(scheme: Scheme, start: dt.date, end: dt.date) -> Rate:
    """Supervision sessions per link worker per month: the scheme's sessions held from
    `start` to `end` (both days counted) over its active link workers times the calendar
    months of the period."""
    sessions = SupervisionSession.objects.filter(
        scheme=scheme, held_on__gte=start, held_on__lte=end
    ).count()
    workers = link_workers(scheme).count()
    return Rate(numerator=sessions, denominator=workers * months_between(start, end))


def training_compliance(scheme: Scheme, on: dt.date) -> Rate:
    """The share of required courses in date on the day `on`, over every active link worker
    of the scheme and every course it requires (a course expiring soon is still in date)."""
    in_date = required = 0
    for _, courses in scheme_overview(scheme, on):
        required += len(courses)
        in_date += sum(1 for status in courses if status.in_date)
    return Rate(numerator=in_date, denominator=required)


@dataclass(frozen=True)
class WellbeingSummary:
    """A month's check-ins of a scheme's link workers: how many answered, and the mean
    answer (1 to 5, to one decimal place) to each question, by question key."""

    month: dt.date
    respondents: int
    means: dict[str, float]


def wellbeing_summary(scheme: Scheme, month: dt.date) -> WellbeingSummary | None:
    """The month's check-ins of the scheme's active link workers, or None when fewer than
    `MINIMUM_RESPONDENTS` answered (never a small number, never one person's answers)."""
    first = month_of(month)
    found = WellbeingCheckIn.objects.filter(
        month=first, worker__in=link_workers(scheme).values("pk")
    ).aggregate(respondents=Count("pk"), **{key: Avg(key) for key, _ in QUESTIONS})
    respondents = int(found["respondents"] or 0)
    if respondents < MINIMUM_RESPONDENTS:
        return None
    means = {key: round(float(found[key]), 1) for key, _ in QUESTIONS}
    return WellbeingSummary(month=first, respondents=respondents, means=means)
