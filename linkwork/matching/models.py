"""What matching showed and which weights it used: the record learning reads."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Role
from linkwork.directory.models import Service
from linkwork.referrals.models import Referral


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
        schemes = permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
        return self.filter(referral__scheme_id__in=schemes) if schemes else self.none()


class Shown(models.Model):
    """One service shown to a link worker for a referral: where, with what score."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
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
        indexes = [models.Index(fields=["referral", "service"], name="shown_referral_service_idx")]

    def __str__(self) -> str:
        return f"{self.service_id} at {self.position}"
