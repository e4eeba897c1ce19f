"""The evaluations asked for from the insights pages: who asked, for which scheme and period,
which analyses, and what became of the report. Nothing personal is kept: the report is built
from the pseudonymised extract and only the person who asked may download it."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from linkwork.accounts.models import Scheme
from linkwork.insights import scope

ANALYSES = (
    ("change", "Change before and after support (every outcome measure recorded)"),
    ("did", "Difference-in-differences of HbA1c: people a provider took on against the rest"),
    ("event_study", "Event study of unplanned care (A&E and emergency admissions)"),
    ("cost_effectiveness", "Cost-effectiveness (EQ-5D-5L QALYs, care use costs)"),
    ("subgroups", "Subgroups: deprivation, ethnic group and long-term conditions"),
)


class EvaluationStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being built"
    DONE = "done", "Ready to download"
    FAILED = "failed", "Could not be built"


def reports_directory() -> Path:
    """Where reports are written: a private folder of the data directory, never served."""
    return Path(settings.DATA_DIR) / "evaluations"


def evaluable_scheme_ids(user: Any) -> frozenset[int]:
    """Schemes whose evaluation the user may run: those they lead, and those hosted by an
    organisation they analyse for (as the dashboards count them)."""
    return scope.scheme_ids_for(user)


class EvaluationRequestQuerySet(models.QuerySet["EvaluationRequest"]):
    def visible_to(self, user: Any) -> EvaluationRequestQuerySet:
        """The user's own requests, for schemes they may still evaluate."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(requested_by_id=user.pk, scheme_id__in=evaluable_scheme_ids(user))


class EvaluationRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    period_from = models.CharField(max_length=7, blank=True, help_text="YYYY-MM, received from")
    period_to = models.CharField(max_length=7, blank=True, help_text="YYYY-MM, received to")
    analyses = models.JSONField(default=list)
    with_pdf = models.BooleanField(default=True)
    status = models.CharField(
        max_length=8, choices=EvaluationStatus.choices, default=EvaluationStatus.QUEUED
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    has_pdf = models.BooleanField(default=False)
    problems = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    objects = EvaluationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Evaluation {self.pk}"

    def path(self, kind: str) -> Path:
        """The report file: kind "html" or "pdf"."""
        return reports_directory() / f"{self.pk}.{kind}"
