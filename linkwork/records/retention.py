"""The retention rules and the nightly review: which records have reached the end of their
retention period, listed for a person to decide on. Nothing here deletes a record.

A person's social prescribing record is reviewed per organisation: the scheme's host holds the
casework, a referring organisation the referrals it made; each counts its own last contact."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import DateTimeField, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.casework.models import CaseNote, Contact
from linkwork.notifications.models import InboundMessage, Message
from linkwork.records.models import (
    PeriodUnit,
    RecordClass,
    RetentionRule,
    ReviewItem,
    ReviewStatus,
)
from linkwork.referrals.models import Referral, StatusChange

RECORD_BASIS = (
    "NHS England Records Management Code of Practice 2023, Appendix II (retention schedule): "
    "adult health and care records not listed elsewhere are kept for 8 years after care ends. "
    "UK GDPR Article 5(1)(e): personal data are kept no longer than necessary."
)
DEFAULT_RULES: dict[str, dict[str, Any]] = {
    RecordClass.PERSON_RECORD: {
        "period": 8,
        "unit": PeriodUnit.YEARS,
        "starts": "the last contact: the latest referral, status change, contact or case note "
        "of the organisation's own records of the person",
        "basis": RECORD_BASIS,
    },
    RecordClass.MESSAGES: {
        "period": 8,
        "unit": PeriodUnit.YEARS,
        "starts": "the last message about the referral",
        "basis": "Correspondence about a person's care is part of their record (Records "
        "Management Code of Practice 2023), so it is kept as long as the record.",
    },
    RecordClass.AUDIT: {
        "period": 8,
        "unit": PeriodUnit.YEARS,
        "starts": "the event",
        "basis": "Kept as long as the records whose use it shows (Records Management Code of "
        "Practice 2023; Data Security and Protection Toolkit: access to records is logged). "
        "Reviewed a month at a time.",
    },
    RecordClass.IDEMPOTENCY_KEYS: {
        "period": 1,
        "unit": PeriodUnit.DAYS,
        "starts": "the API request",
        "basis": "Technical data kept only so a client system may safely retry a request; "
        "forgotten after a day by a daily job (linkwork purge-idempotency-keys).",
        "reviewed_nightly": False,
    },
}


def rules() -> dict[str, RetentionRule]:
    """Every rule by record class, with the default for any class that has no row yet."""
    found = {rule.record_class: rule for rule in RetentionRule.objects.all()}
    for record_class, default in DEFAULT_RULES.items():
        found.setdefault(record_class, RetentionRule(record_class=record_class, **default))
    return {record_class: found[record_class] for record_class in RecordClass.values}


def privacy_periods() -> dict[str, Any]:
    """The privacy page's part: each class of record and how long it is kept."""
    return {
        "retention": [
            {
                "what": rule.get_record_class_display(),
                "period": f"{rule.period_text} after {rule.starts}",
                "basis": rule.basis,
            }
            for rule in rules().values()
        ]
    }


@dataclass(frozen=True)
class Due:
    """One record whose retention period has ended."""

    organisation_id: int | None
    object_type: str
    object_id: str
    last_activity: dt.date
    due_on: dt.date


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _latest(model: Any, field: str) -> Subquery:
    return Subquery(
        model.objects.filter(referral=OuterRef("pk"))
        .order_by()
        .values("referral")
        .annotate(latest=Max(field))
        .values("latest")[:1],
        output_field=DateTimeField(),
    )


def referrals_with_last_contact() -> QuerySet[Referral]:
    """Every referral with `last_contact`: its latest receipt, status change, contact or note."""
    received = F("received_at")
    return Referral.objects.order_by().annotate(
        last_contact=Greatest(
            received,
            Coalesce(_latest(StatusChange, "changed_at"), received),
            Coalesce(_latest(Contact, "occurred_at"), received),
            Coalesce(_latest(CaseNote, "written_at"), received),
        )
    )


def due_person_records(rule: RetentionRule, today: dt.date) -> Iterator[Due]:
    """People whose last contact with an organisation (as the scheme's host, or as the
    referrer) began a retention period that has ended by `today`."""
    cutoff = _midnight(rule.began_before(today))
    last_by: dict[tuple[int, str], dt.datetime] = {}
    for by in ("scheme__host_id", "referring_organisation_id"):
        rows = (
            referrals_with_last_contact()
            .filter(**{f"{by}__isnull": False})
            .values_list(by, "person_id")
            .annotate(last=Max("last_contact"))
        )
        for organisation_id, person_id, last in rows:
            key = (organisation_id, str(person_id))
            last_by[key] = max(last, last_by.get(key, last))
    for (organisation_id, person_id), last in sorted(last_by.items()):
        if last < cutoff:
            day = timezone.localdate(last)
            yield Due(organisation_id, "people.person", person_id, day, rule.ends(day))


