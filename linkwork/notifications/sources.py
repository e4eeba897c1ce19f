"""What the closing message back reports, read through small functions from the casework
record (plan, contacts, connections) and the outcome measures. An empty list is reported
honestly as "None recorded". These are read by the message builder only, never shown in a page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linkwork.vocabulary.needs import Need

if TYPE_CHECKING:
    from linkwork.referrals.models import Referral


@dataclass(frozen=True)
class ConnectionMade:
    """A connection to a service, and whether the person went (None: not known)."""

    service: str
    attended: bool | None


@dataclass(frozen=True)
class OutcomeScore:
    """One outcome measure's score at the start and at the end of support."""

    measure: str
    start: str
    end: str


def plan_and_actions(referral: Referral) -> list[str]:
    """The goals of the plan, most important first, with the person's progress, then the
    actions still to do."""
    from linkwork.casework.models import ActionStatus, GoalStatus, PlanAction, SupportPlan

    plan = SupportPlan.objects.filter(referral=referral).first()
    if plan is None:
        return []
    lines = []
    for goal in plan.goals.prefetch_related("ratings"):
        scores = [rating.score for rating in goal.ratings.all()]
        line = f"Goal: {goal.description}"
        if goal.status != GoalStatus.OPEN:
            line += f" ({goal.get_status_display().lower()})"
        if len(scores) == 1:
            line += f", progress {scores[0]} out of 10"
        elif scores:
            line += f", progress from {scores[0]} to {scores[-1]} out of 10"
        lines.append(line)
    for action in PlanAction.objects.filter(plan=plan, status=ActionStatus.TO_DO):
        due = f" by {action.due_on:%d %B %Y}" if action.due_on else ""
        lines.append(f"Action for {action.who}: {action.what}{due}")
    return lines


def needs_identified(referral: Referral) -> list[str]:
    """The needs identified, as labels: for now, those given on the referral."""
    return [Need(slug).label for slug in referral.needs if slug in Need.values]


def support_offered(referral: Referral) -> list[str]:
    """The support the link worker offered, in words: contacts by mode, supported linking."""
    from linkwork.casework.models import Connection, Contact, Mode, Outcome

    contacts = list(Contact.objects.filter(referral=referral).values_list("mode", "outcome"))
    lines = []
    attended = [mode for mode, outcome in contacts if outcome == Outcome.ATTENDED]
    if attended:
        by_mode = Counter(attended)
        modes = ", ".join(
            f"{count} {Mode(mode).label.lower()}" for mode, count in by_mode.most_common()
        )
        lines.append(f"{len(attended)} conversations with the link worker ({modes})")
    missed = len(contacts) - len(attended)
    if missed:
        lines.append(f"{missed} arranged contacts did not happen")
    linked = Connection.objects.filter(referral=referral, supported_linking=True).count()
    if linked:
        lines.append(f"The link worker went along to {linked} service(s) the first time")
    return lines


def connections_for(referral: Referral) -> list[ConnectionMade]:
    """Connections made to services during the episode, oldest first; drafts and cancelled
    requests are left out. Attended is known from the sessions recorded."""
    from linkwork.casework.lifecycle import ConnectionStatus, FailureReason
    from linkwork.casework.models import Connection

    made = []
    for connection in (
        Connection.objects.filter(referral=referral)
        .exclude(status__in=[ConnectionStatus.DRAFT, ConnectionStatus.CANCELLED])
        .select_related("service")
        .prefetch_related("attendance")
        .order_by("created_at")
    ):
        sessions = [session.attended for session in connection.attendance.all()]
        attended: bool | None = None
        if any(sessions) or connection.status in (
            ConnectionStatus.IN_PROGRESS,
            ConnectionStatus.COMPLETED,
        ):
            attended = True
        elif sessions or connection.failure_reason == FailureReason.NEVER_ATTENDED:
            attended = False
        made.append(ConnectionMade(service=connection.service.name, attended=attended))
    return made


# The headline score of each instrument's result, in the order tried.
HEADLINE_KEYS = ("metric", "index", "total")


def outcome_summary(referral: Referral) -> list[OutcomeScore]:
    """Outcome scores at the start and end of support, one per measure with a headline score
    (ONS4 reports bands only and is left out); the end is the latest measure."""
    from linkwork.outcomes.models import OutcomeMeasure
    from linkwork.outcomes.scoring import INSTRUMENTS

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
