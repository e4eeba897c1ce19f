"""The two forms of an export: CSV, one row per event, for a practice to import or file by
hand; and a FHIR R4B Bundle (type `collection`) of a Procedure for each referral, an
Observation for each decline and each outcome score. Resources refer to the patient by NHS
number (a logical reference: Linkwork sends no Patient resource), and each, with the Bundle,
validates with `fhir.resources.R4B` (`fhir.emit.check`) before it leaves."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterable
from typing import Any

from linkwork.interop.fhir import codes as fhir_codes
from linkwork.interop.fhir.emit import check, instant
from linkwork.interop.fhir.outcome import JSON
from linkwork.interop.gp_events import codes
from linkwork.interop.gp_events.events import DECLINED, REFERRED, Event

CSV_HEADER = (
    "nhs_number",
    "date_of_birth",
    "event_date",
    "snomed_code",
    "term",
    "instrument",
    "value",
    "referral_reference",
)


def value_text(event: Event) -> str:
    """A score's values in words: "total 22; metric 19.98"."""
    return "; ".join(f"{label} {value}" for label, value in event.values)


def csv_text(events: Iterable[Event]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for event in events:
        writer.writerow(
            [
                event.nhs_number,
                event.date_of_birth,
                event.event_date,
                event.snomed_code,
                event.term,
                event.instrument_name,
                value_text(event),
                event.referral_reference,
            ]
        )
    return out.getvalue()


def resource_id(key: str) -> str:
    """A stable id for an event's resource: the same event is the same resource in every
    download of its batch."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{codes.EVENT_SYSTEM}/{key}"))


def _patient(event: Event) -> JSON:
    return {
        "type": "Patient",
        "identifier": {"system": fhir_codes.NHS_NUMBER_SYSTEM, "value": event.nhs_number},
    }


def _identifiers(event: Event) -> list[JSON]:
    return [
        {"system": codes.EVENT_SYSTEM, "value": event.key},
        {"system": fhir_codes.REFERENCE_SYSTEM, "value": event.referral_reference},
    ]


def _snomed(code: str, term: str) -> JSON:
    return {"coding": [{"system": fhir_codes.SNOMED, "code": code, "display": term}], "text": term}


def referred(event: Event) -> JSON:
    return {
        "resourceType": "Procedure",
        "id": resource_id(event.key),
        "identifier": _identifiers(event),
        "status": "completed",
        "code": _snomed(event.snomed_code, event.term),
        "subject": _patient(event),
        "performedDateTime": event.event_date,
    }


def declined(event: Event) -> JSON:
    return {
        "resourceType": "Observation",
        "id": resource_id(event.key),
        "identifier": _identifiers(event),
        "status": "final",
        "code": _snomed(event.snomed_code, event.term),
        "subject": _patient(event),
        "effectiveDateTime": event.event_date,
    }


def _value(value: Any) -> JSON:
    if isinstance(value, str):
        return {"valueString": value}
    return {"valueQuantity": {"value": value}}


def score(event: Event) -> JSON:
    """An outcome score: coded where the instrument's code is published, else the
    instrument's name as text; one value, or one component per value."""
    concept: JSON = {"text": event.instrument_name}
    published = codes.INSTRUMENT_CODES.get(event.instrument)
    if published is not None:
        system, code, display = published
        concept["coding"] = [{"system": system, "code": code, "display": display}]
    observation: JSON = {
        "resourceType": "Observation",
        "id": resource_id(event.key),
        "identifier": _identifiers(event),
        "status": "final",
        "category": [
            {
                "coding": [
                    {"system": codes.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}
                ]
            }
        ],
        "code": concept,
        "subject": _patient(event),
        "effectiveDateTime": event.event_date,
    }
    numbers = [value for _, value in event.values if not isinstance(value, str)]
    if len(event.values) == 1 and numbers:
        observation.update(_value(numbers[0]))
    elif event.values:
        observation["component"] = [
            {"code": {"text": label}, **_value(value)} for label, value in event.values
        ]
    else:
        observation["dataAbsentReason"] = {"text": "No score recorded"}
    return observation


def resource(event: Event) -> JSON:
    if event.kind == REFERRED:
        return referred(event)
    if event.kind == DECLINED:
        return declined(event)
    return score(event)


def fhir_bundle(events: Iterable[Event], *, batch_id: uuid.UUID, exported_at: dt.datetime) -> JSON:
    """The batch as a FHIR R4B Bundle of type collection, checked whole before it leaves."""
    entries = []
    for event in events:
        found = check(resource(event))
        entries.append({"fullUrl": f"urn:uuid:{found['id']}", "resource": found})
    bundle: JSON = {
        "resourceType": "Bundle",
        "id": str(batch_id),
        "identifier": {"system": codes.BATCH_SYSTEM, "value": str(batch_id)},
        "type": "collection",
        "timestamp": instant(exported_at),
    }
    if entries:  # FHIR allows no empty list
        bundle["entry"] = entries
    return check(bundle)
