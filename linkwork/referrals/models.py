"""Referrals into a scheme and their immutable status history."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Organisation, Role, Scheme
from linkwork.core.constraints import ChecksInOneQuery
from linkwork.core.models import StatusHistory
from linkwork.people.models import Person
from linkwork.referrals.lifecycle import (
    OPEN_STATUSES,
    ClosureReason,
    Complexity,
    DeclineReason,
    Status,
)
from linkwork.vocabulary.routes import Route

# No 0/O or 1/I/L, so a reference read over the phone is not misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"LW-{body[:4]}-{body[4:]}"


class Channel(models.TextChoices):
    """How a referral arrived in Linkwork."""

    STAFF_FORM = "staff_form", "Referral form"
    SELF_REFERRAL = "self_referral", "Self-referral form"
    API = "api", "API"
    DEMO = "demo", "Demo data"


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: Any) -> ReferralQuerySet:
        """Referrals the user may see.

        Link workers and scheme leads see their schemes' referrals; referrers see the
        referrals their organisation made. Everyone else sees none.
        """
        schemes = permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
        referring = permissions.organisation_ids(user, Role.REFERRER)
        if not schemes and not referring:
            return self.none()
        return self.filter(Q(scheme_id__in=schemes) | Q(referring_organisation_id__in=referring))

    def for_host_system(self, organisation_id: int) -> ReferralQuerySet:
        """Referrals of the schemes an organisation hosts, for that organisation's own case
        management system calling the API with its token. Never for a person's session."""
        return self.filter(scheme__host_id=organisation_id)

    def people_visible_to(self, user: Any) -> QuerySet[Any]:
        """Ids of the people whose records the user may open through a referral: every person
        of a referral in their schemes, and for a referring organisation the people of its
        own referrals, except a record one of them joined by a confirmed match. That record
        is someone the referrer did not describe, so they see only what they sent."""
        schemes = permissions.scheme_ids(user, Role.LINK_WORKER, Role.SCHEME_LEAD)
        referring = permissions.organisation_ids(user, Role.REFERRER)
        own = Q(referring_organisation_id__in=referring, joined_by_match=False)
        return self.filter(Q(scheme_id__in=schemes) | own).values("person_id")

    def with_open_elsewhere(self) -> ReferralQuerySet:
        """Annotate `open_elsewhere`: the person already has another open referral, in this
        scheme or another. Only the fact is shown, never which scheme, so triage can ask before
        starting a second episode without a record crossing a tenant line."""
        others = Referral.objects.filter(
            person_id=OuterRef("person_id"), status__in=OPEN_STATUSES
        ).exclude(pk=OuterRef("pk"))
        return self.annotate(open_elsewhere=Exists(others))

    def for_analysis(self, user: Any) -> ReferralQuerySet:
        """Referrals an analyst may count: those of schemes hosted by the analyst's
        organisations. For aggregates only; never for showing a person's record.
        """
        hosts = permissions.organisation_ids(user, Role.ANALYST)
        return self.filter(scheme__host_id__in=hosts) if hosts else self.none()


