"""Tasks: searching them, and a provider changing a connection's status through its Task.

A status change goes through the casework action that makes it in the provider inbox
(`respond_to_connection`, `start_connection`, `hold_connection`, `resume_connection`,
`end_connection`), so the history, audit events, messages and follow-ups are the same
whichever way the provider answers. Who may set which status, and what each is refused with:

- a status outside the IG's value set (such as `ready` or `received`): 422, `code-invalid`;
- a requester's status set by the owner, or an owner's by the requester: 403, `forbidden`;
- `rejected`, `cancelled`, `on-hold` or `failed` without `statusReason.text`: 422, `required`;
- on a referral's Task, a requester's status other than `cancelled` or `entered-in-error`
  (which withdraw the referral, `referrals.actions.withdraw_referral`): 422, `not-supported`;
- a change the connection's lifecycle does not allow (`requested` to `completed`): 409,
  `business-rule`;
- an `If-Match` version that is no longer the Task's: 412, `conflict`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from pydantic import ValidationError

from linkwork.accounts import gate
from linkwork.api.auth import ApiClient
from linkwork.api.models import ApiToken
from linkwork.audit import auditor
from linkwork.casework import actions
from linkwork.casework.lifecycle import (
    ConnectionStatus,
    Decision,
    FailureReason,
    InvalidTransition,
    RejectionReason,
)
from linkwork.casework.models import Connection
from linkwork.core.concurrency import EditConflict
from linkwork.interop.fhir import access, codes, emit, mapping
from linkwork.interop.fhir.outcome import JSON, FhirError, Issue, from_pydantic
from linkwork.referrals.actions import SENT_IN_ERROR, WithdrawalRefused, withdraw_referral
from linkwork.referrals.lifecycle import InvalidTransition as ReferralTransition
from linkwork.referrals.models import Referral

DEFAULT_COUNT: Final = 50
MAX_COUNT: Final = 200
SEARCH_PARAMETERS: Final = {"owner", "status", "_lastUpdated", "_include", "_count", "_offset"}
DATE_PREFIXES: Final = {"gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}


def task_of(record: Connection | Referral) -> JSON:
    if isinstance(record, Connection):
        return emit.connection_task(record)
    return emit.referral_task(record)


def service_request_of(record: Connection | Referral) -> JSON:
    if isinstance(record, Connection):
        return emit.connection_service_request(record)
    return emit.referral_service_request(record)


def version_of(record: Connection | Referral) -> int:
    return record.version


# Searching ----------------------------------------------------------------------------------


@dataclass
class Search:
    owner: int | None = None
    statuses: set[str] | None = None
    updated: dict[str, dt.datetime] | None = None
    include_focus: bool = False
    count: int = DEFAULT_COUNT
    offset: int = 0


def _bad(parameter: str, message: str, code: str = "value") -> FhirError:
    return FhirError(400, Issue(code, f"Search parameter {parameter}: {message}", parameter))


def _instant(parameter: str, text: str) -> dt.datetime:
    text = text.replace(" ", "+")  # a `+` of an offset sent unencoded arrives as a space
    try:
        moment = parse_datetime(text)
        day = None if moment else parse_date(text)
    except ValueError:
        moment = day = None
    if day is not None:
        moment = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
    if moment is None:
        raise _bad(parameter, f"{text!r} is not a FHIR dateTime, such as 2026-12-01T09:00:00Z.")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


def _number(parameter: str, text: str, least: int, most: int) -> int:
    if not text.isdigit() or not least <= int(text) <= most:
        raise _bad(parameter, f"give a whole number from {least} to {most}.")
    return int(text)


def parse_search(request: HttpRequest) -> Search:
    """The search asked for; 400 naming any parameter not supported or not valid."""
    search = Search()
    for parameter in request.GET:
        if parameter not in SEARCH_PARAMETERS:
            supported = ", ".join(sorted(SEARCH_PARAMETERS))
            raise _bad(parameter, f"not supported; Task takes {supported}.", "not-supported")
    for value in request.GET.getlist("owner"):
        reference = value.strip().removeprefix("Organization/")
        if not reference.isdigit():
            raise _bad("owner", "give Organization/<id>, such as Organization/12.")
        search.owner = int(reference)
    for value in request.GET.getlist("status"):
        wanted = {status.strip() for status in value.split(",")}
        unknown = sorted(wanted - codes.TASK_STATUSES)
        if unknown:
            allowed = ", ".join(sorted(codes.TASK_STATUSES))
            raise _bad("status", f"{', '.join(unknown)} is not in the value set: {allowed}.")
        search.statuses = wanted if search.statuses is None else search.statuses & wanted
    for value in request.GET.getlist("_lastUpdated"):
        prefix, moment = value[:2], value[2:]
        if prefix not in DATE_PREFIXES:
            raise _bad("_lastUpdated", "start with gt, ge, lt or le, as in gt2026-12-01T09:00:00Z.")
        search.updated = {
            **(search.updated or {}),
            DATE_PREFIXES[prefix]: _instant("_lastUpdated", moment),
        }
    for value in request.GET.getlist("_include"):
        if value != "Task:focus":
            raise _bad("_include", "only Task:focus is supported.", "not-supported")
        search.include_focus = True
    if "_count" in request.GET:
        search.count = _number("_count", request.GET["_count"], 1, MAX_COUNT)
    if "_offset" in request.GET:
        search.offset = _number("_offset", request.GET["_offset"], 0, 10**9)
    return search


def _matches(token: ApiToken, search: Search) -> tuple[list[Connection | Referral], int]:
    """The page of Tasks found, oldest change first, and how many there are in all."""
    connections = access.owned_connections(token)
    referrals = access.sent_referrals(token)
    if search.owner is not None:
        connections = connections.filter(
            service__organization__account_organisation_id=search.owner
        )
        referrals = referrals.filter(scheme__host_id=search.owner)
    if search.statuses is not None:
        connections = connections.filter(status__in=mapping.connection_statuses(search.statuses))
        referrals = referrals.filter(status__in=mapping.referral_statuses(search.statuses))
    for lookup, moment in (search.updated or {}).items():
        connections = connections.filter(**{f"updated_at__{lookup}": moment})
        referrals = referrals.filter(**{f"last_updated__{lookup}": moment})
    connections = connections.order_by("updated_at", "id")
    referrals = referrals.order_by("last_updated", "id")
    end = search.offset + search.count
    found: list[Connection | Referral] = [*connections[:end], *referrals[:end]]
    found.sort(key=lambda record: (_updated(record), str(record.pk)))
    return found[search.offset : end], connections.count() + referrals.count()


def _updated(record: Connection | Referral) -> dt.datetime:
    return record.updated_at if isinstance(record, Connection) else emit.referral_updated(record)


def search_bundle(request: HttpRequest, token: ApiToken) -> JSON:
    search = parse_search(request)
    page, total = _matches(token, search)
    base = request.build_absolute_uri("/fhir/")
    entries = [
        {
            "fullUrl": f"{base}Task/{record.pk}",
            "resource": task_of(record),
            "search": {"mode": "match"},
        }
        for record in page
    ]
    if search.include_focus:
        entries += [
            {
                "fullUrl": f"{base}ServiceRequest/{record.pk}",
                "resource": service_request_of(record),
                "search": {"mode": "include"},
            }
            for record in page
        ]
    links = [{"relation": "self", "url": request.build_absolute_uri()}]
    if search.offset + search.count < total:
        following = request.GET.copy()
        following["_offset"] = str(search.offset + search.count)
        links.append({"relation": "next", "url": f"{base}Task?{following.urlencode()}"})
    auditor.record(
        action="fhir.tasks_searched",
        request=request,
        detail={**access.about(token), "tasks": [str(record.pk) for record in page]},
    )
    return emit.check(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": total,
            "link": links,
            "entry": entries,
        }
    )


# Updating ----------------------------------------------------------------------------------


def if_match(request: HttpRequest) -> str | None:
    """The version an `If-Match: W/"3"` names, or None without the header."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    version = header.strip().removeprefix("W/").strip('"')
    if not version.isdigit():
        raise FhirError.of(400, "invalid", 'If-Match takes the ETag of the Task, such as W/"3".')
    return version


