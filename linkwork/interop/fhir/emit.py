"""The resources Linkwork sends: for a connection, the ServiceRequest and Task a provider
follows; for a referral made through the API, the ServiceRequest and Task its referrer follows.

Each is built as JSON, then checked with `fhir.resources.R4B` and our value sets (`check`)
before it leaves, so Linkwork never sends a resource that does not validate. A provider sees
the person's details only as the connection shares them, and only while the person's consent
to share is in force (`casework.provider`), as in the provider inbox.
"""

from __future__ import annotations

import datetime as dt

from fhir.resources.R4B import get_fhir_model_class

from linkwork.casework import provider
from linkwork.casework.lifecycle import ConnectionStatus, FailureReason, RejectionReason
from linkwork.casework.models import Connection, SharedField
from linkwork.interop.fhir import codes, mapping
from linkwork.interop.fhir.outcome import JSON
from linkwork.referrals.lifecycle import DeclineReason, Status
from linkwork.referrals.models import Referral
from linkwork.vocabulary.needs import Need
from linkwork.vocabulary.routes import Route


class NotValid(AssertionError):
    """A resource Linkwork built does not validate: a bug, never the caller's fault."""


def check(resource: JSON) -> JSON:
    """`resource`, after checking it with `fhir.resources.R4B` and our value sets."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    kind = resource["resourceType"]
    if kind == "Task":
        if resource["status"] not in codes.TASK_STATUSES:
            raise NotValid(f"Task.status {resource['status']} is not in the IG's value set")
        if resource["intent"] != codes.ORDER or _codes(resource["code"]) != {
            (codes.TASK_CODE_SYSTEM, codes.FULFILL)
        }:
            raise NotValid("A Task is code fulfill, intent order")
        if resource["status"] in codes.REASON_REQUIRED and not resource.get("statusReason", {}).get(
            "text"
        ):
            raise NotValid(f"A {resource['status']} Task says why in statusReason.text")
    elif kind == "ServiceRequest":
        if resource["status"] not in codes.SERVICE_REQUEST_STATUSES:
            raise NotValid(f"ServiceRequest.status {resource['status']} is not allowed")
        if resource["intent"] != codes.ORDER:
            raise NotValid("A ServiceRequest is intent order")
    return resource


def _codes(concept: JSON) -> set[tuple[str, str]]:
    return {(coding.get("system", ""), coding.get("code", "")) for coding in concept["coding"]}


def instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _organisation(organisation_id: int | None, name: str) -> JSON:
    if organisation_id is None:
        return {"display": name}
    return {"reference": f"Organization/{organisation_id}", "display": name}


def _meta(version: int, updated: dt.datetime) -> JSON:
    return {"versionId": str(version), "lastUpdated": instant(updated)}


def _concept(system: str, code: str, display: str) -> JSON:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


TASK_CODE: JSON = {
    "coding": [{"system": codes.TASK_CODE_SYSTEM, "code": codes.FULFILL, "display": "Fulfill"}]
}


# A connection, as its provider sees it ----------------------------------------------------


def owner_of(connection: Connection) -> JSON:
    listing = connection.service.organization
    return _organisation(listing.account_organisation_id, listing.name)


def requester_of(referral: Referral) -> JSON:
    return _organisation(referral.scheme.host_id, referral.scheme.name)


def _latest_reason(connection: Connection) -> str:
    latest = connection.history.order_by("-changed_at", "-id").first()
    return latest.reason if latest is not None else ""


def connection_reason(connection: Connection) -> JSON | None:
    """Why the connection is rejected, failed, on hold or cancelled, as `statusReason`."""
    status = connection.status
    if status == ConnectionStatus.REJECTED:
        label = RejectionReason(connection.rejection_reason).label
        concept = _concept(f"{codes.OUTCOME_SYSTEM}", connection.rejection_reason, label)
    elif status == ConnectionStatus.FAILED:
        label = FailureReason(connection.failure_reason).label
        concept = _concept(f"{codes.OUTCOME_SYSTEM}", connection.failure_reason, label)
    elif status in (ConnectionStatus.ON_HOLD, ConnectionStatus.CANCELLED):
        concept = {"text": _latest_reason(connection) or ConnectionStatus(status).label}
        return concept
    else:
        return None
    if connection.reason_detail:
        concept["text"] = f"{label}: {connection.reason_detail}"
    return concept


def connection_output(connection: Connection) -> list[JSON]:
    """The outcome of an ended connection, as a code."""
    if connection.status == ConnectionStatus.COMPLETED:
        value = _concept(codes.OUTCOME_SYSTEM, "completed", "Completed")
    elif connection.status == ConnectionStatus.FAILED:
        value = _concept(
            codes.OUTCOME_SYSTEM,
            connection.failure_reason,
            FailureReason(connection.failure_reason).label,
        )
    else:
        return []
    return [{"type": {"text": "Outcome"}, "valueCodeableConcept": value}]


def connection_task(connection: Connection) -> JSON:
    status = mapping.task_status_of_connection(connection.status)
    task: JSON = {
        "resourceType": "Task",
        "id": str(connection.pk),
        "meta": _meta(connection.version, connection.updated_at),
        "identifier": [{"system": codes.REFERENCE_SYSTEM, "value": connection.referral.reference}],
        "status": status,
        "intent": codes.ORDER,
        "code": TASK_CODE,
        "focus": {"reference": f"ServiceRequest/{connection.pk}"},
        "authoredOn": instant(connection.requested_at or connection.created_at),
        "lastModified": instant(connection.updated_at),
        "requester": requester_of(connection.referral),
        "owner": owner_of(connection),
    }
    reason = connection_reason(connection)
    if reason is not None:
        task["statusReason"] = reason
    if connection.waiting_list and connection.status == ConnectionStatus.ACCEPTED:
        task["businessStatus"] = {"text": "Waiting list"}
    output = connection_output(connection)
    if output:
        task["output"] = output
    return check(task)


SERVICE_REQUEST_STATUS = {
    ConnectionStatus.DRAFT: "draft",
    ConnectionStatus.REQUESTED: "active",
    ConnectionStatus.ACCEPTED: "active",
    ConnectionStatus.IN_PROGRESS: "active",
    ConnectionStatus.ON_HOLD: "on-hold",
    ConnectionStatus.COMPLETED: "completed",
    ConnectionStatus.REJECTED: "revoked",
    ConnectionStatus.FAILED: "revoked",
    ConnectionStatus.CANCELLED: "revoked",
}


def _subject(connection: Connection) -> JSON:
    shared = set(connection.shared_fields or []) if provider.consent_in_force(connection) else set()
    if SharedField.NAME in shared:
        return {"display": connection.referral.person.full_name}
    return {"display": "Name not shared"}


def connection_service_request(connection: Connection) -> JSON:
    """What the link worker asks of the provider, with what the person agreed to share."""
    referral = connection.referral
    service = connection.service
    notes = [f"{label}: {value}" for label, value in provider.request_details(connection)]
    notes += [f"{label}: {value}" for label, value in provider.shared_details(connection)]
    request: JSON = {
        "resourceType": "ServiceRequest",
        "id": str(connection.pk),
        "meta": _meta(connection.version, connection.updated_at),
        "identifier": [{"system": codes.REFERENCE_SYSTEM, "value": referral.reference}],
        "status": SERVICE_REQUEST_STATUS[ConnectionStatus(connection.status)],
        "intent": codes.ORDER,
        "code": _concept(codes.SERVICE_SYSTEM, str(service.pk), service.name),
        "subject": _subject(connection),
        "authoredOn": instant(connection.requested_at or connection.created_at),
        "requester": requester_of(referral),
        "performer": [owner_of(connection)],
        "note": [{"text": "\n".join(notes)}],
    }
    shared = set(connection.shared_fields or [])
    if SharedField.NEEDS in shared and provider.consent_in_force(connection) and referral.needs:
        request["reasonCode"] = [_need(need) for need in referral.needs]
    return check(request)


def _need(slug: str) -> JSON:
    label = Need(slug).label if slug in Need.values else slug
    return _concept(codes.NEED_SYSTEM, slug, label)


# A referral, as the organisation that sent it sees it ------------------------------------


def referral_updated(referral: Referral) -> dt.datetime:
    """When the referral last changed status: its Task's lastUpdated."""
    latest: dt.datetime | None = getattr(referral, "last_updated", None)
    if latest is None:
        row = referral.history.order_by("-changed_at").values_list("changed_at", flat=True).first()
        latest = row or referral.received_at
    return latest


