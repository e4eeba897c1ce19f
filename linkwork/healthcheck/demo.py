"""The demo's health check: a self-assessment for every demo scheme and a few actions.

The first scheme (by name) has an earlier self-assessment, to show the history, and a latest
one with several answers below best practice; its plan has an overdue action, a done one and
a planned one. The other schemes answer closer to best practice, with one action each. Made
up, like all demo data; written through the health check's own actions, so each write has
its history and audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from linkwork.accounts.models import Membership, Role, Scheme, User
from linkwork.healthcheck import actions
from linkwork.healthcheck.framework import Archetype
from linkwork.healthcheck.models import ActionStatus, SelfAssessment
from linkwork.healthcheck.questionnaire import questionnaire

# The first scheme's answers, latest and earlier: a scheme still building its links.
WEAKER_LATEST = {
    "referrer_buy_in": Archetype.GOOD,
    "link_worker_skills": Archetype.GOOD,
    "community_understanding": Archetype.DEVELOPING,
    "practice_relationships": Archetype.GOOD,
    "shared_role": Archetype.DEVELOPING,
    "community_networks": Archetype.GOOD,
    "referral_pathway": Archetype.BEST,
    "supervision_and_caseload": Archetype.DEVELOPING,
    "leadership": Archetype.GOOD,
    "partner_governance": Archetype.GOOD,
    "local_planning": Archetype.GOOD,
    "post_funding": Archetype.DEVELOPING,
    "community_funding": Archetype.POOR,
}
WEAKER_EARLIER = {
    **{question: Archetype.DEVELOPING for question in WEAKER_LATEST},
    "referral_pathway": Archetype.GOOD,
    "community_funding": Archetype.POOR,
}
# The other schemes: mostly best practice, with room to grow in two places.
STRONGER = {
    **{question: Archetype.BEST for question in WEAKER_LATEST},
    "post_funding": Archetype.GOOD,
    "community_funding": Archetype.DEVELOPING,
}


@dataclass(frozen=True)
class DemoAction:
    level: str
    setting: str
    what: str
    due_in_days: int
    status: str
    owner_is_lead: bool = True


WEAKER_ACTIONS = [
    DemoAction(
        "organisational",
        "link_workers",
        "Start monthly group clinical supervision for every link worker",
        -14,
        ActionStatus.IN_PROGRESS,
    ),
    DemoAction(
        "interpersonal",
        "link_workers",
        "Agree a written link worker role description with the practices",
        -30,
        ActionStatus.DONE,
    ),
    DemoAction(
        "policy",
        "community",
        "Ask commissioners to fund the three groups that take most referrals",
        60,
        ActionStatus.PLANNED,
    ),
    DemoAction(
        "individual",
        "community",
        "Visit the ten busiest community groups to explain what a referral means for them",
        45,
        ActionStatus.PLANNED,
        owner_is_lead=False,
    ),
]
STRONGER_ACTIONS = [
    DemoAction(
        "policy",
        "link_workers",
        "Make the case for three-year funding of link worker posts",
        90,
        ActionStatus.PLANNED,
    ),
]


def _lead(scheme: Scheme) -> User | None:
    found = (
        Membership.objects.filter(scheme=scheme, role=Role.SCHEME_LEAD)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return found.user if found is not None else None


def _staff(scheme: Scheme, lead: User) -> User:
    """A link worker of the scheme to own an action, or the lead when it has none."""
    found = (
        Membership.objects.filter(scheme=scheme, role=Role.LINK_WORKER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return found.user if found is not None else lead


def seed_health_check(*, now: dt.datetime) -> dict[str, int]:
    """Self-assessments and actions for every scheme that has a lead; counts of each."""
    today = now.date()
    asked = questionnaire()
    if set(WEAKER_LATEST) != {q.id for q in asked.questions}:
        raise ValueError("The demo self-assessment must answer every question")
    counts = {"self_assessments": 0, "actions": 0}
    for index, scheme in enumerate(Scheme.objects.order_by("name", "pk")):
        lead = _lead(scheme)
        if lead is None:
            continue
        weaker = index == 0
        answered = [(120, WEAKER_EARLIER), (10, WEAKER_LATEST)] if weaker else [(20, STRONGER)]
        for days_ago, answers in answered:
            actions.submit_self_assessment(
                by=lead,
                scheme=scheme,
                answers={k: str(v) for k, v in answers.items()},
                at=now - dt.timedelta(days=days_ago),
                asked=asked,
            )
            counts["self_assessments"] += 1
        for planned in WEAKER_ACTIONS if weaker else STRONGER_ACTIONS:
            action = actions.add_action(
                by=lead,
                scheme=scheme,
                level=planned.level,
                setting=planned.setting,
                what=planned.what,
                owner=lead if planned.owner_is_lead else _staff(scheme, lead),
                due_on=today + dt.timedelta(days=planned.due_in_days),
            )
            if planned.status != ActionStatus.PLANNED:
                actions.change_status(by=lead, action=action, status=planned.status)
            counts["actions"] += 1
    return counts


def demo_loaded() -> bool:
    return SelfAssessment.objects.exists()
