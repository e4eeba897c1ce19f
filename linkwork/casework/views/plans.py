"""The support plan of one episode ("what matters to me", goals and actions), its printable
letter to the person, and the episode's case notes.

The plan page carries three forms; a hidden `form` field says which one was sent, and each
form has its own prefix so ids are unique on the page. The plan can change only while the
referral is open; after that it is shown read-only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from linkwork.accounts import gate
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.audit import auditor
from linkwork.casework import actions
from linkwork.casework.forms_plan import (
    ActionStatusForm,
    GoalForm,
    GoalStatusForm,
    NoteForm,
    PlanActionForm,
    PlanForm,
    RatingForm,
)
from linkwork.casework.letters import build_plan_letter
from linkwork.casework.models import (
    ActionStatus,
    CaseNote,
    Goal,
    GoalRating,
    GoalStatus,
    PlanAction,
    SupportPlan,
)
from linkwork.core import concurrency, tables
from linkwork.core.forms import error_summary
from linkwork.core.presenters import date_uk
from linkwork.referrals.lifecycle import OPEN_STATUSES as OPEN_REFERRAL_STATUSES
from linkwork.referrals.models import Referral
from linkwork.referrals.scoping import get_case_or_404

# Status in words first; the colour only repeats it.
GOAL_TAG_CLASSES: dict[str, str] = {
    GoalStatus.OPEN: "nhsuk-tag--blue",
    GoalStatus.ACHIEVED: "nhsuk-tag--green",
    GoalStatus.STOPPED: "nhsuk-tag--grey",
}
ACTION_TAG_CLASSES: dict[str, str] = {
    ActionStatus.TO_DO: "nhsuk-tag--blue",
    ActionStatus.DONE: "nhsuk-tag--green",
    ActionStatus.DROPPED: "nhsuk-tag--grey",
}
READ_ONLY_ID = "plan-read-only"


# Presenters


def progress_bar(score: int | None) -> SafeString:
    """Ten boxes, `score` of them filled. Decorative: the score is always written beside it."""
    filled = score or 0
    boxes = format_html_join(
        "",
        '<rect x="{}" y="1" width="8" height="12" fill="{}" stroke="#4c6272" />',
        ((1 + n * 10, "#005eb8" if n < filled else "#ffffff") for n in range(10)),
    )
    return format_html(
        '<svg class="lw-progress" width="101" height="14" viewBox="0 0 101 14" '
        'aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        boxes,
    )


def _short_date(rating: GoalRating) -> str:
    return f"{rating.rated_on.day} {rating.rated_on:%b %Y}"


@dataclass(frozen=True)
class GoalRow:
    goal: Goal
    importance: str
    latest: str
    history: str
    bar: SafeString
    tag: dict[str, str]


def goal_row(goal: Goal) -> GoalRow:
    """One goal as the plan lists it: latest progress in words, the history as
    "3 (4 Jan 2026) → 5 (1 Feb 2026)", and a small bar that repeats the latest score."""
    ratings = sorted(goal.ratings.all(), key=lambda r: (r.rated_on, r.recorded_at))
    latest = ratings[-1] if ratings else None
    return GoalRow(
        goal=goal,
        importance=f"{goal.importance} out of 10",
        latest=f"{latest.score} out of 10 on {date_uk(latest.rated_on)}"
        if latest
        else "Not rated yet",
        history=" → ".join(f"{r.score} ({_short_date(r)})" for r in ratings)
        if len(ratings) > 1
        else "",
        bar=progress_bar(latest.score if latest else None),
        tag={"text": goal.get_status_display(), "classes": GOAL_TAG_CLASSES[goal.status]},
    )


def action_tag(action: PlanAction) -> dict[str, str]:
    return {"text": action.get_status_display(), "classes": ACTION_TAG_CLASSES[action.status]}


def goals_table(referral: Referral, rows: Iterable[GoalRow]) -> dict[str, Any]:
    """The plan's goals, most important first, each with its progress and status."""
    body = []
    for row in rows:
        progress = tables.markup("{}<br>{}", row.bar, row.latest)
        if row.history:
            progress += tables.markup(
                '<br><span class="nhsuk-body-s">History: {}</span>', row.history
            )
        body.append(
            [
                tables.link(
                    row.goal.description,
                    reverse("casework:goal", args=[referral.pk, row.goal.pk]),
                ),
                tables.text(row.importance),
                tables.html(progress),
                tables.html(tables.tag(row.tag)),
            ]
        )
    return tables.table(
        "Goals, most important first", ["Goal", "How much it matters", "Progress", "Status"], body
    )


