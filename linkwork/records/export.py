"""The subject access export: everything one organisation holds on a person, as JSON and as
a PDF laid out from the same data, so the two always say the same.

"Holds" follows who may see what in Linkwork. An organisation that hosts a scheme holds the
referrals to that scheme and all their casework; an organisation that referred the person
holds the referrals it made and the messages sent back to it. The host's casework includes
the person's group bookings, the services suggested for them, the links to their own
prescription page, and the feedback surveys sent to them with their answers. Both hold the
shared person record their staff see (details, equality answers, consents) and the audit of
their own staff's use of it. Nothing of another organisation is read: every query below is scoped by
`organisation`, and a test plants another organisation's referral to prove it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from linkwork.accounts.models import Membership, Organisation, User
from linkwork.audit.labels import action_words
from linkwork.audit.models import AuditEvent
from linkwork.casework.models import (
    Appointment,
    Attendance,
    CaseNote,
    Connection,
    ConnectionStatusChange,
    Contact,
    FollowUp,
    Goal,
    GoalRating,
    PlanAction,
    SupportPlan,
)
from linkwork.groups.models import RegisterEntry
from linkwork.insights.models import CareUse, ClinicalMeasure
from linkwork.interop.gp_events.events import Event
from linkwork.interop.gp_events.models import ExportBatch
from linkwork.interop.gp_events.render import value_text
from linkwork.matching.models import Shown
from linkwork.notifications.models import Audience, InboundMessage, Message
from linkwork.outcomes.models import FlagHandling, OutcomeMeasure, SafetyFlag
from linkwork.people.models import Consent, Person, PersonChange, Restriction
from linkwork.prescription.models import FeedbackAnswer, PrescriptionLink, SurveyInvitation
from linkwork.records.models import RightsRequest
from linkwork.referrals.models import CodedEvent, Referral, StatusChange

TEMPLATES = Path(__file__).with_name("export_templates")
# The person's equality answers, shown in a section of their own.
EQUALITY = ("sex", "gender_same_as_sex", "gender_identity", "ethnicity")
# Bookkeeping with no meaning to the person.
INTERNAL = {
    "version",
    "reminded_at",
    "claimed_until",
    "next_attempt_at",
    "attempts",
    "provider_reference",
    # A link's or survey's secret, kept only as a digest: nothing a person could read.
    "token_digest",
}

Row = dict[str, Any]


def plain(value: Any) -> Any:
    """A value JSON can hold, as a person would read it."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    return value


def row(record: models.Model, *, skip: Iterable[str] = ()) -> Row:
    """Every field of `record`, named as the model names it: choices as their labels, people
    by name, other records by what they are called; not the person's own id or bookkeeping."""
    skipped = set(skip) | INTERNAL
    found: Row = {}
    for field in record._meta.concrete_fields:
        if (
            field.name in skipped
            or field.name == "id"
            or getattr(field, "related_model", None) is Person
        ):
            continue
        label = str(field.verbose_name)
        if field.is_relation:
            related = getattr(record, field.name)
            if isinstance(related, User):
                found[label] = related.full_name
            elif isinstance(related, Referral):
                found[label] = related.reference
            else:
                found[label] = None if related is None else str(related)
        elif field.choices:
            found[label] = getattr(record, f"get_{field.name}_display")() or ""
        elif isinstance(field, models.BinaryField):
            continue
        else:
            found[label] = plain(getattr(record, field.attname))
    return found


def held_referrals(person: Person, organisation: Organisation) -> QuerySet[Referral]:
    """The person's referrals this organisation holds: to its schemes, or made by it."""
    return (
        Referral.objects.filter(person=person)
        .filter(Q(scheme__host=organisation) | Q(referring_organisation=organisation))
        .select_related("scheme", "referring_organisation", "link_worker", "created_by")
        .order_by("received_at")
    )


def staff_of(organisation: Organisation) -> QuerySet[Membership, Any]:
    """Ids of the organisation's staff (any role), as a subquery."""
    return Membership.objects.filter(organisation=organisation).values("user_id")