def referral_reason(referral: Referral) -> JSON | None:
    if referral.status == Status.DECLINED:
        label = DeclineReason(referral.decline_reason or DeclineReason.NOT_RECORDED).label
        return {"text": label}
    if referral.status == Status.REDIRECTED:
        return {"text": f"Redirected to {referral.redirected_to or 'another service'}"}
    if referral.status == Status.ON_HOLD:
        return {"text": "Support is paused"}
    if referral.status == Status.WITHDRAWN:
        return {"text": referral.withdrawal_reason() or "Withdrawn by the referrer"}
    return None


def referral_task(referral: Referral) -> JSON:
    updated = referral_updated(referral)
    task: JSON = {
        "resourceType": "Task",
        "id": str(referral.pk),
        "meta": _meta(referral.version, updated),
        "identifier": [{"system": codes.REFERENCE_SYSTEM, "value": referral.reference}],
        "status": mapping.task_status_of_referral(referral.status),
        "intent": codes.ORDER,
        "code": TASK_CODE,
        "focus": {"reference": f"ServiceRequest/{referral.pk}"},
        "authoredOn": instant(referral.received_at),
        "lastModified": instant(updated),
        "requester": _organisation(referral.referring_organisation_id, "Referring organisation"),
        "owner": requester_of(referral),
    }
    reason = referral_reason(referral)
    if reason is not None:
        task["statusReason"] = reason
    return check(task)