def plan_actions_table(referral: Referral, plan_actions: Iterable[PlanAction]) -> dict[str, Any]:
    """The plan's actions, soonest first: what, who, by when and how it stands."""
    return tables.table(
        "Actions, soonest first",
        ["What", "Who", "By when", "Status"],
        (
            [
                tables.link(
                    action.what,
                    reverse("casework:plan_action", args=[referral.pk, action.pk]),
                ),
                tables.text(action.who),
                tables.text(date_uk(action.due_on) if action.due_on else "No date"),
                tables.html(tables.tag(action_tag(action))),
            ]
            for action in plan_actions
        ),
    )


def ratings_table(ratings: Iterable[GoalRating]) -> dict[str, Any]:
    """A goal's progress ratings, oldest first."""
    return tables.table(
        "Progress ratings from 0 to 10, oldest first",
        ["Date", "Progress", "Recorded by"],
        (
            [
                tables.text(date_uk(rating.rated_on)),
                tables.text(f"{rating.score} out of 10"),
                tables.text(rating.recorded_by.full_name),
            ]
            for rating in ratings
        ),
    )


def summary(form: forms.Form) -> list[dict[str, str]]:
    """The error summary of one of several forms on a page: errors that belong to no field
    link to the form itself."""
    return [
        {**item, "href": f"#{form.prefix}-form"} if item["href"] == "#id___all__" else item
        for item in error_summary(form)
    ]


# Shared steps


def _closed_problem(referral: Referral) -> str:
    """Why the plan cannot change, in the casework actions' own words, or ''."""
    try:
        actions._require_open(referral)
    except actions.CaseworkError as error:
        return str(error)
    return ""


def _editable(referral: Referral) -> bool:
    return referral.status in OPEN_REFERRAL_STATUSES


def _plan_of(request: HttpRequest, referral: Referral) -> SupportPlan | None:
    plan: SupportPlan | None = (
        SupportPlan.objects.visible_to(request.user).filter(referral=referral).first()
    )
    return plan


def _goals(request: HttpRequest, referral: Referral) -> list[Goal]:
    return list(
        Goal.objects.visible_to(request.user)
        .filter(plan__referral=referral)
        .prefetch_related("ratings")
    )


def _plan_actions(request: HttpRequest, referral: Referral) -> list[PlanAction]:
    return list(PlanAction.objects.visible_to(request.user).filter(plan__referral=referral))


def _safeguarding(request: HttpRequest, referral: Referral) -> list[CaseNote]:
    return list(
        CaseNote.objects.visible_to(request.user)
        .filter(referral=referral, safeguarding=True)
        .select_related("written_by")
    )


def _submitted(request: HttpRequest, name: str) -> Any:
    """The POST data when the request sent the form called `name`, else None."""
    if request.method == "POST" and request.POST.get("form") == name:
        return request.POST
    return None


def _handle(
    request: HttpRequest,
    referral: Referral,
    sent: dict[str, forms.Form],
    save: Callable[[str, dict[str, Any]], str],
) -> list[dict[str, str]] | None:
    """Validate and save the form a POST sent. None means saved (the caller redirects);
    otherwise the error summary items, empty on a GET."""
    if request.method != "POST":
        return []
    which = request.POST.get("form", "")
    if not _editable(referral):
        return [{"text": _closed_problem(referral), "href": f"#{READ_ONLY_ID}"}]
    if which not in sent:
        first = next(iter(sent.values()))
        return [{"text": "Choose what to save, then try again", "href": f"#{first.prefix}-form"}]
    form = sent[which]
    if form.is_valid():
        try:
            done = save(which, form.cleaned_data)
        except actions.CaseworkError as error:
            form.add_error(None, str(error))
        except concurrency.EditConflict as conflict:
            form.add_error(None, conflict.message)
            # Saving again applies the user's kept answers to the version now stored.
            form.conflict_version = conflict.current  # type: ignore[attr-defined]
        else:
            messages.success(request, done)
            return None
    return summary(form)


def _version_to_send(request: HttpRequest, form: forms.Form, which: str, stored: int) -> str:
    """The version the page's form carries: the stored one, except after a failed save,
    when it keeps the one the user started from (or, after a conflict, the new one)."""
    conflict: str | None = getattr(form, "conflict_version", None)
    if conflict is not None:
        return conflict
    if _submitted(request, which) is not None:
        return concurrency.sent_version(request.POST) or str(stored)
    return str(stored)


# The plan page


def _save_plan(request: AuthenticatedHttpRequest, referral: Referral, data: dict[str, Any]) -> str:
    plan = actions.save_plan(
        by=request.user,
        referral=referral,
        what_matters=data["what_matters"],
        strengths=data["strengths"],
        needs_and_concerns=data["needs_and_concerns"],
        review_on=data["review_on"],
        agreed=data["agreed"],
        version=concurrency.sent_version(request.POST),
    )
    return "Plan saved: the person has agreed it" if plan.agreed_on else "Plan saved"