def proposed_task(body: Any, resource_id: str) -> JSON:
    """The Task sent, checked with fhir.resources: 400 naming each element at fault."""
    if not isinstance(body, dict) or body.get("resourceType") != "Task":
        raise FhirError.of(400, "invalid", "Send a Task resource.", "Task.resourceType")
    from fhir.resources.R4B.task import Task

    try:
        Task.model_validate(body)
    except ValidationError as error:
        raise FhirError(400, from_pydantic("Task", error.errors())) from None
    if body.get("id") not in (None, resource_id):
        raise FhirError.of(
            400, "invalid", "The Task's id must be the id in the address.", "Task.id"
        )
    return body


def wanted_status(task: JSON) -> tuple[str, str, str]:
    """The status asked for, why (statusReason.text), and a Linkwork reason code if given."""
    status = task.get("status", "")
    if status not in codes.TASK_STATUSES:
        allowed = ", ".join(sorted(codes.TASK_STATUSES))
        raise FhirError.of(
            422,
            "code-invalid",
            f"Task.status {status!r} is not in the IG's value set: {allowed}.",
            "Task.status",
        )
    reason = task.get("statusReason") or {}
    text = str(reason.get("text") or "").strip()
    code = next(
        (
            str(coding.get("code", ""))
            for coding in reason.get("coding") or []
            if coding.get("system") == codes.OUTCOME_SYSTEM
        ),
        "",
    )
    return status, text, code


