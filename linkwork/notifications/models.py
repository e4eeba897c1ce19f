"""Every message Linkwork sends, kept with what it said, to whom, how and whether it went.

A message holds personal data (names, addresses, what happened to a person), so it is read
through `Message.objects.visible_to(user)` only. Its status changes in one module,
`linkwork.notifications.lifecycle`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Organisation, Role
from linkwork.core.constraints import ChecksInOneQuery


class Audience(models.TextChoices):
    REFERRER = "referrer", "Referrer"
    GP = "gp", "GP practice"
    PERSON = "person", "Person"
    PROVIDER = "provider", "Provider"
    LINK_WORKER = "link_worker", "Link worker"
    SCHEME_LEAD = "scheme_lead", "Scheme lead"


class Event(models.TextChoices):
    RECEIVED = "received", "Referral received"
    ACCEPTED = "accepted", "Referral accepted"
    DECLINED = "declined", "Referral declined"
    REDIRECTED = "redirected", "Referral redirected"
    FIRST_CONTACT = "first_contact", "First contact"
    CLOSED = "closed", "Support ended"
    WITHDRAWN = "withdrawn", "Referral withdrawn"
    APPOINTMENT = "appointment", "Appointment"
    # Casework notices to staff: references and services only, never the person's details.
    CONNECTION_REQUESTED = "conn_requested", "Connection requested"
    CONNECTION_REMINDER = "conn_reminder", "Connection reminder"
    CONNECTION_OVERDUE = "conn_overdue", "Connection overdue"
    CONNECTION_ANSWERED = "conn_answered", "Connection answered"
    SERVICE_PAUSED = "service_paused", "Service paused"
    SERVICE_REOPENED = "service_reopen", "Service reopened"
    DUE_ITEMS = "due_items", "Casework due"
    SAFETY_FLAG = "safety_flag", "Safety flag raised"
    # Link worker support: prompts to a scheme's lead, counts only.
    SUPPORT_PROMPTS = "support_prompts", "Support prompts"
    # Alerts of the notification centre that also go by email (`centre.tell`).
    CASE_ASSIGNED = "case_assigned", "Case assigned"
    PERSON_REPLIED = "person_replied", "Reply from a person"
    OUTCOME_DUE = "outcome_due", "Outcome measure due"
    OVERDUE = "overdue", "Overdue"
    # The person's own prescription link and the feedback survey (`linkwork.prescription`).
    PRESCRIPTION = "prescription", "Prescription link"
    FEEDBACK_SURVEY = "survey", "Feedback survey"


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    # A task worker has claimed the message and is handing it to the provider. Still sending
    # after its claim ran out means the worker stopped part-way: it may have gone, so the
    # next attempt asks before sending again.
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    # What the provider said afterwards, by its delivery receipt (`linkwork.notifications.
    # callbacks`): the message reached the person's phone or inbox, or it did not.
    DELIVERED = "delivered", "Delivered"
    PERMANENT_FAILURE = "permanent_failure", "Not delivered"
    TEMPORARY_FAILURE = "temporary_failure", "Not delivered yet"


# Statuses that mean the message did not reach its reader: shown on the failed messages page
# and on the case.
FAILED_STATUSES = (MessageStatus.FAILED, MessageStatus.PERMANENT_FAILURE)


class MessageQuerySet(models.QuerySet["Message"]):
    def visible_to(self, user: Any) -> MessageQuerySet:
        """Messages the user may read.

        Link workers and scheme leads read every message of their schemes' referrals;
        referrers read the messages sent back to referrers about the referrals their
        organisation made. Everyone else reads none.
        """
        schemes = permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
        referring = permissions.organisation_ids(user, Role.REFERRER)
        if not schemes and not referring:
            return self.none()
        return self.filter(
            Q(referral__scheme_id__in=schemes)
            | Q(audience=Audience.REFERRER, referral__referring_organisation_id__in=referring)
        )


class Message(ChecksInOneQuery, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        help_text="Empty for messages about no referral.",
    )
    audience = models.CharField(max_length=16, choices=Audience.choices)
    event = models.CharField(max_length=16, choices=Event.choices)
    channel = models.CharField(max_length=8, choices=DeliveryChannel.choices)
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_address = models.TextField(
        help_text="An email address, a mobile number or a postal address, as the channel needs."
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text.")
    language = models.CharField(
        max_length=8,
        default="en-gb",
        help_text="The language the message is written in: 'en-gb' or 'cy' (Welsh).",
    )
    status = models.CharField(
        max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # A short description of the last failure, such as "Notify answered 500". Never the
    # provider's own error text, which may quote the address.
    last_error = models.CharField(max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # While a task worker is sending (status "sending"), no other may: it holds the message
    # until this time.
    claimed_until = models.DateTimeField(null=True, blank=True)
    provider_reference = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the provider's last delivery receipt said what became of it (delivered or not).
    receipt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_status_due_idx"),
            models.Index(fields=["referral", "created_at"], name="message_referral_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.SENT) | Q(sent_at__isnull=False),
                name="message_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(recipient_address=""), name="message_has_recipient_address"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="message_audience_known"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=DeliveryChannel.values), name="message_channel_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MessageStatus.values), name="message_status_known"
            ),
        ]

    def __str__(self) -> str:
        # Identity only: the subject and address may hold personal data.
        return f"Message {self.pk} ({self.channel}, {self.status})"


class Receipt(models.Model):
    """Proof that a backend accepted a message, written the moment it did and apart from the
    message's status: a worker that stops between sending and marking the message sent
    leaves the receipt, and the next attempt marks the message sent instead of sending it
    twice. The provider's reference only, no content."""

    message = models.OneToOneField(
        Message, on_delete=models.CASCADE, primary_key=True, related_name="receipt"
    )
    provider_reference = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Receipt for message {self.message_id}"


