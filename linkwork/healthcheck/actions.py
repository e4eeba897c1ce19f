"""Every write of the health check: a self-assessment submitted, an action added, edited or
moved on. Each runs in one transaction and writes its own audit event (identifiers and codes
only). Callers pass a scheme or action that the access gate let through."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from linkwork.accounts.models import Scheme, User
from linkwork.audit import auditor
from linkwork.healthcheck.action_plan import scheme_users
from linkwork.healthcheck.framework import ARCHETYPE_ORDER, Level, Setting
from linkwork.healthcheck.models import (
    Action,
    ActionChange,
    ActionStatus,
    SelfAssessment,
    SelfAssessmentAnswer,
)
from linkwork.healthcheck.questionnaire import Questionnaire, questionnaire


class HealthCheckError(ValueError):
    """A write refused, with the field it is about and a message for people."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def submit_self_assessment(
    *,
    by: User,
    scheme: Scheme,
    answers: Mapping[str, str],
    request: HttpRequest | None = None,
    at: dt.datetime | None = None,
    asked: Questionnaire | None = None,
) -> SelfAssessment:
    """A new dated self-assessment with an answer to every question; earlier ones are kept."""
    asked = asked or questionnaire()
    for question in asked.questions:
        if answers.get(question.id) not in ARCHETYPE_ORDER:
            raise HealthCheckError(question.id, f'Select an answer to "{question.text}"')
    unknown = sorted(set(answers) - {q.id for q in asked.questions})
    if unknown:
        raise HealthCheckError(unknown[0], f"{unknown[0]!r} is not a question of this form")
    with transaction.atomic():
        assessment = SelfAssessment.objects.create(
            scheme=scheme,
            answered_by=by,
            answered_at=at or timezone.now(),
            version=asked.version,
        )
        SelfAssessmentAnswer.objects.bulk_create(
            SelfAssessmentAnswer(
                assessment=assessment,
                question=question.id,
                level=question.level,
                setting=question.setting,
                rating=answers[question.id],
            )
            for question in asked.questions
        )
        auditor.record(
            action="healthcheck.self_assessment_submitted",
            request=request,
            actor=by,
            target=assessment,
            scheme_id=scheme.pk,
            detail={"version": asked.version, "questions": len(asked.questions)},
        )
    return assessment


def _check(
    scheme: Scheme, *, level: str, setting: str, what: str, owner: User, due_on: dt.date
) -> None:
    if level not in Level.values:
        raise HealthCheckError("level", "Select the level the action is for")
    if setting not in Setting.values:
        raise HealthCheckError("setting", "Select the setting the action is for")
    if not what.strip():
        raise HealthCheckError("what", "Enter the action")
    if owner.pk not in {user.pk for user in scheme_users(scheme)}:
        raise HealthCheckError("owner", "Select an owner who works in this scheme")
    if not isinstance(due_on, dt.date):
        raise HealthCheckError("due_on", "Enter the due date")


def _value(value: Any) -> Any:
    if isinstance(value, User):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def add_action(
    *,
    by: User,
    scheme: Scheme,
    level: str,
    setting: str,
    what: str,
    owner: User,
    due_on: dt.date,
    request: HttpRequest | None = None,
    status: str = ActionStatus.PLANNED,
) -> Action:
    """A new action of the scheme's plan, with its first history row."""
    _check(scheme, level=level, setting=setting, what=what, owner=owner, due_on=due_on)
    if status not in ActionStatus.values:
        raise HealthCheckError("status", "Select the status of the action")
    now = timezone.now()
    with transaction.atomic():
        action = Action.objects.create(
            scheme=scheme,
            level=level,
            setting=setting,
            what=what.strip(),
            owner=owner,
            due_on=due_on,
            status=status,
            created_by=by,
            created_at=now,
            updated_at=now,
        )
        ActionChange.objects.create(
            action=action,
            changed_by=by,
            changed_at=now,
            created=True,
            fields={
                name: [None, _value(getattr(action, name))]
                for name in ("level", "setting", "what", "owner", "due_on", "status")
            },
        )
        auditor.record(
            action="healthcheck.action_added",
            request=request,
            actor=by,
            target=action,
            scheme_id=scheme.pk,
            detail={"level": level, "setting": setting, "status": status},
        )
    return action


def _change(
    *, by: User, action: Action, new: Mapping[str, Any], audit: str, request: HttpRequest | None
) -> list[str]:
    """Apply `new` field values to `action`, writing one history row of what changed."""
    changed = {
        name: [_value(getattr(action, name)), _value(value)]
        for name, value in new.items()
        if _value(getattr(action, name)) != _value(value)
    }
    if not changed:
        return []
    now = timezone.now()
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        for name, value in new.items():
            setattr(locked, name, value)
            setattr(action, name, value)
        locked.updated_at = action.updated_at = now
        locked.save()
        ActionChange.objects.create(action=locked, changed_by=by, changed_at=now, fields=changed)
        auditor.record(
            action=audit,
            request=request,
            actor=by,
            target=locked,
            scheme_id=locked.scheme_id,
            detail={"fields": sorted(changed)},
        )
    return sorted(changed)


def edit_action(
    *,
    by: User,
    action: Action,
    level: str,
    setting: str,
    what: str,
    owner: User,
    due_on: dt.date,
    request: HttpRequest | None = None,
) -> list[str]:
    """Change what an action is; returns the names of the fields that changed."""
    _check(action.scheme, level=level, setting=setting, what=what, owner=owner, due_on=due_on)
    return _change(
        by=by,
        action=action,
        new={
            "level": level,
            "setting": setting,
            "what": what.strip(),
            "owner": owner,
            "due_on": due_on,
        },
        audit="healthcheck.action_edited",
        request=request,
    )


def change_status(
    *, by: User, action: Action, status: str, request: HttpRequest | None = None
) -> bool:
    """Move an action to `status`; False when it already had it."""
    if status not in ActionStatus.values:
        raise HealthCheckError("status", "Select the status of the action")
    return bool(
        _change(
            by=by,
            action=action,
            new={"status": status},
            audit="healthcheck.action_status_changed",
            request=request,
        )
    )