def due_messages(rule: RetentionRule, today: dt.date) -> Iterator[Due]:
    """The messages of each referral whose last message, sent or replied, is past the
    retention period."""
    cutoff = _midnight(rule.began_before(today))
    last_by: dict[tuple[str, int], dt.datetime] = {}
    sent = (
        Message.objects.filter(referral__isnull=False)
        .order_by()
        .values_list("referral_id", "referral__scheme__host_id")
        .annotate(last=Max("created_at"))
    )
    replied = (
        InboundMessage.objects.filter(referral__isnull=False)
        .order_by()
        .values_list("referral_id", "referral__scheme__host_id")
        .annotate(last=Max("received_at"))
    )
    for referral_id, organisation_id, last in [*sent, *replied]:
        key = (str(referral_id), organisation_id)
        last_by[key] = max(last, last_by.get(key, last))
    for (referral_id, organisation_id), last in sorted(last_by.items()):
        if last < cutoff:
            day = timezone.localdate(last)
            yield Due(organisation_id, "referrals.referral", referral_id, day, rule.ends(day))


def due_audit_months(rule: RetentionRule, today: dt.date) -> Iterator[Due]:
    """Whole months of the audit trail past the retention period (the platform's own)."""
    cutoff = _midnight(rule.began_before(today))
    rows = (
        AuditEvent.objects.filter(occurred_at__lt=cutoff)
        .order_by()
        .annotate(month=TruncMonth("occurred_at"))
        .values_list("month")
        .annotate(last=Max("occurred_at"))
    )
    for month, last in rows:
        day = timezone.localdate(last)
        yield Due(None, "audit.month", f"{month:%Y-%m}", day, rule.ends(day))


FINDERS: dict[str, Callable[[RetentionRule, dt.date], Iterator[Due]]] = {
    RecordClass.PERSON_RECORD: due_person_records,
    RecordClass.MESSAGES: due_messages,
    RecordClass.AUDIT: due_audit_months,
}


@transaction.atomic
def review(today: dt.date | None = None) -> Counter[str]:
    """List every record due for review on `today`, for a person to decide on. Never deletes
    or changes a record: it adds to the review list, reopens items kept until a day now past,
    and takes off the list undecided items whose record has had contact since (no longer due).
    Returns how many items each class has due."""
    today = today or timezone.localdate()
    counts: Counter[str] = Counter()
    for record_class, rule in rules().items():
        finder = FINDERS.get(record_class)
        if finder is None or not rule.reviewed_nightly:
            continue
        listed = {
            (item.organisation_id, item.object_type, item.object_id): item
            for item in ReviewItem.objects.filter(record_class=record_class)
        }
        still_due: set[tuple[int | None, str, str]] = set()
        for due in finder(rule, today):
            key = (due.organisation_id, due.object_type, due.object_id)
            still_due.add(key)
            if _list(record_class, due, listed.get(key), today):
                counts[record_class] += 1
        stale = [
            item.pk
            for key, item in listed.items()
            if key not in still_due and item.status == ReviewStatus.DUE
        ]
        ReviewItem.objects.filter(pk__in=stale).delete()
    return counts


def _list(record_class: str, due: Due, item: ReviewItem | None, today: dt.date) -> bool:
    """Put one due record on the review list (or keep it there); whether it is due now."""
    if item is None:
        ReviewItem.objects.create(
            record_class=record_class,
            organisation_id=due.organisation_id,
            object_type=due.object_type,
            object_id=due.object_id,
            last_activity=due.last_activity,
            due_on=due.due_on,
        )
        return True
    if item.status == ReviewStatus.DISPOSAL_AGREED:
        return False
    if item.status == ReviewStatus.KEPT:
        if item.keep_until is not None and item.keep_until > today:
            return False
        item.status = ReviewStatus.DUE
    item.last_activity, item.due_on = due.last_activity, due.due_on
    item.save(update_fields=["status", "last_activity", "due_on"])
    return True
