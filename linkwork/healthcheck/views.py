"""The self-assessment and action plan pages of a scheme's health check, for its leads and
the admins of its host organisation. Every page passes the access gate (403 for a role that
may not use it, 404 for another scheme or an action of another scheme) and every page view
and write is audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linkwork.accounts import gate
from linkwork.accounts.gate import AuthenticatedHttpRequest
from linkwork.accounts.models import Scheme
from linkwork.accounts.permissions import Ability
from linkwork.audit import auditor
from linkwork.core.forms import error_summary
from linkwork.healthcheck import actions, presenters
from linkwork.healthcheck.action_plan import actions_for, scheme_users
from linkwork.healthcheck.forms import HealthActionForm, HealthActionStatusForm, SelfAssessmentForm
from linkwork.healthcheck.framework import Archetype, Level
from linkwork.healthcheck.models import Action, SelfAssessment
from linkwork.healthcheck.questionnaire import questionnaire
from linkwork.healthcheck.self_assessment import latest


def _scheme(request: AuthenticatedHttpRequest, scheme_id: int) -> Scheme:
    return gate.get_visible_or_404(
        request, Scheme.objects.select_related("host"), ability=Ability.ASSESS_SCHEME, pk=scheme_id
    )


def _action(request: AuthenticatedHttpRequest, scheme: Scheme, health_action_id: int) -> Action:
    scope = Action.objects.filter(scheme=scheme).select_related("scheme", "owner")
    return gate.get_visible_or_404(
        request, scope, ability=Ability.ASSESS_SCHEME, pk=health_action_id
    )


def _viewed(
    request: AuthenticatedHttpRequest, what: str, scheme: Scheme, target: Any = None
) -> None:
    auditor.record(
        action=f"healthcheck.{what}_viewed",
        request=request,
        target=target if target is not None else scheme,
        scheme_id=scheme.pk,
    )


def _levels(form: SelfAssessmentForm) -> list[dict[str, Any]]:
    asked = form.asked
    return [
        {
            "level": level,
            "questions": [presenters.question_radios(form[q.id], q) for q in asked.by_level(level)],
        }
        for level in Level
    ]


def _refused(form: forms.Form, error: actions.HealthCheckError) -> None:
    """Show a refusal of the health check's rules on its field, or above the form."""
    form.add_error(error.field if error.field in form.fields else None, str(error))


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment(request: AuthenticatedHttpRequest, scheme_id: int) -> HttpResponse:
    """Answer the self-assessment; the form starts from the latest answers."""
    scheme = _scheme(request, scheme_id)
    asked = questionnaire()
    previous = latest(scheme)
    initial = {a.question: a.rating for a in previous.answers.all()} if previous else {}
    form = SelfAssessmentForm(request.POST or None, initial=initial, asked=asked)
    if request.method == "POST" and form.is_valid():
        try:
            actions.submit_self_assessment(
                by=request.user, scheme=scheme, answers=form.answers(), request=request
            )
        except actions.HealthCheckError as error:
            _refused(form, error)
        else:
            messages.success(request, "Self-assessment saved")
            return redirect("healthcheck:self_assessment_history", scheme_id=scheme.pk)
    if request.method == "GET":
        _viewed(request, "self_assessment", scheme)
    errors = error_summary(form) if form.errors else []
    return render(
        request,
        "healthcheck/self_assessment.jinja",
        {
            "page_title": "Self-assessment",
            "form_errors": bool(errors),
            "scheme": scheme,
            "asked": asked,
            "previous": previous,
            "levels": _levels(form),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_GET
def self_assessment_history(request: AuthenticatedHttpRequest, scheme_id: int) -> HttpResponse:
    """Every submission of the scheme's self-assessment, newest first."""
    scheme = _scheme(request, scheme_id)
    found = list(
        SelfAssessment.objects.filter(scheme=scheme)
        .select_related("answered_by")
        .annotate(below_best=Count("answers", filter=~Q(answers__rating=Archetype.BEST)))
        .order_by("-answered_at", "-pk")
    )
    _viewed(request, "self_assessment_history", scheme)
    return render(
        request,
        "healthcheck/self_assessment_history.jinja",
        {
            "page_title": "Self-assessment history",
            "scheme": scheme,
            "table": presenters.assessments_table(scheme.pk, found),
            "count": len(found),
        },
    )


@login_required
@require_GET
def self_assessment_record(
    request: AuthenticatedHttpRequest, scheme_id: int, assessment_id: int
) -> HttpResponse:
    """One submission, as it was answered."""
    scheme = _scheme(request, scheme_id)
    scope = SelfAssessment.objects.filter(scheme=scheme).select_related("scheme", "answered_by")
    found = gate.get_visible_or_404(request, scope, ability=Ability.ASSESS_SCHEME, pk=assessment_id)
    asked = questionnaire()
    rows = []
    for answer in found.answers.all():
        question = asked.question(answer.question)
        rows.append(
            {
                "level": answer.level,
                "question": question.text if question else answer.question,
                "tag": presenters.rating_tag(answer.rating),
                "description": question.describe(answer.rating) if question else "",
            }
        )
    _viewed(request, "self_assessment", scheme, found)
    return render(
        request,
        "healthcheck/self_assessment_record.jinja",
        {
            "page_title": "Self-assessment",
            "scheme": scheme,
            "assessment": found,
            "levels": [(level, [r for r in rows if r["level"] == level]) for level in Level],
        },
    )


@login_required
@require_GET
def action_list(request: AuthenticatedHttpRequest, scheme_id: int) -> HttpResponse:
    """The scheme's action plan, overdue actions marked; prints as the plan alone."""
    scheme = _scheme(request, scheme_id)
    found = actions_for(scheme)
    overdue = sum(1 for a in found if a.is_overdue())
    _viewed(request, "action_plan", scheme)
    return render(
        request,
        "healthcheck/actions.jinja",
        {
            "page_title": "Action plan",
            "scheme": scheme,
            "table": presenters.actions_table(scheme.pk, found),
            "count": len(found),
            "overdue": overdue,
        },
    )


def _owner_names(scheme: Scheme, actions_found: list[Action]) -> dict[int, str]:
    users = {u.pk: u.full_name or u.email for u in scheme_users(scheme)}
    for action in actions_found:
        users.setdefault(action.owner_id, action.owner.full_name)
    return users


def _action_fields(form: HealthActionForm) -> dict[str, Any]:
    """What an action is, from its valid form: the same for adding and changing one."""
    data = form.cleaned_data
    return {
        "level": data["level"],
        "setting": data["setting"],
        "what": data["what"],
        "owner": form.chosen_owner(),
        "due_on": data["due_on"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: AuthenticatedHttpRequest, scheme_id: int) -> HttpResponse:
    """Add an action to the plan, for one level and setting."""
    scheme = _scheme(request, scheme_id)
    initial = {k: request.GET[k] for k in ("level", "setting") if k in request.GET}
    form = HealthActionForm(request.POST or None, initial=initial, owners=scheme_users(scheme))
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_action(
                by=request.user,
                scheme=scheme,
                **_action_fields(form),
                request=request,
            )
        except actions.HealthCheckError as error:
            _refused(form, error)
        else:
            messages.success(request, "Action added")
            return redirect("healthcheck:actions", scheme_id=scheme.pk)
    errors = error_summary(form) if form.errors else []
    return render(
        request,
        "healthcheck/action_form.jinja",
        {
            "page_title": "Add an action",
            "form_errors": bool(errors),
            "scheme": scheme,
            "form": form,
            "errors": errors,
            "action": None,
        },
        status=400 if errors else 200,
    )


def _edit_page(
    request: AuthenticatedHttpRequest,
    scheme: Scheme,
    action: Action,
    form: HealthActionForm,
    status_form: HealthActionStatusForm,
) -> HttpResponse:
    errors = error_summary(form) if form.errors else []
    errors += error_summary(status_form) if status_form.errors else []
    changes = list(action.changes.select_related("changed_by"))
    return render(
        request,
        "healthcheck/action_form.jinja",
        {
            "page_title": "Change an action",
            "form_errors": bool(errors),
            "scheme": scheme,
            "form": form,
            "status_form": status_form,
            "errors": errors,
            "action": action,
            "tag": presenters.status_tag(action),
            "history": presenters.history_table(changes, _owner_names(scheme, [action])),
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(
    request: AuthenticatedHttpRequest, scheme_id: int, health_action_id: int
) -> HttpResponse:
    """Change an action (its cell, what, owner and due date), with its history."""
    scheme = _scheme(request, scheme_id)
    action = _action(request, scheme, health_action_id)
    owners = scheme_users(scheme)
    if action.owner not in owners:
        owners.append(action.owner)
    initial = {
        "level": action.level,
        "setting": action.setting,
        "what": action.what,
        "owner": action.owner_id,
        "due_on": action.due_on,
    }
    form = HealthActionForm(request.POST or None, initial=initial, owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            changed = actions.edit_action(
                by=request.user,
                action=action,
                **_action_fields(form),
                request=request,
            )
        except actions.HealthCheckError as error:
            _refused(form, error)
        else:
            messages.success(request, "Action saved" if changed else "Nothing changed")
            return redirect("healthcheck:actions", scheme_id=scheme.pk)
    if request.method == "GET":
        _viewed(request, "action", scheme, action)
    status_form = HealthActionStatusForm(initial={"status": action.status}, prefix="status")
    return _edit_page(request, scheme, action, form, status_form)


@login_required
@require_POST
def action_status(
    request: AuthenticatedHttpRequest, scheme_id: int, health_action_id: int
) -> HttpResponse:
    """Move an action on: planned, in progress, done or dropped."""
    scheme = _scheme(request, scheme_id)
    action = _action(request, scheme, health_action_id)
    status_form = HealthActionStatusForm(request.POST, prefix="status")
    if status_form.is_valid():
        moved = actions.change_status(
            by=request.user,
            action=action,
            status=status_form.cleaned_data["status"],
            request=request,
        )
        messages.success(
            request,
            f"Status changed to {action.get_status_display().lower()}"
            if moved
            else "Nothing changed",
        )
        return redirect("healthcheck:actions", scheme_id=scheme.pk)
    owners = scheme_users(scheme)
    if action.owner not in owners:
        owners.append(action.owner)
    form = HealthActionForm(
        initial={
            "level": action.level,
            "setting": action.setting,
            "what": action.what,
            "owner": action.owner_id,
            "due_on": action.due_on,
        },
        owners=owners,
    )
    return _edit_page(request, scheme, action, form, status_form)