class Referral(ChecksInOneQuery, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=12, unique=True, default=new_reference)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="referrals")
    route = models.CharField(max_length=32, choices=Route.choices)
    referring_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_phone = models.CharField(max_length=20, blank=True)
    referrer_organisation_name = models.CharField(
        max_length=200, blank=True, help_text="When the referring organisation has no account."
    )
    # "Return response to" (PRSB): where the message back goes.
    response_to_name = models.CharField(max_length=200, blank=True)
    response_to_email = models.EmailField(blank=True)
    response_to_address = models.TextField(blank=True)
    needs = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)
    what_matters = models.TextField("what matters to me", blank=True)
    # A safeguarding concern the referrer gave with this referral. Kept on the referral, not
    # only the person, so a concern about someone already known is never lost; it raises a
    # safety flag (outcomes) that stays until a link worker records how it was handled.
    safeguarding_concern = models.TextField(blank=True)
    # The identity the referrer gave (names, date of birth, NHS number, postcode). A referrer is
    # shown this, never the record the referral joins once a link worker confirms a match.
    submitted_person = models.JSONField(default=dict, blank=True)
    # True once a link worker confirmed that the referral's person is someone already on
    # record and the referral joined that record: the referring organisation then sees the
    # referral and what it sent, never the record it joined (`people_visible_to`).
    joined_by_match = models.BooleanField(default=False)
    consent_to_refer = models.BooleanField(
        default=False, help_text="The referrer confirms the person agreed to this referral."
    )
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.STAFF_FORM)
    triage_due = models.DateField(null=True, blank=True)
    decline_reason = models.CharField(max_length=24, choices=DeclineReason.choices, blank=True)
    redirected_to = models.CharField(max_length=300, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    closure_reason = models.CharField(max_length=24, choices=ClosureReason.choices, blank=True)
    link_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_referrals",
        help_text="Empty on an accepted referral while the person is on the waiting list.",
    )
    complexity = models.CharField(
        max_length=12, choices=Complexity.choices, default=Complexity.STANDARD
    )
    waiting_since = models.DateTimeField(
        null=True, blank=True, help_text="When the person joined the scheme's waiting list."
    )
    received_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Counted up by every edit, so an edit made on an older version is refused (no lost
    # updates, `linkwork.core.concurrency`).
    version = models.PositiveIntegerField(default=1)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["scheme", "status"], name="referral_scheme_status_idx"),
            models.Index(fields=["link_worker", "status"], name="referral_worker_status_idx"),
            # A link worker's people this year, for the yearly caseload limit.
            models.Index(
                fields=["link_worker", "received_at"], name="referral_worker_received_idx"
            ),
            # A referring organisation's referrals, newest first (the referrer's list): read
            # a page from the index rather than sorting all of a practice's referrals.
            models.Index(
                fields=["referring_organisation", "-received_at"],
                name="referral_referrer_received_idx",
            ),
            # Every link worker's loads in a scheme (capacity, triage, the lead's home), read
            # from the index alone: open cases by status and weight, the year's people.
            models.Index(
                fields=[
                    "scheme",
                    "link_worker",
                    "person",
                    "received_at",
                    "status",
                    "complexity",
                ],
                name="referral_load_idx",
            ),
            # Counts by route over a period, per scheme (the analyst's home, insights), read
            # from the index alone.
            models.Index(
                fields=["scheme", "received_at", "route"], name="referral_scheme_received_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=Status.CLOSED) | Q(closure_reason=""),
                name="referral_closure_reason_only_when_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | ~Q(closure_reason=""),
                name="referral_closed_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.DECLINED) | ~Q(decline_reason=""),
                name="referral_declined_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def withdrawal_reason(self) -> str:
        """Why the referral was withdrawn, as whoever withdrew it wrote it; "" if it was not."""
        if self.status != Status.WITHDRAWN:
            return ""
        change = self.history.filter(to_status=Status.WITHDRAWN).order_by("changed_at", "id")
        last = change.last()
        return last.reason.strip() if last is not None else ""

    def as_sent(self) -> SentIdentity:
        """The person as the referrer described them: what a referrer, and the message back
        to them, is shown. Referrals made before the submitted identity was kept (and bulk
        demo rows) fall back to their person, which is then the record made from them; a
        referral that joined another record by a match never shows that record."""
        sent = self.submitted_person or {}
        if not sent and not self.joined_by_match:
            person = self.person
            return SentIdentity(
                person.given_name,
                person.family_name,
                person.date_of_birth,
                person.nhs_number,
                person.postcode,
            )
        born = sent.get("date_of_birth") or ""
        return SentIdentity(
            sent.get("given_name", ""),
            sent.get("family_name", ""),
            dt.date.fromisoformat(born) if born else None,
            sent.get("nhs_number", "").replace(" ", ""),
            sent.get("postcode", ""),
        )


@dataclass(frozen=True)
class SentIdentity:
    """Who a referral is about, in the referrer's own words."""

    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    nhs_number: str
    postcode: str

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class StatusChange(StatusHistory):
    """One immutable row per referral status change: who, when and why."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)


class CodedEvent(models.Model):
    """A SNOMED CT coded event of an episode, for the GP record and for returns."""

    REFERRED = ("871731000000106", "Referral to social prescribing service (procedure)")
    DECLINED = ("871711000000103", "Social prescribing declined (situation)")

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="coded_events")
    code = models.CharField(max_length=18)
    display = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "code"], name="coded_event_once_per_episode"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display}"