class LetterQuerySet(models.QuerySet["Letter"]):
    def visible_to(self, user: Any) -> LetterQuerySet:
        """Letters of the messages the user may read."""
        return self.filter(message__in=Message.objects.visible_to(user))


class Letter(models.Model):
    """The printable PDF of a message sent by post: exactly what was printed.

    Kept in the database rather than on one machine's disk, so any web process can serve it.
    """

    message = models.OneToOneField(
        Message, on_delete=models.CASCADE, primary_key=True, related_name="letter"
    )
    pdf = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    # The print queue: who printed and posted it, and when (`actions.mark_printed`). Empty
    # while the letter waits to be printed, and for letters sent through Notify's letter API.
    printed_at = models.DateTimeField(null=True, blank=True)
    printed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Sent through Notify's letter API, which prints and posts it: never in the print queue.
    via_notify = models.BooleanField(default=False)

    objects = LetterQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Letter for message {self.message_id}"


class Mailbox(models.Model):
    """Where an organisation receives messages back, such as a GP practice's NHSmail
    generic mailbox, or its postal address for letters."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="mailbox"
    )
    email = models.EmailField(blank=True)
    postal_address = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return f"Mailbox of {self.organisation}"


# --- The notification centre: alerts to staff, in Linkwork itself -------------------------------


class AlertKind(models.TextChoices):
    """What an alert to a member of staff is about. The labels name each kind on the settings
    page, where each may also go by email."""

    CASE_ASSIGNED = "case_assigned", "A new case is assigned to you"
    CONNECTION_ANSWERED = "conn_answered", "A provider accepts or declines a connection"
    PERSON_REPLIED = "person_replied", "A person replies to a message"
    SAFETY_FLAG = "safety_flag", "A safety flag is raised"
    OUTCOME_DUE = "outcome_due", "An outcome measure is due"
    OVERDUE = "overdue", "Something is overdue"


# Kinds that also go by email for a user who has not chosen: a safety flag cannot wait for
# someone to sign in, and a provider's answer went by email before the centre existed.
EMAIL_BY_DEFAULT = frozenset({AlertKind.SAFETY_FLAG, AlertKind.CONNECTION_ANSWERED})


class AlertQuerySet(models.QuerySet["Alert"]):
    def visible_to(self, user: Any) -> AlertQuerySet:
        """The user's own alerts: nobody reads another's, whatever their role."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self) -> AlertQuerySet:
        return self.filter(read_at__isnull=True)


