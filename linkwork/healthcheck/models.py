"""What the health check keeps: the scheme lead's self-assessments and the action plan.

Both keep their history. Each self-assessment submission is a new dated record that is never
changed; the latest counts. An action of the plan may change, but every change writes an
immutable `ActionChange` row naming who, when and what changed (old and new values).
Nothing here is about a person: these are records of a scheme's own practice.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwork.accounts.models import Scheme, User
from linkwork.healthcheck.framework import Archetype, Level, Setting

if TYPE_CHECKING:
    from django_stubs_ext.db.models.manager import RelatedManager


class SelfAssessment(models.Model):
    """One submission of the self-assessment by a scheme lead: every question answered."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="self_assessments")
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="self_assessments")
    answered_at = models.DateTimeField(default=timezone.now)
    # The questionnaire's version when it was answered, so an old answer reads as it was asked.
    version = models.CharField(max_length=20)

    if TYPE_CHECKING:
        answers: RelatedManager[SelfAssessmentAnswer]

    class Meta:
        ordering = ["-answered_at", "-pk"]
        indexes = [models.Index(fields=["scheme", "-answered_at"], name="hc_assessment_latest")]

    def __str__(self) -> str:
        return f"Self-assessment of {self.scheme} at {self.answered_at:%Y-%m-%d %H:%M}"


class SelfAssessmentAnswer(models.Model):
    """One question's answer; its level and setting are kept as they were asked."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=50)
    level = models.CharField(max_length=20, choices=Level.choices)
    setting = models.CharField(max_length=20, choices=Setting.choices)
    rating = models.CharField(max_length=20, choices=Archetype.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="hc_answer_one_per_question"
            ),
            models.CheckConstraint(
                condition=Q(rating__in=Archetype.values), name="hc_answer_rating_known"
            ),
            models.CheckConstraint(
                condition=Q(level__in=Level.values) & Q(setting__in=Setting.values),
                name="hc_answer_cell_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.rating}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


# An action still to be done: it can be overdue.
OPEN_STATUSES = frozenset({ActionStatus.PLANNED, ActionStatus.IN_PROGRESS})


class Action(models.Model):
    """One action of a scheme's health check plan, for one cell (level x setting)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="health_actions")
    level = models.CharField(max_length=20, choices=Level.choices)
    setting = models.CharField(max_length=20, choices=Setting.choices)
    what = models.CharField("Action", max_length=500)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="health_actions")
    due_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="health_actions_created"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    if TYPE_CHECKING:
        changes: RelatedManager[ActionChange]

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="hc_action_status_known"
            ),
            models.CheckConstraint(
                condition=Q(level__in=Level.values) & Q(setting__in=Setting.values),
                name="hc_action_cell_known",
            ),
        ]

    def __str__(self) -> str:
        return self.what

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status in OPEN_STATUSES and self.due_on < (today or timezone.localdate())


class ActionChange(models.Model):
    """One immutable change to an action: who, when, and each field's old and new value
    (`{"status": ["planned", "done"]}`; the owner by user id). The first row of an action
    records its creation, with every field's first value."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    created = models.BooleanField(default=False)
    fields = models.JSONField(default=dict)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"Change to action {self.action_id} at {self.changed_at:%Y-%m-%d %H:%M}"