def update(
    request: HttpRequest, token: ApiToken, record: Connection | Referral, task: JSON
) -> JSON:
    """Apply the status of `task` to the connection behind it; the Task as it now is."""
    status, text, code = wanted_status(task)
    current = task_of(record)
    role = "owner" if isinstance(record, Connection) else "requester"
    if mapping.row_for(status).set_by != role:
        gate.refuse(
            request,
            message=f"Only the Task's {mapping.row_for(status).set_by} may set it to {status}; "
            f"you are its {role}.",
            detail={**access.about(token), "task": str(record.pk), "task_status": status},
        )
    if status == current["status"]:
        return current
    if status in codes.REASON_REQUIRED and not text:
        raise FhirError.of(
            422, "required", f"Say why the Task is {status}.", "Task.statusReason.text"
        )
    if not isinstance(record, Connection):
        return _withdraw(request, token, record, status, text)
    version = if_match(request)
    previous = record.status
    try:
        changed = _change(record, status, text, code, version)
    except EditConflict:
        raise FhirError.of(
            412, "conflict", "The Task changed since that version: read it again and retry."
        ) from None
    except (InvalidTransition, actions.CaseworkError) as error:
        raise FhirError.of(409, "business-rule", str(error), "Task.status") from None
    auditor.record(
        action="fhir.task_updated",
        request=request,
        target=changed,
        scheme_id=changed.referral.scheme_id,
        detail={**access.about(token), "from": previous, "to": changed.status},
    )
    return task_of(access.owned_connections(token).get(pk=changed.pk))


def _withdraw(
    request: HttpRequest, token: ApiToken, referral: Referral, status: str, text: str
) -> JSON:
    """A referrer takes its referral back: `cancelled` with its reason, or `entered-in-error`
    (the reason says it was sent in error, with any text given)."""
    if mapping.referral_status_for(status) is None:
        raise FhirError.of(
            422,
            "not-supported",
            f"Linkwork does not take {status} on a referral through the API: ask the scheme.",
            "Task.status",
        )
    reason = text
    if status == "entered-in-error":
        reason = f"{SENT_IN_ERROR}: {text}" if text else SENT_IN_ERROR
    version = if_match(request)
    previous = referral.status
    try:
        changed = withdraw_referral(
            who=ApiClient(token),
            referral=referral,
            reason=reason,
            version=version,
            detail=access.about(token),
        )
    except EditConflict:
        raise FhirError.of(
            412, "conflict", "The Task changed since that version: read it again and retry."
        ) from None
    except ReferralTransition as error:
        raise FhirError.of(409, "business-rule", str(error), "Task.status") from None
    except WithdrawalRefused as error:
        raise FhirError.of(403, "forbidden", str(error), "Task.status") from None
    except ValueError as error:
        raise FhirError.of(422, "value", str(error), "Task.statusReason.text") from None
    auditor.record(
        action="fhir.task_updated",
        request=request,
        target=changed,
        scheme_id=changed.scheme_id,
        detail={**access.about(token), "from": previous, "to": changed.status},
    )
    return task_of(access.sent_referrals(token).get(pk=changed.pk))


def _change(
    connection: Connection, status: str, text: str, code: str, version: str | None
) -> Connection:
    """Make the change through the casework action for it."""
    wanted = mapping.connection_status_for(status)
    current = ConnectionStatus(connection.status)
    if current == ConnectionStatus.ON_HOLD and wanted != ConnectionStatus.ON_HOLD:
        back_to = ConnectionStatus(connection.held_from or ConnectionStatus.REQUESTED)
        if wanted == back_to:
            return actions.resume_connection(by=None, connection=connection, version=version)
        if wanted != ConnectionStatus.CANCELLED:
            raise actions.CaseworkError(
                f"The Task is on hold from {mapping.task_status_of_connection(back_to)}: set it "
                f"back to {mapping.task_status_of_connection(back_to)} first."
            )
    steps: dict[ConnectionStatus | None, Callable[[], Connection]] = {
        ConnectionStatus.ACCEPTED: lambda: actions.respond_to_connection(
            by=None, connection=connection, decision=Decision.ACCEPT, detail=text, version=version
        ),
        ConnectionStatus.REJECTED: lambda: actions.respond_to_connection(
            by=None,
            connection=connection,
            decision=Decision.DECLINE,
            reason=code if code in RejectionReason.values else RejectionReason.OTHER,
            detail=text,
            version=version,
        ),
        ConnectionStatus.IN_PROGRESS: lambda: actions.start_connection(
            by=None, connection=connection, version=version
        ),
        ConnectionStatus.ON_HOLD: lambda: actions.hold_connection(
            by=None, connection=connection, reason=text, version=version
        ),
        ConnectionStatus.FAILED: lambda: actions.end_connection(
            by=None,
            connection=connection,
            status=ConnectionStatus.FAILED,
            reason=code if code in FailureReason.values else FailureReason.OTHER,
            detail=text,
            version=version,
        ),
        ConnectionStatus.COMPLETED: lambda: actions.end_connection(
            by=None,
            connection=connection,
            status=ConnectionStatus.COMPLETED,
            detail=text,
            version=version,
        ),
    }
    return steps[wanted]()
