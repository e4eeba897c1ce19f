"""Recorded outcome measures: one immutable row per completed questionnaire."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from linkwork.referrals.models import Referral


class TimePoint(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    FOLLOW_UP = "follow_up", "Follow-up"
    DISCHARGE = "discharge", "Discharge"
    AD_HOC = "ad_hoc", "Ad hoc"


class ImmutableMeasure(Exception):
    """Raised on an attempt to change a recorded measure: record a correction instead."""


class OutcomeMeasureQuerySet(models.QuerySet["OutcomeMeasure"]):
    def visible_to(self, user: Any) -> OutcomeMeasureQuerySet:
        """Measures of the referrals the user may see."""
        return self.filter(referral__in=Referral.objects.visible_to(user))


class OutcomeMeasure(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="outcome_measures"
    )
    instrument = models.CharField(max_length=32)
    instrument_version = models.CharField(max_length=16)
    time_point = models.CharField(max_length=16, choices=TimePoint.choices)
    responses = models.JSONField()
    result = models.JSONField()
    flags = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = OutcomeMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at"]
        indexes = [
            models.Index(fields=["referral", "instrument", "recorded_at"], name="outcome_traj_idx")
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.time_point} {self.recorded_at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Measures are evidence: a correction is a new row, never an edit of an old one.
        if not self._state.adding:
            raise ImmutableMeasure("Outcome measures cannot be changed; record a new measure.")
        super().save(*args, **kwargs)
