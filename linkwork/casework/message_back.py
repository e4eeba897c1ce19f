"""What the closing message back reports from the casework record: the plan and its actions,
the support offered and the connections made. An empty list is reported honestly as "None
recorded". `CaseworkConfig.ready()` contributes these sections to the message back, which
referrals writes; they are never shown in a page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from linkwork.casework.lifecycle import ConnectionStatus, FailureReason
from linkwork.casework.models import (
    ActionStatus,
    Connection,
    Contact,
    GoalStatus,
    Mode,
    Outcome,
    PlanAction,
    SupportPlan,
)
from linkwork.referrals.models import Referral


@dataclass(frozen=True)
class ConnectionMade:
    """A connection to a service, and whether the person went (None: not known)."""

    service: str
    attended: bool | None


def plan_and_actions(referral: Referral) -> list[str]:
    """The goals of the plan, most important first, with the person's progress, then the
    actions still to do."""
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


def support_offered(referral: Referral) -> list[str]:
    """The support the link worker offered, in words: contacts by mode, supported linking."""
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


def connections_made(referral: Referral) -> list[str]:
    """The connections made, each with whether the person went, in words."""
    return [
        f"{connection.service}: {_attended(connection.attended)}"
        for connection in connections_for(referral)
    ]


def _attended(attended: bool | None) -> str:
    if attended is None:
        return "attendance not known"
    return "attended" if attended else "did not attend"
