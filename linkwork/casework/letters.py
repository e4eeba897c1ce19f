"""The plan letter: the support plan written to the person in plain English.

Short sentences, "you" and no jargon, for a reading age of about nine. The words are built
here so they can be tested; the template only lays them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from linkwork.casework.forms_plan import WHO_LINK_WORKER, WHO_PERSON
from linkwork.casework.models import ActionStatus, Goal, GoalStatus, PlanAction, SupportPlan
from linkwork.core import tables
from linkwork.core.presenters import date_uk
from linkwork.people.models import ContactMethod
from linkwork.referrals.models import Referral

HOW_WE_CONTACT = {
    ContactMethod.PHONE: "phone you",
    ContactMethod.TEXT: "send you a text",
    ContactMethod.EMAIL: "email you",
    ContactMethod.LETTER: "write to you",
    ContactMethod.IN_PERSON: "arrange to see you",
}


@dataclass(frozen=True)
class LetterGoal:
    goal: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class LetterStep:
    who: str
    what: str
    when: str


@dataclass(frozen=True)
class PlanLetter:
    person_name: str
    written_on: str
    greeting: str
    introduction: tuple[str, ...]
    what_matters: str
    what_matters_missing: str
    goals: tuple[LetterGoal, ...]
    goals_missing: str
    steps: tuple[LetterStep, ...]
    steps_missing: str
    next_talk: tuple[str, ...]
    get_in_touch: tuple[str, ...]
    urgent_help: str
    signed_by: str
    signed_role: str

    @property
    def steps_table(self) -> dict[str, Any]:
        """What was agreed, as a table for the letter."""
        return tables.table(
            "What we agreed to do, who will do it and by when",
            ["Who", "What", "When"],
            (
                [tables.text(step.who), tables.text(step.what), tables.text(step.when)]
                for step in self.steps
            ),
        )


def _latest_score(goal: Goal) -> int | None:
    ratings = sorted(goal.ratings.all(), key=lambda r: (r.rated_on, r.recorded_at))
    return ratings[-1].score if ratings else None


def _goal(goal: Goal) -> LetterGoal:
    lines = [f"How much it matters to you: {goal.importance} out of 10."]
    if goal.status == GoalStatus.ACHIEVED:
        lines.append("You have done this. Well done!")
    elif (score := _latest_score(goal)) is not None:
        lines.append(f"Last time you said you were at {score} out of 10.")
    return LetterGoal(goal=goal.description, lines=tuple(lines))


def _who(who: str, link_worker_name: str) -> str:
    if who == WHO_PERSON:
        return "You"
    if who == WHO_LINK_WORKER:
        return f"{link_worker_name}, your link worker" if link_worker_name else "Your link worker"
    return who


def _step(action: PlanAction, link_worker_name: str) -> LetterStep:
    if action.status == ActionStatus.DONE:
        when = "Done"
    elif action.due_on is not None:
        when = f"By {date_uk(action.due_on)}"
    else:
        when = "No date yet"
    return LetterStep(who=_who(action.who, link_worker_name), what=action.what, when=when)


def build_plan_letter(
    *,
    referral: Referral,
    plan: SupportPlan | None,
    goals: Iterable[Goal],
    actions: Iterable[PlanAction],
    today: dt.date,
) -> PlanLetter:
    """The letter for `referral`'s plan. Goals no longer wanted and dropped actions are left
    out: the letter says what is still planned, and what the person has already done."""
    person = referral.person
    scheme = referral.scheme.name
    link_worker = referral.link_worker
    worker_name = link_worker.full_name if link_worker is not None else ""

    if plan is not None and plan.agreed_on is not None:
        introduction = (
            "This letter is about the plan we made together.",
            f"You agreed it on {date_uk(plan.agreed_on)}.",
        )
    else:
        introduction = (
            "This letter is about the plan we are making together.",
            "It is not finished yet. We can change it together.",
        )

    how = HOW_WE_CONTACT.get(ContactMethod(person.preferred_contact_method), "contact you")
    if plan is not None and plan.review_on is not None:
        next_talk: tuple[str, ...] = (
            f"We will look at your plan again on {date_uk(plan.review_on)}.",
            f"We will {how} before then to check how you are.",
        )
    else:
        next_talk = (f"We will {how} to agree when we talk next.",)

    if link_worker is not None:
        get_in_touch: tuple[str, ...] = (
            f"If you want to talk before then, contact {worker_name}.",
            f"{worker_name} is your link worker at {scheme}.",
            f"Email: {link_worker.email}",
        )
    else:
        get_in_touch = (f"If you want to talk before then, contact {scheme}.",)

    return PlanLetter(
        person_name=person.full_name,
        written_on=date_uk(today),
        greeting=f"Dear {person.given_name},",
        introduction=introduction,
        what_matters=plan.what_matters if plan is not None else "",
        what_matters_missing="We have not written this down yet. We will talk about it next time.",
        goals=tuple(_goal(goal) for goal in goals if goal.status != GoalStatus.STOPPED),
        goals_missing="We have not set any goals yet. We will do this together.",
        steps=tuple(
            _step(action, worker_name)
            for action in actions
            if action.status != ActionStatus.DROPPED
        ),
        steps_missing="We have not agreed any steps yet.",
        next_talk=next_talk,
        get_in_touch=get_in_touch,
        urgent_help=(
            "If you feel unwell or need help soon, call your GP or NHS 111. "
            "In an emergency, call 999."
        ),
        signed_by=worker_name or scheme,
        signed_role=f"Link worker, {scheme}" if worker_name else "Social prescribing team",
    )