REFERRAL_REQUEST_STATUS = {
    Status.RECEIVED: "active",
    Status.ACCEPTED: "active",
    Status.ACTIVE: "active",
    Status.ON_HOLD: "on-hold",
    Status.CLOSED: "completed",
    Status.DECLINED: "revoked",
    Status.REDIRECTED: "revoked",
    Status.WITHDRAWN: "revoked",
}


def referral_service_request(referral: Referral) -> JSON:
    code, display = codes.REFERRAL_TO_SOCIAL_PRESCRIBING
    route = Route(referral.route)
    request: JSON = {
        "resourceType": "ServiceRequest",
        "id": str(referral.pk),
        "meta": _meta(referral.version, referral_updated(referral)),
        "identifier": [{"system": codes.REFERENCE_SYSTEM, "value": referral.reference}],
        "status": REFERRAL_REQUEST_STATUS[Status(referral.status)],
        "intent": codes.ORDER,
        "category": [_concept(codes.ROUTE_SYSTEM, route.value, route.label)],
        "code": _concept(codes.SNOMED, code, display),
        "priority": referral.urgency,
        "subject": {"display": "The person referred"},
        "authoredOn": instant(referral.received_at),
        "requester": _organisation(referral.referring_organisation_id, "Referring organisation"),
        "performer": [
            {
                "identifier": {"system": codes.SCHEME_SYSTEM, "value": referral.scheme.slug},
                "display": referral.scheme.name,
            }
        ],
    }
    if referral.needs:
        request["reasonCode"] = [_need(need) for need in referral.needs]
    return check(request)
