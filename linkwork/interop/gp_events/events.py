"""Which coded events a scheme owes a GP practice's records, not yet exported.

For each referral of the scheme whose person is registered at the practice
(`Person.gp_practice`):

- "Referral to social prescribing service" (871731000000106) at the FIRST INTERACTION of the
  episode: the earliest attended contact recorded on the referral. Its date is when that
  contact happened (`Contact.occurred_at`), not when the referral arrived nor when the contact
  was typed in. A contact the person did not attend, or that was cancelled, is no
  interaction. A referral with no attended contact owes no code, and later contacts add
  nothing (one event per episode). Where Linkwork coded the episode without a contact on
  record (`CodedEvent`, as the demo data do), the coded event's own date stands in.
- "Social prescribing declined" (871711000000103): when the person declined, which triage
  records as a decline with the reason "the person declined" (`CodedEvent`); its date is
  the decline's. A decline for any other reason (outside the area, not eligible) is not the
  person's choice and owes no code. Nor does a withdrawal: the referrer took the referral
  back, which is not the person declining social prescribing (an episode that had started
  keeps its "referral to" code, since the interaction happened).
- Outcome scores, each with its instrument and date, only while the scheme's "share all data
  with GP practices" switch is on (`Scheme.share_all_data_with_gp`); off, codes only.

An event already in the ledger is never owed again. An event of a person with no NHS number
on record is held back (a GP system files by NHS number) and counted, and goes out once the
number is recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Min
from django.utils import timezone

from linkwork.accounts.models import Organisation, Scheme
from linkwork.casework.models import Contact, Outcome
from linkwork.interop.gp_events import codes
from linkwork.interop.gp_events.models import ExportedEvent
from linkwork.outcomes import INSTRUMENTS
from linkwork.outcomes.models import OutcomeMeasure
from linkwork.referrals.models import CodedEvent, Referral

REFERRED = "referred"
DECLINED = "declined"
SCORE = "score"
# Result keys that describe a score rather than being one.
NOT_VALUES = frozenset({"instrument", "version", "method", "flags", "bands"})
MAIN_SCORES = ("total", "metric", "index", "vas", "score", "level", "goals", "concern_scores")


@dataclass(frozen=True)
class Event:
    """One coded event for one person's GP record, as exported."""

    key: str
    kind: str
    nhs_number: str
    date_of_birth: str
    event_date: str
    snomed_code: str
    term: str
    referral_reference: str
    instrument: str = ""
    instrument_name: str = ""
    # (label, value) pairs of an outcome score: numbers, or a band's words.
    values: list[tuple[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        values = [(label, value) for label, value in data.get("values", [])]
        return cls(**{**data, "values": values})


@dataclass(frozen=True)
class Pending:
    """What is owed: the events to export, and how many are held back for want of an NHS
    number."""

    events: list[Event]
    held_back: int


def _date(moment: dt.datetime) -> str:
    return timezone.localtime(moment).date().isoformat()


def _first_interactions(referral_ids: list[Any]) -> dict[Any, dt.datetime]:
    """Each referral's earliest attended contact."""
    rows = (
        Contact.objects.filter(referral_id__in=referral_ids, outcome=Outcome.ATTENDED)
        .values("referral_id")
        .annotate(first=Min("occurred_at"))
    )
    return {row["referral_id"]: row["first"] for row in rows}


def _coded(referral_ids: list[Any], code: str) -> dict[Any, dt.datetime]:
    rows = CodedEvent.objects.filter(referral_id__in=referral_ids, code=code)
    return dict(rows.values_list("referral_id", "recorded_at"))


def score_values(measure: OutcomeMeasure) -> list[tuple[str, Any]]:
    """The numbers of a measure's result (and a single band in words), main score first.

    An instrument scored item by item with no number in its result (ONS4, the ONS loneliness
    question) reports its answers, numbers on the instrument's scale, in the instrument's
    order. Free text is never taken: MYCaW's concerns are the person's words and stay in its
    `responses`. The order is fixed here, not taken from the stored JSON, whose key order
    PostgreSQL does not keep."""
    values: list[tuple[str, Any]] = []
    for label in sorted(measure.result, key=_rank):
        value = measure.result[label]
        if label in NOT_VALUES or isinstance(value, bool):
            continue
        if _number(value):
            values.append((label, value))
        elif isinstance(value, list) and all(_number(item) for item in value):
            values += [(f"{label} {place}", item) for place, item in enumerate(value, 1)]
    if not values:
        responses = measure.responses or {}
        definition = INSTRUMENTS.get(measure.instrument)
        order = [item.id for item in definition.items] if definition is not None else []
        order += sorted(set(responses) - set(order))
        values = [(label, responses[label]) for label in order if _number(responses.get(label))]
    band = measure.result.get("band")
    if isinstance(band, str):
        values.append(("band", band))
    return values


def _rank(label: str) -> tuple[int, str]:
    """Main scores first, in this order; any other value after them, by name."""
    return (MAIN_SCORES.index(label) if label in MAIN_SCORES else len(MAIN_SCORES), label)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def instrument_name(instrument: str) -> str:
    """The instrument's published name; its id if Linkwork no longer defines it."""
    found = INSTRUMENTS.get(instrument)
    return found.name if found is not None else instrument


def owed(scheme: Scheme, practice: Organisation) -> list[Event]:
    """Every coded event the scheme owes the practice, exported or not, in date order."""
    referrals = {
        referral.pk: referral
        for referral in Referral.objects.filter(
            scheme=scheme, person__gp_practice=practice
        ).select_related("person")
    }
    ids = list(referrals)
    events: list[Event] = []

    def event(referral: Referral, kind: str, key: Any, on: dt.datetime, **more: Any) -> Event:
        person = referral.person
        return Event(
            key=f"{kind}:{key}",
            kind=kind,
            nhs_number=person.nhs_number,
            date_of_birth=person.date_of_birth.isoformat() if person.date_of_birth else "",
            event_date=_date(on),
            referral_reference=referral.reference,
            **more,
        )

    first = {**_coded(ids, CodedEvent.REFERRED[0]), **_first_interactions(ids)}
    for referral_id, on in first.items():
        code, term = codes.REFERRED
        events.append(
            event(referrals[referral_id], REFERRED, referral_id, on, snomed_code=code, term=term)
        )
    for referral_id, on in _coded(ids, CodedEvent.DECLINED[0]).items():
        code, term = codes.DECLINED
        events.append(
            event(referrals[referral_id], DECLINED, referral_id, on, snomed_code=code, term=term)
        )
    if scheme.share_all_data_with_gp:
        for measure in OutcomeMeasure.objects.filter(referral_id__in=ids).order_by("recorded_at"):
            name = instrument_name(measure.instrument)
            events.append(
                event(
                    referrals[measure.referral_id],
                    SCORE,
                    measure.pk,
                    measure.recorded_at,
                    snomed_code="",
                    term=f"{name} score",
                    instrument=measure.instrument,
                    instrument_name=name,
                    values=score_values(measure),
                )
            )
    return sorted(events, key=lambda found: (found.event_date, found.kind, found.key))


def pending(scheme: Scheme, practice: Organisation) -> Pending:
    """The events owed and not yet exported; those without an NHS number held back."""
    events = owed(scheme, practice)
    sent = set(
        ExportedEvent.objects.filter(key__in=[found.key for found in events]).values_list(
            "key", flat=True
        )
    )
    new = [found for found in events if found.key not in sent]
    ready = [found for found in new if found.nhs_number]
    return Pending(ready, len(new) - len(ready))
