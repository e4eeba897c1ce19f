"""Recorded outcome measures: one immutable row per completed questionnaire; and the safety
flags a measure or a safeguarding concern raises, each open until a link worker records how it
was handled."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Role, Scheme
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


class FlagKind(models.TextChoices):
    SELF_HARM = "self_harm", "Thoughts of self-harm"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"


class ImmutableFlag(Exception):
    """Raised on an attempt to change a raised flag or the record of how it was handled."""


class SafetyFlagQuerySet(models.QuerySet["SafetyFlag"]):
    def visible_to(self, user: Any) -> SafetyFlagQuerySet:
        """Flags of the referrals the user supports: link workers and scheme leads of the
        referral's scheme. Referrers and providers see none."""
        schemes = permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
        # Every referral of these schemes is visible to them (`Referral.visible_to`), so the
        # scheme is the whole test; a subquery of the schemes' referrals would only slow it.
        return self.filter(referral__scheme_id__in=schemes)

    def open(self) -> SafetyFlagQuerySet:
        """Flags nobody has yet recorded as handled."""
        return self.filter(handling__isnull=True)


class SafetyFlag(models.Model):
    """A risk raised in one episode of support. It stays open, shown on every page of the
    person's record, until a `FlagHandling` records what was done."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="safety_flags")
    kind = models.CharField(max_length=16, choices=FlagKind.choices)
    # The measure whose answer raised it; none for a safeguarding concern.
    measure = models.ForeignKey(
        OutcomeMeasure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # None when raised at intake by someone outside Linkwork (a self-referral, the API).
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)

    objects = SafetyFlagQuerySet.as_manager()

    class Meta:
        ordering = ["raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=FlagKind.values), name="safety_flag_kind_known"
            )
        ]

    def __str__(self) -> str:
        # Identity only: what the flag is about is personal data.
        return f"Safety flag {self.pk} ({self.kind})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableFlag("A raised flag cannot be changed; record how it was handled.")
        super().save(*args, **kwargs)


class FlagHandling(models.Model):
    """How a link worker handled a flag: what they did, who they are and when. Immutable."""

    flag = models.OneToOneField(SafetyFlag, on_delete=models.PROTECT, related_name="handling")
    action_taken = models.TextField()
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(action_taken=""), name="flag_handling_says_what_was_done"
            )
        ]

    def __str__(self) -> str:
        return f"Handling of safety flag {self.flag_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableFlag("How a flag was handled cannot be changed once recorded.")
        super().save(*args, **kwargs)


class InstrumentLicence(models.Model):
    """A scheme's switch for one instrument that needs a licence or registration: off stops
    the scheme recording it; on lets it follow the installation (see `licensing`). No row
    means the scheme follows the installation. The last change only: each change is audited
    (`instrument.licence_changed`)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="+")
    instrument = models.CharField(max_length=32)
    enabled = models.BooleanField()
    reference = models.CharField(max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "instrument"], name="one_licence_switch_per_scheme"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {'on' if self.enabled else 'off'} for scheme {self.scheme_id}"
