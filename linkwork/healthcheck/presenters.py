"""How the self-assessment and the action plan read: tags, question radios and tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from linkwork.core import tables
from linkwork.core.forms import choice_field
from linkwork.core.presenters import date_uk, datetime_uk
from linkwork.healthcheck.framework import Archetype, Level, Setting
from linkwork.healthcheck.models import Action, ActionChange, ActionStatus, SelfAssessment
from linkwork.healthcheck.questionnaire import Question

RATING_TAG_CLASSES: Mapping[str, str] = {
    Archetype.BEST: "nhsuk-tag--green",
    Archetype.GOOD: "nhsuk-tag--blue",
    Archetype.DEVELOPING: "nhsuk-tag--yellow",
    Archetype.POOR: "nhsuk-tag--red",
}
STATUS_TAG_CLASSES: Mapping[str, str] = {
    ActionStatus.PLANNED: "nhsuk-tag--blue",
    ActionStatus.IN_PROGRESS: "nhsuk-tag--purple",
    ActionStatus.DONE: "nhsuk-tag--green",
    ActionStatus.DROPPED: "nhsuk-tag--grey",
}
FIELD_LABELS: Mapping[str, str] = {
    "level": "Level",
    "setting": "Setting",
    "what": "Action",
    "owner": "Owner",
    "due_on": "Due date",
    "status": "Status",
}


def rating_tag(rating: str) -> dict[str, str]:
    return {"text": Archetype(rating).label, "classes": RATING_TAG_CLASSES[rating]}


def status_tag(action: Action, today: dt.date | None = None) -> dict[str, str]:
    if action.is_overdue(today):
        return {
            "text": f"Overdue ({action.get_status_display().lower()})",
            "classes": "nhsuk-tag--red",
        }
    return {"text": action.get_status_display(), "classes": STATUS_TAG_CLASSES[action.status]}


def cell_name(level: str, setting: str) -> str:
    return f"{Level(level).label}: {Setting(setting).label.lower()}"


def question_radios(bound: forms.BoundField, question: Question) -> dict[str, Any]:
    """The NHS.UK radios for one question: each archetype with what it looks like here."""
    params = choice_field(
        bound,
        fieldset={"legend": {"text": question.text, "size": "s"}},
    )
    for item in params["items"]:
        item["hint"] = {"text": question.describe(item["value"])}
    return params


def assessments_table(scheme_id: int, assessments: Iterable[SelfAssessment]) -> dict[str, Any]:
    return tables.records_table(
        "Self-assessments, newest first",
        [
            (
                "Answered",
                lambda a: tables.link(
                    datetime_uk(a.answered_at),
                    reverse("healthcheck:self_assessment_record", args=[scheme_id, a.pk]),
                ),
            ),
            ("By", lambda a: tables.text(a.answered_by.full_name)),
            ("Below best practice", lambda a: tables.text(a.below_best)),
        ],
        assessments,
    )


def actions_table(
    scheme_id: int, actions: Iterable[Action], *, links: bool = True
) -> dict[str, Any]:
    today = timezone.localdate()

    def what(action: Action) -> dict[str, Any]:
        if not links:
            return tables.text(action.what)
        return tables.link(
            action.what, reverse("healthcheck:action_edit", args=[scheme_id, action.pk])
        )

    return tables.records_table(
        "The action plan, soonest due first",
        [
            ("Action", what),
            ("For", lambda a: tables.text(cell_name(a.level, a.setting))),
            ("Owner", lambda a: tables.text(a.owner.full_name or a.owner.email)),
            ("Due", lambda a: tables.text(date_uk(a.due_on))),
            ("Status", lambda a: tables.html(tables.tag(status_tag(a, today)))),
        ],
        actions,
        responsive=True,
    )


def _shown(name: str, value: Any, owners: Mapping[int, str]) -> str:
    if value is None:
        return ""
    if name == "level":
        return str(Level(value).label)
    if name == "setting":
        return str(Setting(value).label)
    if name == "status":
        return str(ActionStatus(value).label)
    if name == "owner":
        return owners.get(value, "A former user")
    if name == "due_on":
        return date_uk(dt.date.fromisoformat(value))
    return str(value)


def history_table(changes: Iterable[ActionChange], owners: Mapping[int, str]) -> dict[str, Any]:
    """Every change to an action, oldest first: when, who, and each field from and to."""
    rows = []
    for change in changes:
        if change.created:
            what = "Added"
        else:
            what = "; ".join(
                f"{FIELD_LABELS.get(name, name)}: {_shown(name, old, owners)} to "
                f"{_shown(name, new, owners)}"
                for name, (old, new) in sorted(change.fields.items())
            )
        rows.append(
            [
                tables.text(datetime_uk(change.changed_at)),
                tables.text(change.changed_by.full_name),
                tables.text(what),
            ]
        )
    return tables.table(
        "History of this action, oldest first", ["When", "By", "What changed"], rows
    )
