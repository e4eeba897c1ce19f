"""The person's own prescription: the single-use links that open it, the feedback survey sent a
week after each connection starts, the answers, and who the person calls at their scheme.

A link's secret is never stored: only its SHA-256 digest (`tokens.digest`). Links and survey
invitations hold who they are for, so staff read them through `visible_to(user)` only; answers
are read per service, never with a name (`results.py`).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Role, Scheme
from linkwork.casework.models import Connection
from linkwork.directory.models import Service
from linkwork.referrals.models import Referral


class Channel(models.TextChoices):
    """How the link reached the person: by their chosen channel, or printed by staff."""

    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    PRINTED = "printed", "Printed and handed over"


class LinkState(models.TextChoices):
    WAITING = "waiting", "Not opened yet"
    OPENED = "opened", "Opened"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class LinkQuerySet(models.QuerySet["PrescriptionLink"]):
    def visible_to(self, user: Any) -> LinkQuerySet:
        """Links of the referrals of the schemes where the user is a link worker or lead."""
        schemes = permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
        if not schemes:
            return self.none()
        return self.filter(referral__scheme_id__in=schemes)


class PrescriptionLink(models.Model):
    """A single-use, expiring link to the person's own prescription page."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="prescription_links"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # The message that carried it (blank for a printed link, or when nobody could be reached).
    message_id = models.UUIDField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # Opening the link once exchanges it for a short session in that browser.
    opened_at = models.DateTimeField(null=True, blank=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                name="prescription_link_revoked_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Prescription link {self.pk}"

    @property
    def scheme_id(self) -> int:
        """The referral's scheme: what the permission rules ask of a casework record."""
        return int(self.referral.scheme_id)

    def state(self, now: Any = None) -> LinkState:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return LinkState.REVOKED
        if self.expires_at <= now:
            return LinkState.EXPIRED
        if self.opened_at is not None:
            return LinkState.OPENED
        return LinkState.WAITING

    def usable(self, now: Any = None) -> bool:
        return self.state(now) in (LinkState.WAITING, LinkState.OPENED)


class InvitationQuerySet(models.QuerySet["SurveyInvitation"]):
    def visible_to(self, user: Any) -> InvitationQuerySet:
        schemes = permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
        if not schemes:
            return self.none()
        return self.filter(connection__referral__scheme_id__in=schemes)


class SurveyInvitation(models.Model):
    """The feedback survey sent for one connection: one per connection, never twice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    connection = models.OneToOneField(
        Connection, on_delete=models.PROTECT, related_name="survey_invitation"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, blank=True)
    message_id = models.UUIDField(null=True, blank=True)
    # Why nobody was sent it (a code: "contact_consent_refused"), when nobody was.
    skipped = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Survey invitation {self.pk}"


class Went(models.TextChoices):
    YES = "yes", "Yes"
    NOT_YET = "not_yet", "Not yet"
    NO = "no", "No"


class Welcome(models.TextChoices):
    VERY = "very", "Very welcome"
    QUITE = "quite", "Quite welcome"
    NOT_VERY = "not_very", "Not very welcome"
    NOT_AT_ALL = "not_at_all", "Not welcome at all"
    NOT_GONE = "not_gone", "I have not been"


class Helped(models.TextChoices):
    A_LOT = "a_lot", "Yes, a lot"
    A_LITTLE = "a_little", "Yes, a little"
    NO = "no", "No"
    TOO_SOON = "too_soon", "Too soon to say"


class Recommend(models.TextChoices):
    YES = "yes", "Yes"
    MAYBE = "maybe", "Maybe"
    NO = "no", "No"


class FeedbackAnswer(models.Model):
    """One person's answers about one connection, kept with the service and never a name."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    connection = models.OneToOneField(Connection, on_delete=models.PROTECT, related_name="feedback")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="feedback")
    went = models.CharField(max_length=8, choices=Went.choices)
    welcome = models.CharField(max_length=10, choices=Welcome.choices)
    helped = models.CharField(max_length=10, choices=Helped.choices)
    recommend = models.CharField(max_length=6, choices=Recommend.choices)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-answered_at"]
        indexes = [models.Index(fields=["service", "answered_at"], name="feedback_service_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(went__in=Went.values), name="feedback_went_valid"),
            models.CheckConstraint(
                condition=Q(welcome__in=Welcome.values), name="feedback_welcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(helped__in=Helped.values), name="feedback_helped_valid"
            ),
            models.CheckConstraint(
                condition=Q(recommend__in=Recommend.values), name="feedback_recommend_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback {self.pk}"


class SchemeContact(models.Model):
    """Who the person calls at their scheme, shown on their prescription page."""

    scheme = models.OneToOneField(Scheme, on_delete=models.CASCADE, related_name="person_contact")
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    hours = models.CharField(
        max_length=200, blank=True, help_text="When the phone is answered, in plain words."
    )

    def __str__(self) -> str:
        return f"Contact for scheme {self.scheme_id}"