def _add_goal(request: AuthenticatedHttpRequest, referral: Referral, data: dict[str, Any]) -> str:
    actions.add_goal(
        by=request.user,
        referral=referral,
        description=data["description"],
        importance=data["importance"],
        progress=data["progress"],
    )
    return "Goal added"


def _add_action(request: AuthenticatedHttpRequest, referral: Referral, data: dict[str, Any]) -> str:
    actions.add_plan_action(
        by=request.user,
        referral=referral,
        what=data["what"],
        who=data["who_text"],
        due_on=data["due_on"],
    )
    return "Action added"


PLAN_FORMS: dict[str, Callable[[AuthenticatedHttpRequest, Referral, dict[str, Any]], str]] = {
    "plan": _save_plan,
    "goal": _add_goal,
    "action": _add_action,
}


@login_required
def plan(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """The plan: what matters, strengths, needs, review date and agreement; goals with their
    progress; actions. Safeguarding concerns come first."""
    referral = get_case_or_404(request, referral_id)
    current = _plan_of(request, referral)
    if current is not None:
        initial: dict[str, Any] = {
            "what_matters": current.what_matters,
            "strengths": current.strengths,
            "needs_and_concerns": current.needs_and_concerns,
            "review_on": current.review_on,
            "agreed": current.agreed_on is not None,
        }
    else:
        initial = {"what_matters": referral.what_matters}
    plan_form = PlanForm(_submitted(request, "plan"), prefix="plan", initial=initial)
    goal_form = GoalForm(_submitted(request, "goal"), prefix="goal")
    action_form = PlanActionForm(_submitted(request, "action"), prefix="action")
    sent: dict[str, forms.Form] = {"plan": plan_form, "goal": goal_form, "action": action_form}

    errors = _handle(
        request, referral, sent, lambda which, data: PLAN_FORMS[which](request, referral, data)
    )
    if errors is None:
        return redirect("casework:plan", referral.pk)
    auditor.record(
        action="plan.viewed", request=request, target=referral, scheme_id=referral.scheme_id
    )
    goals = _goals(request, referral)
    plan_actions = _plan_actions(request, referral)
    return render(
        request,
        "casework/plan.jinja",
        {
            "page_title": f"Support plan for referral {referral.reference}",
            "referral": referral,
            "person": referral.person,
            "plan": current,
            "editable": _editable(referral),
            "read_only_id": READ_ONLY_ID,
            "safeguarding_notes": _safeguarding(request, referral),
            "goals": goals,
            "goals_table": goals_table(referral, [goal_row(goal) for goal in goals]),
            "plan_actions": plan_actions,
            "plan_actions_table": plan_actions_table(referral, plan_actions),
            "plan_form": plan_form,
            "plan_version": _version_to_send(
                request, plan_form, "plan", current.version if current is not None else 0
            ),
            "goal_form": goal_form,
            "action_form": action_form,
            "errors": errors,
            "form_errors": bool(errors),
        },
        status=409 if hasattr(plan_form, "conflict_version") else 400 if errors else 200,
    )


# One goal


def _rate(request: AuthenticatedHttpRequest, goal: Goal, data: dict[str, Any]) -> str:
    actions.rate_goal(by=request.user, goal=goal, score=data["score"], rated_on=data["rated_on"])
    return "Progress recorded"


def _goal_status(request: AuthenticatedHttpRequest, goal: Goal, data: dict[str, Any]) -> str:
    goal = actions.set_goal_status(by=request.user, goal=goal, status=GoalStatus(data["status"]))
    return f"Goal marked as {goal.get_status_display().lower()}"


GOAL_FORMS: dict[str, Callable[[AuthenticatedHttpRequest, Goal, dict[str, Any]], str]] = {
    "rating": _rate,
    "status": _goal_status,
}


@login_required
def goal(request: AuthenticatedHttpRequest, referral_id: str, goal_id: str) -> HttpResponse:
    """One goal: record a new progress rating, change its status, and see every rating."""
    referral = get_case_or_404(request, referral_id)
    found = gate.get_visible_or_404(request, Goal, pk=goal_id, plan__referral=referral.pk)
    rating_form = RatingForm(
        _submitted(request, "rating"),
        prefix="rating",
        initial={"rated_on": timezone.localdate()},
    )
    status_form = GoalStatusForm(
        _submitted(request, "status"), prefix="status", initial={"status": found.status}
    )
    sent: dict[str, forms.Form] = {"rating": rating_form, "status": status_form}
    errors = _handle(
        request,
        referral,
        sent,
        lambda which, data: GOAL_FORMS[which](request, found, data),
    )
    if errors is None:
        return redirect("casework:goal", referral.pk, found.pk)
    auditor.record(
        action="goal.viewed", request=request, target=found, scheme_id=referral.scheme_id
    )
    ratings = list(found.ratings.select_related("recorded_by"))
    return render(
        request,
        "casework/goal.jinja",
        {
            "page_title": f"Goal in the support plan for referral {referral.reference}",
            "referral": referral,
            "person": referral.person,
            "goal": goal_row(found),
            "ratings": ratings,
            "ratings_table": ratings_table(ratings),
            "editable": _editable(referral),
            "read_only_id": READ_ONLY_ID,
            "rating_form": rating_form,
            "status_form": status_form,
            "errors": errors,
            "form_errors": bool(errors),
        },
        status=400 if errors else 200,
    )


# One action


@login_required
def plan_action(
    request: AuthenticatedHttpRequest, referral_id: str, action_id: str
) -> HttpResponse:
    """One action of the plan: mark it done or dropped, or back to do."""
    referral = get_case_or_404(request, referral_id)
    found = gate.get_visible_or_404(request, PlanAction, pk=action_id, plan__referral=referral.pk)
    status_form = ActionStatusForm(
        _submitted(request, "status"), prefix="status", initial={"status": found.status}
    )

    def save(which: str, data: dict[str, Any]) -> str:
        action = actions.set_action_status(
            by=request.user, action=found, status=ActionStatus(data["status"])
        )
        return f"Action marked as {action.get_status_display().lower()}"

    errors = _handle(request, referral, {"status": status_form}, save)
    if errors is None:
        return redirect("casework:plan", referral.pk)
    auditor.record(
        action="plan_action.viewed", request=request, target=found, scheme_id=referral.scheme_id
    )
    return render(
        request,
        "casework/plan_action.jinja",
        {
            "page_title": f"Action in the support plan for referral {referral.reference}",
            "referral": referral,
            "person": referral.person,
            "action": found,
            "tag": action_tag(found),
            "editable": _editable(referral),
            "read_only_id": READ_ONLY_ID,
            "status_form": status_form,
            "errors": errors,
            "form_errors": bool(errors),
        },
        status=400 if errors else 200,
    )


# The letter


@login_required
def plan_letter(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """The plan written to the person in plain English, to print or read out."""
    referral = get_case_or_404(request, referral_id)
    auditor.record(
        action="plan.letter_viewed",
        request=request,
        target=referral,
        scheme_id=referral.scheme_id,
    )
    letter = build_plan_letter(
        referral=referral,
        plan=_plan_of(request, referral),
        goals=_goals(request, referral),
        actions=_plan_actions(request, referral),
        today=timezone.localdate(),
    )
    return render(
        request,
        "casework/plan_letter.jinja",
        {
            "page_title": f"Plan letter for referral {referral.reference}",
            "referral": referral,
            "letter": letter,
        },
    )


# Case notes


def _pinned_first(notes: Iterable[CaseNote]) -> tuple[list[CaseNote], list[CaseNote]]:
    pinned: list[CaseNote] = []
    others: list[CaseNote] = []
    for note in notes:
        (pinned if note.safeguarding else others).append(note)
    return pinned, others


@login_required
def notes(request: AuthenticatedHttpRequest, referral_id: str) -> HttpResponse:
    """Case notes, newest first, with safeguarding notes pinned at the top."""
    referral = get_case_or_404(request, referral_id)
    form = NoteForm(request.POST if request.method == "POST" else None, prefix="note")
    if request.method == "POST" and form.is_valid():
        try:
            note = actions.add_case_note(
                by=request.user,
                referral=referral,
                text=form.cleaned_data["text"],
                safeguarding=form.cleaned_data["safeguarding"],
            )
        except actions.CaseworkError as error:
            form.add_error("text", str(error))
        else:
            messages.success(
                request, "Safeguarding concern recorded" if note.safeguarding else "Note added"
            )
            return redirect("casework:notes", referral.pk)
    auditor.record(
        action="notes.viewed", request=request, target=referral, scheme_id=referral.scheme_id
    )
    pinned, others = _pinned_first(
        CaseNote.objects.visible_to(request.user)
        .filter(referral=referral)
        .select_related("written_by")
        .order_by("-written_at")
    )
    errors = summary(form) if form.errors else []
    return render(
        request,
        "casework/notes.jinja",
        {
            "page_title": f"Case notes for referral {referral.reference}",
            "referral": referral,
            "person": referral.person,
            "safeguarding_notes": pinned,
            "notes": others,
            "form": form,
            "errors": errors,
            "form_errors": bool(errors),
        },
        status=400 if errors else 200,
    )