def gather(person: Person, organisation: Organisation, *, request: RightsRequest) -> Row:
    """Everything `organisation` holds on `person`, section by section."""
    referrals = list(held_referrals(person, organisation))
    hosted = [r for r in referrals if r.scheme.host_id == organisation.pk]
    referred = [r for r in referrals if r.referring_organisation_id == organisation.pk]
    hosted_ids = [r.pk for r in hosted]
    staff = staff_of(organisation)
    details = row(person, skip=EQUALITY)
    equality = {k: v for k, v in row(person).items() if k not in details}
    messages = Message.objects.filter(
        Q(referral_id__in=hosted_ids) | Q(referral__in=referred, audience=Audience.REFERRER)
    )
    sections: Row = {
        "about this export": {
            "organisation": organisation.name,
            "request": str(request.pk),
            "request received": plain(request.received_on),
            "answer due": plain(request.due_on),
            "produced at": plain(timezone.now()),
        },
        "person": details,
        "equality": equality,
        "consents": [row(c) for c in Consent.objects.filter(person=person)],
        "changes to details": [
            row(c) for c in PersonChange.objects.filter(person=person, changed_by__in=staff)
        ],
        "referrals": [row(r) for r in referrals],
        "referral status history": _rows(
            StatusChange.objects.filter(referral__in=referrals).order_by("changed_at")
        ),
        "coded events": _rows(CodedEvent.objects.filter(referral__in=referrals)),
        "contacts": _rows(Contact.objects.filter(referral_id__in=hosted_ids)),
        "appointments": _rows(Appointment.objects.filter(referral_id__in=hosted_ids)),
        "case notes": _rows(CaseNote.objects.filter(referral_id__in=hosted_ids)),
        "support plans": _rows(SupportPlan.objects.filter(referral_id__in=hosted_ids)),
        "goals": _rows(Goal.objects.filter(plan__referral_id__in=hosted_ids)),
        "goal ratings": _rows(GoalRating.objects.filter(goal__plan__referral_id__in=hosted_ids)),
        "plan actions": _rows(PlanAction.objects.filter(plan__referral_id__in=hosted_ids)),
        "connections": _rows(
            Connection.objects.filter(referral_id__in=hosted_ids).select_related("service")
        ),
        "connection history": _rows(
            ConnectionStatusChange.objects.filter(connection__referral_id__in=hosted_ids)
        ),
        "attendance": _rows(Attendance.objects.filter(connection__referral_id__in=hosted_ids)),
        "group sessions booked": _rows(
            RegisterEntry.objects.filter(connection__referral_id__in=hosted_ids)
            .select_related("session__group", "booked_by")
            .order_by("booked_at")
        ),
        "services suggested": [
            row(shown, skip={"case_ref", "weights_version"})
            for shown in Shown.objects.filter(case_ref__in=hosted_ids).select_related(
                "service", "shown_to"
            )
        ],
        "prescription links": _rows(
            PrescriptionLink.objects.filter(referral_id__in=hosted_ids)
            .select_related("referral", "created_by", "revoked_by")
            .order_by("created_at")
        ),
        "feedback surveys sent": _rows(
            SurveyInvitation.objects.filter(connection__referral_id__in=hosted_ids).order_by(
                "created_at"
            )
        ),
        "feedback given": _rows(
            FeedbackAnswer.objects.filter(connection__referral_id__in=hosted_ids)
            .select_related("service")
            .order_by("answered_at")
        ),
        "follow-ups": _rows(FollowUp.objects.filter(referral_id__in=hosted_ids)),
        "outcome measures": _rows(OutcomeMeasure.objects.filter(referral_id__in=hosted_ids)),
        "safety flags": _rows(SafetyFlag.objects.filter(referral_id__in=hosted_ids)),
        "safety flag handling": _rows(
            FlagHandling.objects.filter(flag__referral_id__in=hosted_ids)
        ),
        "messages": _rows(messages.order_by("created_at")),
        "text message replies": _rows(
            InboundMessage.objects.filter(referral_id__in=hosted_ids).order_by("received_at")
        ),
        "coded events sent to GP practices": sent_to_gp(hosted),
        "GP record measures": _rows(
            ClinicalMeasure.objects.filter(person=person)
            if hosted
            else ClinicalMeasure.objects.none()
        ),
        "use of care": _rows(
            CareUse.objects.filter(person=person) if hosted else CareUse.objects.none()
        ),
        "restrictions of processing": _rows(
            Restriction.objects.filter(person=person, organisation=organisation)
        ),
        "requests about their rights": [
            row(r, skip={"organisation"})
            for r in RightsRequest.objects.filter(person=person, organisation=organisation)
        ],
        "who used the record": access_log(person, referrals, staff),
    }
    return sections


def sent_to_gp(hosted: list[Referral]) -> list[Row]:
    """Each coded event of these referrals sent to a GP practice, as it was sent: a
    disclosure the person has a right to know of (Article 15(1)(c))."""
    references = {r.reference: r for r in hosted}
    if not references:
        return []
    batches = ExportBatch.objects.filter(
        scheme_id__in={r.scheme_id for r in hosted}
    ).select_related("practice")
    return [
        {
            "event": event.term,
            "SNOMED CT code": event.snomed_code,
            "date": event.event_date,
            "instrument": event.instrument_name,
            "score": value_text(event),
            "referral": event.referral_reference,
            "NHS number sent": event.nhs_number,
            "GP practice": batch.practice.name,
            "sent at": plain(batch.exported_at),
        }
        for batch in batches.order_by("exported_at")
        for event in map(Event.from_dict, batch.events)
        if event.referral_reference in references
    ]


def _rows(records: QuerySet[Any]) -> list[Row]:
    return [row(record) for record in records]


def access_log(
    person: Person, referrals: list[Referral], staff: QuerySet[Membership, Any]
) -> list[Row]:
    """The audit of this organisation's staff viewing or changing the person's record and
    the referrals it holds: when, who and what."""
    about = Q(object_type="people.person", object_id=str(person.pk)) | Q(
        object_type="referrals.referral", object_id__in=[str(r.pk) for r in referrals]
    )
    events = (
        AuditEvent.objects.filter(about, actor__in=staff)
        .select_related("actor")
        .order_by("occurred_at", "id")
    )
    return [
        {
            "when": plain(event.occurred_at),
            "who": event.actor.full_name if event.actor else "",
            "what": action_words(event.action),
        }
        for event in events
    ]


def as_json(sections: Row) -> bytes:
    return json.dumps(sections, indent=2, ensure_ascii=False).encode("utf-8")


def as_html(sections: Row, *, person: Person) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("export.html.jinja").render(
        sections=sections, name=person.full_name
    )
