"""Feedback results per service: counts of each answer, no names, small numbers suppressed.

A service's results show only when at least `LINKWORK_SMALL_NUMBER` (5) people answered; below
that nothing but "fewer than 5" is shown, as the insights pages do (`insights.suppression`).
Comments are shown with the counts only, never with a date or a connection.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from linkwork.directory.models import Service
from linkwork.insights import suppression
from linkwork.insights.model import Column, Dashboard, Filters, Table
from linkwork.prescription.models import FeedbackAnswer, Helped, Recommend, Welcome, Went

QUESTIONS: list[tuple[str, str, Any]] = [
    ("went", "Did you go?", Went),
    ("welcome", "How welcome did you feel?", Welcome),
    ("helped", "Did it help with what matters to you?", Helped),
    ("recommend", "Would you recommend it to someone like you?", Recommend),
]


@dataclass
class QuestionResult:
    question: str
    rows: list[tuple[str, Any]]


@dataclass
class ServiceResult:
    service: Service
    answers: int
    shown: bool
    questions: list[QuestionResult] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def answer_counts(services: QuerySet[Service]) -> dict[Any, int]:
    """How many answers each of `services` has; one grouped query."""
    return dict(
        FeedbackAnswer.objects.filter(service__in=services)
        .values("service_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("service_id", "n")
    )


def for_service(service: Service) -> ServiceResult:
    """One service's results: shown only from the small-number threshold up."""
    answers: list[dict[str, Any]] = [
        dict(row)
        for row in FeedbackAnswer.objects.filter(service=service).values(
            "went", "welcome", "helped", "recommend", "comment"
        )
    ]
    shown = len(answers) >= suppression.threshold()
    result = ServiceResult(service=service, answers=len(answers), shown=shown)
    if not shown:
        return result
    for key, question, choices in QUESTIONS:
        counted = Counter(answer[key] for answer in answers)
        result.questions.append(
            QuestionResult(
                question,
                [
                    (label, suppression.count(counted.get(value, 0)))
                    for value, label in choices.choices
                ],
            )
        )
    result.comments = sorted(a["comment"] for a in answers if a["comment"].strip())
    return result


TITLE = "Feedback from people"
SUMMARY = "What people said about the services they were connected to, per service."


def dashboard(filters: Filters) -> Dashboard:
    """The insights dashboard: per service, answers and how many felt welcome, were helped and
    would recommend it, for connections of the schemes counted. Exact figures: suppression is
    applied on the way out, as for every dashboard."""
    answers = FeedbackAnswer.objects.filter(
        connection__referral__scheme_id__in=sorted(filters.schemes)
    )
    if filters.date_from is not None:
        answers = answers.filter(answered_at__date__gte=filters.date_from)
    if filters.date_to is not None:
        answers = answers.filter(answered_at__date__lte=filters.date_to)
    if filters.route:
        answers = answers.filter(connection__referral__route=filters.route)
    if filters.link_worker is not None:
        answers = answers.filter(connection__referral__link_worker_id=filters.link_worker)
    rows = (
        answers.values("service__name")
        .annotate(
            n=Count("pk"),
            welcome=Count("pk", filter=_in("welcome", [Welcome.VERY, Welcome.QUITE])),
            helped=Count("pk", filter=_in("helped", [Helped.A_LOT, Helped.A_LITTLE])),
            recommend=Count("pk", filter=_in("recommend", [Recommend.YES])),
        )
        .order_by("-n", "service__name")
    )
    table = Table(
        "feedback_by_service",
        "Feedback answers by service",
        [
            Column("service", "Service"),
            Column("answers_count", "Answers", "count"),
            Column("welcome_count", "Felt welcome", "count"),
            Column("helped_count", "Said it helped", "count"),
            Column("recommend_count", "Would recommend", "count"),
        ],
        [
            {
                "service": row["service__name"],
                "answers_count": row["n"],
                "welcome_count": row["welcome"],
                "helped_count": row["helped"],
                "recommend_count": row["recommend"],
            }
            for row in rows
        ],
        chart="bar",
        note="From the feedback survey sent a week after each connection starts.",
    )
    return Dashboard("feedback", TITLE, [table])


def _in(key: str, values: list[str]) -> Q:
    return Q(**{f"{key}__in": values})
