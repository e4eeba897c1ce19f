"""Records and rights: how long each class of record is kept, the records due for review, and
the requests people make under UK GDPR Articles 15 to 18, with each decision and its reason.

Nothing here deletes a record. The nightly review lists records whose retention period has
ended; a person decides what happens to each (`ReviewItem`), and the decision is audited."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from linkwork.accounts import permissions
from linkwork.accounts.models import Organisation, Role
from linkwork.people.models import Person
from linkwork.records.dates import add_months, add_years

# --- Retention -------------------------------------------------------------------------------


class RecordClass(models.TextChoices):
    PERSON_RECORD = "person_record", "Social prescribing record (person, referrals and casework)"
    MESSAGES = "messages", "Messages sent about a referral"
    AUDIT = "audit", "Audit trail (who viewed or changed a record)"
    IDEMPOTENCY_KEYS = "idempotency_keys", "API idempotency keys"


class PeriodUnit(models.TextChoices):
    YEARS = "years", "years"
    MONTHS = "months", "months"
    DAYS = "days", "days"


class RetentionRule(models.Model):
    """How long one class of record is kept, from when, and on what authority. One per class;
    the defaults are written by the migration and admins who operate the platform change
    them (`Ability.SET_RETENTION`). The privacy page states them."""

    record_class = models.CharField(max_length=20, choices=RecordClass.choices, unique=True)
    period = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=6, choices=PeriodUnit.choices, default=PeriodUnit.YEARS)
    starts = models.CharField(
        "counted from", max_length=200, help_text="The event the period is counted from."
    )
    basis = models.TextField(
        "legal basis and source", help_text="Why this period: the law or code that sets it."
    )
    reviewed_nightly = models.BooleanField(
        default=True,
        help_text="Whether the nightly review lists records of this class when their period "
        "ends. Classes disposed of by their own job (API idempotency keys) are not listed.",
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["record_class"]
        constraints = [
            models.CheckConstraint(condition=Q(period__gte=1), name="retention_period_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.record_class}: {self.period} {self.unit}"

    @property
    def period_text(self) -> str:
        unit = self.get_unit_display()
        return f"{self.period} {unit[:-1] if self.period == 1 else unit}"

    def ends(self, start: dt.date) -> dt.date:
        """The day the period that began on `start` ends."""
        if self.unit == PeriodUnit.YEARS:
            return add_years(start, self.period)
        if self.unit == PeriodUnit.MONTHS:
            return add_months(start, self.period)
        return start + dt.timedelta(days=self.period)

    def began_before(self, today: dt.date) -> dt.date:
        """Records whose period began before this day have reached the end of it by `today`."""
        if self.unit == PeriodUnit.YEARS:
            return add_years(today, -self.period) + dt.timedelta(days=1)
        if self.unit == PeriodUnit.MONTHS:
            return add_months(today, -self.period) + dt.timedelta(days=1)
        return today - dt.timedelta(days=self.period - 1)


class ReviewStatus(models.TextChoices):
    DUE = "due", "Due for review"
    KEPT = "kept", "Kept for another period"
    DISPOSAL_AGREED = "disposal_agreed", "Reviewed: agreed for disposal"


class ReviewItemQuerySet(models.QuerySet["ReviewItem"]):
    def visible_to(self, user: Any) -> ReviewItemQuerySet:
        """Items of the organisations the user administers; and, for admins who operate the
        platform, the items no organisation owns (the audit trail)."""
        mine = permissions.organisation_ids(user, Role.ADMIN)
        if not mine:
            return self.none()
        shown = Q(organisation_id__in=mine)
        if getattr(user, "is_staff", False):
            shown |= Q(organisation__isnull=True)
        return self.filter(shown)


class ReviewItem(models.Model):
    """One record (or, for the audit trail, one month of it) whose retention period has ended,
    listed by the nightly review for a person to decide on. Never a deletion."""

    record_class = models.CharField(max_length=20, choices=RecordClass.choices)
    # The organisation whose record it is; empty for the platform's own (the audit trail).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    last_activity = models.DateField(help_text="The day the retention period is counted from.")
    due_on = models.DateField(help_text="The day the retention period ended.")
    first_listed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DUE)
    keep_until = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_class", "organisation", "object_type", "object_id"],
                condition=Q(organisation__isnull=False),
                name="review_item_once_per_record",
            ),
            models.UniqueConstraint(
                fields=["record_class", "object_type", "object_id"],
                condition=Q(organisation__isnull=True),
                name="review_item_once_per_platform_record",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.KEPT)
                | (Q(keep_until__isnull=False) & ~Q(reason="")),
                name="review_item_kept_until_and_why",
            ),
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.DUE) | Q(decided_at__isnull=False),
                name="review_item_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.pk}: {self.record_class} {self.object_id}"


# --- Rights requests -------------------------------------------------------------------------


class RequestKind(models.TextChoices):
    ACCESS = "access", "Access to their information (Article 15)"
    ERASURE = "erasure", "Erasure (Article 17)"
    RESTRICTION = "restriction", "Restriction of processing (Article 18)"


class Requester(models.TextChoices):
    PERSON = "person", "The person themselves"
    REPRESENTATIVE = "representative", "Someone acting for them, with their authority"


class Decision(models.TextChoices):
    GRANTED = "granted", "Granted"
    PARTIAL = "partial", "Granted in part"
    REFUSED = "refused", "Refused"


class LegalReason(models.TextChoices):
    """The provisions a decision rests on, with free text beside them for the detail."""

    ART15_COMPLIED = "art15", "Article 15: the person's right of access, complied with"
    ART15_4 = "art15_4", "Article 15(4): would adversely affect the rights of others"
    DPA_SCH3_HEALTH = (
        "dpa_sch3",
        "Data Protection Act 2018, Schedule 3 Part 2: serious harm test for health data",
    )
    ART12_5 = "art12_5", "Article 12(5): manifestly unfounded or excessive"
    ART17_1_A = "art17_1_a", "Article 17(1)(a): no longer necessary for its purpose"
    ART17_1_B = "art17_1_b", "Article 17(1)(b): consent withdrawn, no other lawful basis"
    ART17_1_C = "art17_1_c", "Article 17(1)(c): objection upheld (Article 21)"
    ART17_1_D = "art17_1_d", "Article 17(1)(d): processed unlawfully"
    ART17_3_B = (
        "art17_3_b",
        "Article 17(3)(b): needed for a legal obligation or a task in the public interest",
    )
    ART17_3_C = (
        "art17_3_c",
        "Article 17(3)(c): public health; health or social care (Article 9(2)(h) and (i))",
    )
    ART17_3_E = "art17_3_e", "Article 17(3)(e): needed for legal claims"
    ART9_2_H = "art9_2_h", "Article 9(2)(h): provision of health or social care"
    ART18_1_A = "art18_1_a", "Article 18(1)(a): accuracy contested, while it is checked"
    ART18_1_B = "art18_1_b", "Article 18(1)(b): unlawful, and restriction asked for instead"
    ART18_1_C = "art18_1_c", "Article 18(1)(c): the person needs it kept for legal claims"
    ART18_1_D = "art18_1_d", "Article 18(1)(d): objection made, while it is weighed"
    OTHER = "other", "Another reason (say which in the notes)"


class RightsRequestQuerySet(models.QuerySet["RightsRequest"]):
    def visible_to(self, user: Any) -> RightsRequestQuerySet:
        """Requests made to the organisations the user administers."""
        mine = permissions.organisation_ids(user, Role.ADMIN)
        return self.filter(organisation_id__in=mine) if mine else self.none()

    def open(self) -> RightsRequestQuerySet:
        return self.filter(decided_at__isnull=True)


class RightsRequest(models.Model):
    """A request a person (or someone for them) made to one organisation about its records of
    them: who asked, when, how their identity was checked, when the answer is due (one
    calendar month, UK GDPR Article 12(3)), and the decision with its legal reason."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=RequestKind.choices)
    received_on = models.DateField("date received")
    due_on = models.DateField("answer due")
    requester = models.CharField("who asked", max_length=16, choices=Requester.choices)
    requester_name = models.CharField(
        "name of the person acting for them", max_length=200, blank=True
    )
    identity_checked = models.BooleanField(default=False)
    identity_how = models.CharField("how identity was checked", max_length=300, blank=True)
    details = models.TextField("what they asked for", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    legal_reason = models.CharField(max_length=12, choices=LegalReason.choices, blank=True)
    decision_notes = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    exports = models.PositiveSmallIntegerField(default=0)
    last_exported_at = models.DateTimeField(null=True, blank=True)

    objects = RightsRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "recorded_at"]
        indexes = [models.Index(fields=["organisation", "due_on"], name="rights_request_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True)
                | (~Q(decision="") & ~Q(legal_reason="") & Q(decided_by__isnull=False)),
                name="rights_request_decision_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gt=models.F("received_on")),
                name="rights_request_due_after_received",
            ),
            models.CheckConstraint(
                condition=~Q(identity_checked=True) | ~Q(identity_how=""),
                name="rights_request_identity_check_described",
            ),
        ]

    def __str__(self) -> str:
        # Identity only: never the person's name.
        return f"Rights request {self.pk} ({self.kind})"

    @property
    def is_open(self) -> bool:
        return self.decided_at is None

    def overdue(self, today: dt.date | None = None) -> bool:
        return self.is_open and (today or timezone.localdate()) > self.due_on


def due_date(received_on: dt.date) -> dt.date:
    """When the answer to a request received on `received_on` is due: one calendar month."""
    return add_months(received_on, 1)
