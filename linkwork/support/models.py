"""Link worker support: supervision sessions, training, the wellbeing check-in, the peer
network and each scheme's support settings.

These records are about staff, not about the people a scheme supports. Supervision notes are
the most private of them: only the supervisor and the supervisee may read them
(`SupervisionSession.objects.notes_visible_to`); the scheme's lead sees that a session
happened, never what was said. Wellbeing answers are shown to their author only; leads see
aggregates of five answers or more (`measures.wellbeing_summary`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Role, Scheme
from linkwork.directory.models import Service

# Defaults of a scheme's support settings, used until its lead changes them.
DEFAULT_SUPERVISION_GAP_WEEKS = 6
DEFAULT_COMPLEX_SHARE_PERCENT = 50
DEFAULT_COMPLEX_COUNT = 10


class SchemeSupport(models.Model):
    """A scheme's support settings: when its lead is prompted about a link worker."""

    scheme = models.OneToOneField(Scheme, on_delete=models.CASCADE, related_name="support")
    supervision_gap_weeks = models.PositiveSmallIntegerField(
        default=DEFAULT_SUPERVISION_GAP_WEEKS,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="Prompt the lead when a link worker has had no supervision for this long.",
    )
    complex_share_percent = models.PositiveSmallIntegerField(
        default=DEFAULT_COMPLEX_SHARE_PERCENT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Prompt when at least this share of a link worker's open cases are complex.",
    )
    complex_count = models.PositiveSmallIntegerField(
        default=DEFAULT_COMPLEX_COUNT,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text="Prompt when a link worker has at least this many complex open cases.",
    )
    # What the leads were last told and when: the same prompts are told again only after
    # `PROMPT_REPEAT_DAYS`, never every day they stand.
    last_told_lines = models.JSONField(default=list, blank=True)
    last_told_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "scheme support settings"

    def __str__(self) -> str:
        return f"Support settings of {self.scheme}"


def support_settings(scheme: Scheme) -> SchemeSupport:
    """The scheme's support settings, or the defaults (unsaved) when its lead set none."""
    found = SchemeSupport.objects.filter(scheme=scheme).first()
    return found if found is not None else SchemeSupport(scheme=scheme)


class SupervisionKind(models.TextChoices):
    CLINICAL = "clinical", "Clinical supervision"
    CASE = "case", "Case review"
    PEER = "peer", "Peer supervision"
    WELLBEING = "wellbeing", "Wellbeing"


class SupervisionSessionQuerySet(models.QuerySet["SupervisionSession"]):
    def visible_to(self, user: Any) -> SupervisionSessionQuerySet:
        """Sessions the user may know happened: their own (as supervisor or supervisee) and
        every session of the schemes they lead. Not their notes: see `notes_visible_to`."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        leads = permissions.scheme_ids(user, Role.SCHEME_LEAD)
        return self.filter(
            Q(supervisor_id=user.pk) | Q(supervisee_id=user.pk) | Q(scheme_id__in=leads)
        )

    def notes_visible_to(self, user: Any) -> SupervisionSessionQuerySet:
        """Sessions whose notes the user may read: only those where they are the supervisor
        or the supervisee. A lead who is neither reads none."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Q(supervisor_id=user.pk) | Q(supervisee_id=user.pk))


class SupervisionSession(models.Model):
    """One supervision session of a link worker of a scheme."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    supervisee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervised_in"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervising"
    )
    held_on = models.DateField()
    kind = models.CharField(max_length=12, choices=SupervisionKind.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = SupervisionSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["scheme", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(supervisor=F("supervisee")), name="support_session_two_people"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5) & Q(duration_minutes__lte=480),
                name="support_session_duration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on:%Y-%m-%d}"

    def notes_readable_by(self, user: Any) -> bool:
        return user.pk in (self.supervisor_id, self.supervisee_id)


class RequiredCourse(models.Model):
    """A course every link worker of the scheme must hold, renewed every so many months."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="required_courses")
    name = models.CharField(max_length=200)
    renewal_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Empty when the course never needs renewing.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "name"], name="support_course_once")
        ]

    def __str__(self) -> str:
        return self.name


class TrainingRecord(models.Model):
    """A course a link worker completed."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    course = models.CharField(max_length=200)
    provider = models.CharField(max_length=200)
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("completed_on")),
                name="support_training_expires_after_completion",
            )
        ]

    def __str__(self) -> str:
        return self.course


class WellbeingCheckIn(models.Model):
    """One link worker's answers for one month, each 1 (not at all) to 5 (completely)."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_check_ins"
    )
    month = models.DateField(help_text="The first day of the month answered for.")
    workload = models.PositiveSmallIntegerField()
    supported = models.PositiveSmallIntegerField()
    switch_off = models.PositiveSmallIntegerField()
    confident = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "month"], name="support_check_in_monthly"),
            models.CheckConstraint(condition=Q(month__day=1), name="support_check_in_month"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"support_check_in_{name}_1_to_5",
                )
                for name in ("workload", "supported", "switch_off", "confident")
            ],
        ]

    def __str__(self) -> str:
        return f"Check-in for {self.month:%B %Y}"


def month_of(day: dt.date) -> dt.date:
    """The first day of the month of `day`."""
    return day.replace(day=1)


class PeerProfile(models.Model):
    """A link worker's entry in the peer network: off until they opt in."""

    worker = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_profile"
    )
    opted_in = models.BooleanField(default=False)
    needs = models.JSONField(default=list, blank=True)
    services = models.ManyToManyField(Service, blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Peer network entry of user {self.worker_id}"