class Alert(models.Model):
    """One notification to one member of staff: what happened, in a short sentence that names a
    referral by its reference (never the person), and where to go about it.

    Made only through `linkwork.notifications.centre.tell`. `key` makes an alert whose trigger
    can repeat (a daily job's "due" or "overdue") once per recipient."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    text = models.CharField(max_length=200)
    link = models.CharField(max_length=300, help_text="A path on this site, such as /casework/1/.")
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alerts",
        help_text="Empty for alerts about no referral.",
    )
    key = models.CharField(
        max_length=120,
        blank=True,
        help_text="Set for alerts whose trigger repeats: one alert per recipient and key.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="alert_recipient_read_idx"),
            models.Index(fields=["recipient", "-created_at"], name="alert_recipient_new_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="alert_key_once"
            ),
            models.CheckConstraint(condition=Q(kind__in=AlertKind.values), name="alert_kind_known"),
            models.CheckConstraint(
                condition=Q(link__startswith="/") & ~Q(link__startswith="//"),
                name="alert_link_is_a_path",
            ),
        ]

    def __str__(self) -> str:
        # Identity only: the text names a referral.
        return f"Alert {self.pk} ({self.kind})"


class AlertSettings(models.Model):
    """Which kinds of alert also go to the user by email. A user without a row has the
    defaults (`EMAIL_BY_DEFAULT`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="alert_settings",
    )
    email_kinds = models.JSONField(default=list, help_text="The kinds that also go by email.")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "alert settings"

    def __str__(self) -> str:
        return f"Alert settings of user {self.user_id}"


def email_kinds_of(user_ids: Any) -> dict[Any, frozenset[str]]:
    """For each user id, the kinds that also go by email (the defaults for users who never
    chose). One query."""
    chosen = dict(
        AlertSettings.objects.filter(user_id__in=list(user_ids)).values_list(
            "user_id", "email_kinds"
        )
    )
    return {
        user_id: frozenset(chosen[user_id]) if user_id in chosen else EMAIL_BY_DEFAULT
        for user_id in user_ids
    }


class InboundStatus(models.TextChoices):
    MATCHED = "matched", "Matched to a referral"
    UNMATCHED = "unmatched", "Waiting to be matched"


class InboundMessageQuerySet(models.QuerySet["InboundMessage"]):
    def visible_to(self, user: Any) -> InboundMessageQuerySet:
        """Replies the user may read: link workers and scheme leads read the replies threaded
        on their schemes' referrals. Replies nobody has matched belong to no scheme: only an
        admin who operates the platform reads them, to match them by hand."""
        schemes = permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
        matched = Q(referral__scheme_id__in=schemes) if schemes else Q(pk__in=[])
        if permissions.may(user, permissions.Ability.RUN_SERVICE):
            return self.filter(matched | Q(status=InboundStatus.UNMATCHED))
        if not schemes:
            return self.none()
        return self.filter(matched)


class InboundMessage(models.Model):
    """A text message a person sent back (GOV.UK Notify's received-text callback).

    Threaded on a referral only when the sender's number is the mobile of exactly one person
    with exactly one open referral; otherwise kept unmatched for an admin to match by hand,
    never attached to a guess. The text is personal data: never logged, every read audited.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Notify's id of the received text: the same callback twice keeps one reply.
    provider_id = models.CharField(max_length=200, unique=True)
    source_number = models.CharField(
        max_length=20, help_text="The sender's number, as +44 and the rest."
    )
    destination_number = models.CharField(max_length=20, blank=True)
    body = models.TextField(help_text="What the person wrote.")
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=12, choices=InboundStatus.choices, default=InboundStatus.UNMATCHED
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
    )
    # Empty when matched automatically by the number.
    matched_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    matched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = InboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["referral", "received_at"], name="inbound_referral_idx"),
            models.Index(fields=["status", "received_at"], name="inbound_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="matched") & Q(referral__isnull=False))
                | (Q(status="unmatched") & Q(referral__isnull=True)),
                name="inbound_matched_has_referral",
            ),
        ]

    def __str__(self) -> str:
        # Identity only: the number and the text are personal data.
        return f"Reply {self.pk} ({self.status})"
