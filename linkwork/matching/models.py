"""What matching showed and which weights it used: the record learning reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwork.directory.models import Service

# Which cases a user may see is decided above matching, by the app that owns cases: casework
# registers it in its `ready()`, as a function of the user giving a query of case ids, or
# None for none. Until one is registered, nobody sees any.
CaseScope = Callable[[Any], "models.QuerySet[Any] | None"]
_case_scope: list[CaseScope] = []


def register_case_scope(scope: CaseScope) -> None:
    """Say which cases' shown-log a user may see, replacing any scope said before."""
    _case_scope[:] = [scope]


class WeightSet(models.Model):
    """A version of the ranking weights. At most one is active; none active means the default
    weights written in `weights.py`."""

    version = models.CharField(max_length=40, unique=True)
    weights = models.JSONField()
    active = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    evaluation = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=Q(active=True), name="one_active_weight_set"
            ),
        ]

    def __str__(self) -> str:
        return self.version


class ShownQuerySet(models.QuerySet["Shown"]):
    def visible_to(self, user: Any) -> ShownQuerySet:
        cases = _case_scope[0](user) if _case_scope else None
        return self.filter(case_ref__in=cases) if cases is not None else self.none()


class Shown(models.Model):
    """One service shown to a link worker for a case: where, with what score. The case is an
    opaque reference (a referral's id, given by casework): matching knows no referrals."""

    case_ref = models.UUIDField()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    score = models.FloatField()
    weights_version = models.CharField(max_length=40)
    shown_at = models.DateTimeField(default=timezone.now)
    shown_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ShownQuerySet.as_manager()

    class Meta:
        ordering = ["shown_at", "position"]
        # Case first: learning reads a case's rows together, and the scope filters by case.
        indexes = [models.Index(fields=["case_ref", "service"], name="shown_case_service_idx")]

    def __str__(self) -> str:
        return f"{self.service_id} at {self.position}"
