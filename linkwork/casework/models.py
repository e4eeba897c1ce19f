"""Contacts with the person: when, how, how long, whether it happened, and a note."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Role
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


class ContactQuerySet(models.QuerySet["Contact"]):
    def visible_to(self, user: Any) -> ContactQuerySet:
        """Contacts and their notes are for the scheme's link workers and lead only: not
        referrers, providers or platform admins."""
        schemes = permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
        return self.filter(referral__scheme_id__in=schemes) if schemes else self.none()


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
