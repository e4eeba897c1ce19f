"""Group sessions: a recurring group run by a provider organisation or by a scheme, its
sessions, and the register of each session.

A group is run either by a provider organisation (its providers run it) or by a scheme (its
link workers and leads run it), never both: a constraint holds it. People are booked through
their connection to the group's directory service, so a register holds no one the group's
runners could not already reach. A finalised register writes one `casework.Attendance` per
person (`RegisterEntry.attendance`), once.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Organisation, Role, Scheme
from linkwork.casework.models import Attendance, Connection
from linkwork.directory.models import Service


class Recurrence(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "The first of that weekday in each month"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class EntryStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ATTENDED = "attended", "Attended"
    ABSENT = "absent", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


# The statuses that hold a place at the session.
HOLDS_A_PLACE = (EntryStatus.BOOKED, EntryStatus.ATTENDED, EntryStatus.ABSENT)


def _runs_filter(user: Any, prefix: str = "") -> Q:
    """The groups a user runs: those of their provider organisations, and those of the schemes
    where they are a link worker or a lead."""
    organisations = permissions.organisation_ids(user, Role.PROVIDER)
    schemes = permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
    return Q(**{f"{prefix}organisation_id__in": organisations}) | Q(
        **{f"{prefix}scheme_id__in": schemes}
    )


class GroupQuerySet(models.QuerySet["Group"]):
    def visible_to(self, user: Any) -> GroupQuerySet:
        return self.filter(_runs_filter(user))


class Group(models.Model):
    """A recurring group, linked to the directory service people are connected to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="groups")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        help_text="The provider organisation that runs the group.",
    )
    scheme = models.ForeignKey(
        Scheme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        help_text="The scheme whose link workers run the group.",
    )
    venue = models.CharField("Where", max_length=300)
    recurrence = models.CharField(max_length=12, choices=Recurrence.choices)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts_at = models.TimeField("Start time")
    duration_minutes = models.PositiveSmallIntegerField(default=90)
    first_on = models.DateField("First session", help_text="Fortnightly groups count from it.")
    capacity = models.PositiveSmallIntegerField(help_text="Places at each session.")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Who changed or closed the group last, and when: named when a later edit conflicts.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    # Counted up by every change, so a change made on an older version is refused (no lost
    # updates, `linkwork.core.concurrency`).
    version = models.PositiveIntegerField(default=1)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(scheme__isnull=True))
                | (Q(organisation__isnull=True) & Q(scheme__isnull=False)),
                name="group_run_by_organisation_or_scheme",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="group_capacity_positive"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="group_weekday_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class SessionQuerySet(models.QuerySet["GroupSession"]):
    def visible_to(self, user: Any) -> SessionQuerySet:
        return self.filter(_runs_filter(user, "group__"))


class GroupSession(models.Model):
    """One meeting of a group. Generated ahead from the group's recurrence."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField()
    cancelled = models.BooleanField(default=False)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "starts_at"], name="group_session_once"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
            models.CheckConstraint(
                condition=Q(finalised_at__isnull=True) | Q(finalised_by__isnull=False),
                name="session_finalised_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} on {self.starts_at:%Y-%m-%d}"

    @property
    def finalised(self) -> bool:
        return self.finalised_at is not None


class EntryQuerySet(models.QuerySet["RegisterEntry"]):
    def visible_to(self, user: Any) -> EntryQuerySet:
        return self.filter(_runs_filter(user, "session__group__"))


class RegisterEntry(models.Model):
    """One person on one session's register, through their connection to the service."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(GroupSession, on_delete=models.PROTECT, related_name="entries")
    connection = models.ForeignKey(
        Connection, on_delete=models.PROTECT, related_name="register_entries"
    )
    status = models.CharField(
        max_length=10, choices=EntryStatus.choices, default=EntryStatus.BOOKED
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Written when the register is finalised: the attendance on the person's record.
    attendance = models.OneToOneField(
        Attendance,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="register_entry",
    )

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["booked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "connection"], name="register_one_entry_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"Register entry {self.pk}"
