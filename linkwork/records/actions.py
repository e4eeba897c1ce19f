"""Writes of records and rights, each audited with identifiers and codes only: recording a
request, deciding it (a granted restriction placing `people.Restriction`), lifting a
restriction, producing a subject access export, deciding on a record due for review, and
changing a retention rule."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from linkwork.accounts.models import Organisation, User
from linkwork.audit import auditor
from linkwork.people.models import Person, Restriction
from linkwork.records import export
from linkwork.records.models import (
    Decision,
    RequestKind,
    RetentionRule,
    ReviewItem,
    ReviewStatus,
    RightsRequest,
    due_date,
)
from linkwork.records.retention import DEFAULT_RULES


class RightsError(ValueError):
    """A change that cannot be made; the message is for people."""


@transaction.atomic
def record_request(
    *,
    by: User,
    organisation: Organisation,
    person: Person,
    kind: RequestKind,
    received_on: dt.date,
    requester: str,
    requester_name: str = "",
    identity_checked: bool,
    identity_how: str = "",
    details: str = "",
    request: HttpRequest | None = None,
) -> RightsRequest:
    """Record a request received by `organisation`; the answer is due a calendar month after
    it was received (UK GDPR Article 12(3))."""
    found = RightsRequest.objects.create(
        organisation=organisation,
        person=person,
        kind=kind,
        received_on=received_on,
        due_on=due_date(received_on),
        requester=requester,
        requester_name=requester_name,
        identity_checked=identity_checked,
        identity_how=identity_how if identity_checked else "",
        details=details,
        recorded_by=by,
    )
    auditor.record(
        action="rights_request.recorded",
        request=request,
        actor=by,
        target=found,
        detail={
            "kind": kind,
            "person": str(person.pk),
            "organisation": organisation.pk,
            "due": found.due_on.isoformat(),
        },
    )
    return found


@transaction.atomic
def decide_request(
    *,
    by: User,
    found: RightsRequest,
    decision: Decision,
    legal_reason: str,
    notes: str = "",
    request: HttpRequest | None = None,
) -> RightsRequest:
    """Record the decision on a request and its legal reason. Granting a restriction (in
    whole or part) restricts the organisation's processing of the person's record."""
    found = RightsRequest.objects.select_for_update().get(pk=found.pk)
    if not found.is_open:
        raise RightsError("This request has already been decided.")
    found.decision = decision
    found.legal_reason = legal_reason
    found.decision_notes = notes
    found.decided_by = by
    found.decided_at = timezone.now()
    found.save(
        update_fields=["decision", "legal_reason", "decision_notes", "decided_by", "decided_at"]
    )
    auditor.record(
        action="rights_request.decided",
        request=request,
        actor=by,
        target=found,
        detail={"kind": found.kind, "decision": decision, "legal_reason": legal_reason},
    )
    if found.kind == RequestKind.RESTRICTION and decision != Decision.REFUSED:
        restrict(by=by, person=found.person, organisation=found.organisation, request=request)
    return found


@transaction.atomic
def restrict(
    *, by: User, person: Person, organisation: Organisation, request: HttpRequest | None = None
) -> Restriction:
    """Restrict the organisation's processing of the person's record (once: an active
    restriction is kept as it is)."""
    current = Restriction.objects.active().filter(person=person, organisation=organisation).first()
    if current is not None:
        return current
    placed = Restriction.objects.create(person=person, organisation=organisation, placed_by=by)
    auditor.record(
        action="restriction.placed",
        request=request,
        actor=by,
        target=placed,
        detail={"person": str(person.pk)},
    )
    return placed


@transaction.atomic
def lift_restriction(
    *, by: User, restriction: Restriction, because: str, request: HttpRequest | None = None
) -> Restriction:
    """Lift a restriction, saying why. The person must be told before it is lifted (UK GDPR
    Article 18(3)); the form asks for that."""
    restriction = Restriction.objects.select_for_update().get(pk=restriction.pk)
    if restriction.lifted_at is not None:
        raise RightsError("This restriction has already been lifted.")
    restriction.lifted_at = timezone.now()
    restriction.lifted_by = by
    restriction.lifted_because = because
    restriction.save(update_fields=["lifted_at", "lifted_by", "lifted_because"])
    auditor.record(
        action="restriction.lifted",
        request=request,
        actor=by,
        target=restriction,
        detail={"person": str(restriction.person_id)},
    )
    return restriction


@transaction.atomic
def export_for(
    *, by: User, found: RightsRequest, file_format: str, request: HttpRequest | None = None
) -> export.Row:
    """Everything the request's organisation holds on the person, counted and audited."""
    sections = export.gather(found.person, found.organisation, request=found)
    RightsRequest.objects.filter(pk=found.pk).update(
        exports=found.exports + 1, last_exported_at=timezone.now()
    )
    auditor.record(
        action="rights_request.exported",
        request=request,
        actor=by,
        target=found,
        detail={
            "format": file_format,
            "person": str(found.person_id),
            "organisation": found.organisation_id,
        },
    )
    return sections


@transaction.atomic
def decide_review(
    *,
    by: User,
    item: ReviewItem,
    keep: bool,
    reason: str,
    keep_until: dt.date | None = None,
    request: HttpRequest | None = None,
) -> ReviewItem:
    """Keep a record for another period (until `keep_until`, with the reason) or mark it
    reviewed and agreed for disposal. Neither deletes anything."""
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    item.status = ReviewStatus.KEPT if keep else ReviewStatus.DISPOSAL_AGREED
    item.keep_until = keep_until if keep else None
    item.reason = reason
    item.decided_by = by
    item.decided_at = timezone.now()
    item.save(update_fields=["status", "keep_until", "reason", "decided_by", "decided_at"])
    auditor.record(
        action="retention.reviewed",
        request=request,
        actor=by,
        target=item,
        detail={
            "record_class": item.record_class,
            "object_type": item.object_type,
            "object_id": item.object_id,
            "status": item.status,
        },
    )
    return item


@transaction.atomic
def save_rule(
    *,
    by: User,
    record_class: str,
    period: int,
    unit: str,
    basis: str,
    request: HttpRequest | None = None,
) -> RetentionRule:
    """Change how long a class of record is kept, and why."""
    defaults = DEFAULT_RULES[record_class]
    rule, _ = RetentionRule.objects.select_for_update().get_or_create(
        record_class=record_class, defaults=defaults
    )
    before = {"period": rule.period, "unit": rule.unit}
    rule.period, rule.unit, rule.basis = period, unit, basis
    rule.updated_by, rule.updated_at = by, timezone.now()
    rule.save()
    auditor.record(
        action="retention_rule.changed",
        request=request,
        actor=by,
        target=rule,
        detail={
            "record_class": record_class,
            "before": before,
            "after": {"period": period, "unit": unit},
        },
    )
    return rule
