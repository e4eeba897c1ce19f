"""Casework on an episode: contacts, case notes, the support plan (what matters, goals and
actions), connections to directory services with their history and attendance, and follow-ups.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Role
from linkwork.casework.lifecycle import (
    OPEN_STATUSES,
    ConnectionStatus,
    FailureReason,
    RejectionReason,
)
from linkwork.core.models import StatusHistory
from linkwork.directory.models import Service
from linkwork.referrals.models import Referral


class Mode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    HOME_VISIT = "home_visit", "Home visit"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    TEXT_OR_EMAIL = "text_email", "Text or email"
    GROUP = "group", "Group session"


class Outcome(models.TextChoices):
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


class CaseworkQuerySet(models.QuerySet[Any]):
    """Casework is for the scheme's link workers and lead only: not referrers, providers or
    platform admins. `case_path` is the lookup from the model to its referral."""

    case_path = "referral"

    def visible_to(self, user: Any) -> Any:
        schemes = permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
        if not schemes:
            return self.none()
        return self.filter(**{f"{self.case_path}__scheme_id__in": schemes})


class ContactQuerySet(CaseworkQuerySet):
    pass


class Contact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="contacts")
    occurred_at = models.DateTimeField()
    mode = models.CharField(max_length=16, choices=Mode.choices)
    duration_minutes = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["referral", "-occurred_at"], name="contact_referral_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__lte=600), name="contact_duration_at_most_ten_hours"
            ),
        ]

    def __str__(self) -> str:
        return f"Contact {self.pk}"


class CaseNote(models.Model):
    """A note on the episode. A safeguarding note is shown at the top of the record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField()
    safeguarding = models.BooleanField(default=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    objects = CaseworkQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at"]
        indexes = [models.Index(fields=["referral", "-written_at"], name="casenote_referral_idx")]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="casenote_not_blank")]

    def __str__(self) -> str:
        return f"Case note {self.pk}"


class SupportPlan(models.Model):
    """ "What matters to me" and the plan agreed with the person, one per episode."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="plan")
    what_matters = models.TextField("what matters to me", blank=True)
    strengths = models.TextField(blank=True)
    needs_and_concerns = models.TextField(blank=True)
    agreed_on = models.DateField(
        null=True, blank=True, help_text="When the person agreed this plan; empty while a draft."
    )
    review_on = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    # Counted up by every edit, so an edit made on an older version is refused (no lost
    # updates, `linkwork.core.concurrency`).
    version = models.PositiveIntegerField(default=1)

    objects = CaseworkQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Support plan {self.pk}"


class GoalStatus(models.TextChoices):
    OPEN = "open", "Working on it"
    ACHIEVED = "achieved", "Achieved"
    STOPPED = "stopped", "No longer a goal"


class GoalQuerySet(CaseworkQuerySet):
    case_path = "plan__referral"


class Goal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="goals")
    description = models.CharField(max_length=500)
    importance = models.PositiveSmallIntegerField(
        help_text="How much the goal matters to the person, 0 (not at all) to 10 (most)."
    )
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["-importance", "created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="goal_not_blank"),
            models.CheckConstraint(condition=Q(importance__lte=10), name="goal_importance_0_10"),
        ]

    def __str__(self) -> str:
        return self.description


class GoalRating(models.Model):
    """The person's own 0-10 rating of progress towards a goal on a day; never overwritten."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField()
    rated_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rated_on", "recorded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=10), name="goal_rating_0_10"),
        ]

    def __str__(self) -> str:
        return f"{self.score}/10 on {self.rated_on}"


class ActionStatus(models.TextChoices):
    TO_DO = "to_do", "To do"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class PlanAction(models.Model):
    """A step in the plan: what, who does it, by when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="actions")
    what = models.CharField(max_length=500)
    who = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.TO_DO
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(what=""), name="plan_action_what_not_blank"),
            models.CheckConstraint(condition=~Q(who=""), name="plan_action_who_not_blank"),
        ]

    def __str__(self) -> str:
        return self.what


class SharedField(models.TextChoices):
    """What a provider may see about the person on a connection, each only with consent."""

    NAME = "name", "Name"
    CONTACT = "contact", "Phone number and email address"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth"
    ADDRESS = "address", "Address and postcode"
    NEEDS = "needs", "Needs"
    WHAT_MATTERS = "what_matters", "What matters to them"
    ACCESS = "access", "Language, interpreter and accessibility needs"


class ConnectionQuerySet(CaseworkQuerySet):
    def for_provider(self, user: Any) -> ConnectionQuerySet:
        """Connections a provider may see: requests to its own organisation's services.
        Signposted records and drafts never reach a provider."""
        own = permissions.organisation_ids(user, Role.PROVIDER)
        if not own:
            return self.none()
        return self.filter(service__organization__account_organisation_id__in=own).exclude(
            status__in=[ConnectionStatus.DRAFT, ConnectionStatus.SIGNPOSTED]
        )

    def open(self) -> ConnectionQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Connection(models.Model):
    """An onward referral of the person to a directory service, or a signposted record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="connections")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="connections")
    status = models.CharField(
        max_length=12, choices=ConnectionStatus.choices, default=ConnectionStatus.DRAFT
    )
    supported_linking = models.BooleanField(
        default=False, help_text="The link worker goes along the first time."
    )
    shared_fields = models.JSONField(
        default=list, blank=True, help_text="What the provider may see, from SharedField."
    )
    message_to_provider = models.TextField(blank=True)
    # The provider's response.
    requested_at = models.DateTimeField(null=True, blank=True)
    remind_on = models.DateField(null=True, blank=True)
    respond_by = models.DateField(
        null=True, blank=True, help_text="The provider's last day to answer (working days)."
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    waiting_list = models.BooleanField(
        default=False, help_text="Accepted, but the person waits for a place."
    )
    rejection_reason = models.CharField(max_length=20, choices=RejectionReason.choices, blank=True)
    failure_reason = models.CharField(max_length=20, choices=FailureReason.choices, blank=True)
    reason_detail = models.TextField(blank=True)
    # While on hold: the status to return to when the service reopens.
    held_from = models.CharField(max_length=12, choices=ConnectionStatus.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Counted up by every edit, so an edit made on an older version is refused (no lost
    # updates, `linkwork.core.concurrency`).
    version = models.PositiveIntegerField(default=1)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["referral", "status"], name="connection_referral_idx"),
            # With the deadline and waiting list: the provider's inbox counts its sections
            # from this index alone.
            models.Index(
                fields=["service", "status", "waiting_list", "respond_by"],
                name="connection_service_status_idx",
            ),
            models.Index(fields=["status", "respond_by"], name="connection_deadline_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ConnectionStatus.REJECTED) | ~Q(rejection_reason=""),
                name="connection_rejected_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=ConnectionStatus.FAILED) | ~Q(failure_reason=""),
                name="connection_failed_needs_reason",
            ),
            models.CheckConstraint(
                condition=Q(status=ConnectionStatus.ON_HOLD) | Q(held_from=""),
                name="connection_held_from_only_on_hold",
            ),
        ]

    def __str__(self) -> str:
        return f"Connection {self.pk}"


class ConnectionStatusChange(StatusHistory):
    """One immutable row per connection status change: who, when and why."""

    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(max_length=12, choices=ConnectionStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ConnectionStatus.choices)


class Attendance(models.Model):
    """One session at the service, as the provider or link worker recorded it."""

    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="attendance")
    session_on = models.DateField()
    attended = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-session_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "session_on"], name="attendance_one_per_session_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{'Attended' if self.attended else 'Did not attend'} on {self.session_on}"


class FollowUpQuerySet(CaseworkQuerySet):
    def due(self) -> FollowUpQuerySet:
        return self.filter(done_at__isnull=True)


class FollowUp(models.Model):
    """A scheduled check-in with the person, for example two weeks after a connection is
    accepted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="follow_ups")
    connection = models.ForeignKey(
        Connection, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    due_on = models.DateField()
    reason = models.CharField(max_length=300)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on"]
        indexes = [
            models.Index(
                fields=["referral", "due_on"],
                condition=Q(done_at__isnull=True),
                name="follow_up_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Follow-up {self.pk}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


# An appointment in one of these states has happened, or not, and is a contact on the record.
RECORDED_STATUSES = (AppointmentStatus.ATTENDED, AppointmentStatus.DID_NOT_ATTEND)


class AppointmentQuerySet(CaseworkQuerySet):
    def in_diary(self, start: Any, end: Any) -> AppointmentQuerySet:
        """Appointments starting from `start` up to (not including) `end`, soonest first."""
        return self.filter(starts_at__gte=start, starts_at__lt=end).order_by("starts_at")


class Appointment(models.Model):
    """A contact booked for the future. When it is recorded (attended or did not attend) it
    becomes a `Contact`, once: `contact` links the two."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="appointments")
    link_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    mode = models.CharField(max_length=16, choices=Mode.choices)
    place = models.CharField(
        max_length=300, blank=True, help_text="Where, or how: an address, a phone number, a link."
    )
    status = models.CharField(
        max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    contact = models.OneToOneField(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="appointment"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    # When the day-before reminder was queued: never twice.
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Counted up by every change, so a change made on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["link_worker", "starts_at"], name="appointment_diary_idx"),
            models.Index(fields=["referral", "starts_at"], name="appointment_referral_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=600),
                name="appointment_duration_5_to_600_minutes",
            ),
            # A recorded appointment is a contact; a booked or cancelled one is not.
            models.CheckConstraint(
                condition=Q(status__in=RECORDED_STATUSES, contact__isnull=False)
                | (~Q(status__in=RECORDED_STATUSES) & Q(contact__isnull=True)),
                name="appointment_recorded_has_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.pk}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class CalendarFeed(models.Model):
    """A link worker's secret calendar address. Only a hash of the secret is kept; revoking it
    (or issuing a new one) makes the old address answer 404."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_live_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed {self.pk}"
