"""The Task API for connections: a provider's system finds the Tasks of connections to its
services, accepts, starts and completes them, and the link worker sees each change; refused
changes answer an OperationOutcome with the right code, and nothing else is touched."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.models import Connection, ConnectionStatusChange, FollowUp
from tests.conftest import World, signed_in
from tests.factories import OrganisationFactory
from tests.integration.api.conftest import caller_for
from tests.integration.interop.conftest import fhir, outcome, task_with, valid

pytestmark = pytest.mark.django_db

PATCH = "application/json-patch+json"


def read(client, caller, connection):  # type: ignore[no-untyped-def]
    response = fhir(client, caller, "GET", f"/fhir/Task/{connection.pk}")
    assert response.status_code == 200, response.content
    return valid(response.json()), response["ETag"]


def put(client, caller, task, etag=None):  # type: ignore[no-untyped-def]
    headers = {"If-Match": etag} if etag else {}
    return fhir(client, caller, "PUT", f"/fhir/Task/{task['id']}", task, **headers)


def test_provider_accepts_starts_and_completes_and_link_worker_sees_it(
    client, world: World, referral_a, provider, connection
):
    task, etag = read(client, provider, connection)
    assert (task["status"], task["intent"], etag) == ("requested", "order", 'W/"2"')
    assert task["owner"]["reference"] == f"Organization/{world.provider_org.pk}"
    assert task["requester"]["reference"] == f"Organization/{world.scheme_a.host_id}"

    accepted = put(client, provider, task_with(task, "accepted"), etag)
    assert accepted.status_code == 200, accepted.content
    assert valid(accepted.json())["status"] == "accepted"
    assert accepted["ETag"] == 'W/"3"'
    # The casework action ran: the link worker's follow-up is scheduled.
    assert FollowUp.objects.filter(connection=connection).exists()

    started = fhir(
        client,
        provider,
        "PATCH",
        f"/fhir/Task/{connection.pk}",
        [{"op": "replace", "path": "/status", "value": "in-progress"}],
        content_type=PATCH,
        **{"If-Match": accepted["ETag"]},
    )
    assert started.status_code == 200, started.content
    completed = put(client, provider, task_with(started.json(), "completed"), started["ETag"])
    assert completed.status_code == 200, completed.content
    done = valid(completed.json())
    assert done["status"] == "completed"
    assert done["output"][0]["valueCodeableConcept"]["coding"][0]["code"] == "completed"

    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.COMPLETED
    history = ConnectionStatusChange.objects.filter(connection=connection).order_by("id")
    assert [row.to_status for row in history] == [
        "draft",
        "requested",
        "accepted",
        "in_progress",
        "completed",
    ]
    assert list(
        AuditEvent.objects.filter(action="fhir.task_updated")
        .order_by("id")
        .values_list("detail__to", flat=True)
    ) == ["accepted", "in_progress", "completed"]
    signed_in(client, world.link_worker_a)
    page = client.get(reverse("casework:connections", args=[referral_a.pk])).content.decode()
    assert "Millbrook Walks" in page
    assert "Completed" in page


def test_provider_rejects_with_reason_and_failed_output(client, provider, connection):
    task, etag = read(client, provider, connection)
    rejected = task_with(task, "rejected", "No space until spring")
    rejected["statusReason"]["coding"] = [
        {
            "system": "https://linkwork.org.uk/fhir/CodeSystem/connection-outcome",
            "code": "no_capacity",
        }
    ]
    response = put(client, provider, rejected, etag)
    assert response.status_code == 200, response.content
    answer = valid(response.json())
    assert answer["statusReason"]["text"] == "No space at the moment: No space until spring"
    connection.refresh_from_db()
    assert (connection.status, connection.rejection_reason) == ("rejected", "no_capacity")


def test_on_hold_and_back(client, provider, connection):
    task, _ = read(client, provider, connection)
    held = put(client, provider, task_with(task, "accepted"))
    held = put(client, provider, task_with(held.json(), "on-hold", "The person is in hospital"))
    assert held.status_code == 200, held.content
    assert valid(held.json())["statusReason"]["text"] == "The person is in hospital"
    # Off hold only back to where it was paused from.
    outcome(put(client, provider, task_with(held.json(), "in-progress")), 409, "business-rule")
    back = put(client, provider, task_with(held.json(), "accepted"))
    assert back.status_code == 200, back.content
    connection.refresh_from_db()
    assert (connection.status, connection.held_from) == ("accepted", "")


@pytest.mark.parametrize(
    ("status", "reason", "code", "http"),
    [
        ("ready", "", "code-invalid", 422),  # FHIR's, not the IG's
        ("received", "", "code-invalid", 422),
        ("completed", "", "business-rule", 409),  # requested cannot become completed
        ("rejected", "", "required", 422),  # says why
        ("on-hold", "", "required", 422),
        ("cancelled", "Not needed", "forbidden", 403),  # the requester's, not the owner's
        ("entered-in-error", "", "forbidden", 403),
    ],
)
def test_refused_changes_answer_operation_outcome(
    client, provider, connection, status, reason, code, http
):
    task, _ = read(client, provider, connection)
    before = Connection.objects.get(pk=connection.pk).version
    issue = outcome(put(client, provider, task_with(task, status, reason)), http, code)
    assert issue["diagnostics"]
    if code in {"code-invalid", "required", "business-rule"}:
        assert issue["expression"][0].startswith("Task.status")
    assert Connection.objects.get(pk=connection.pk).version == before


def test_stale_version_is_412_and_changes_nothing(client, provider, connection):
    task, etag = read(client, provider, connection)
    assert put(client, provider, task_with(task, "accepted"), etag).status_code == 200
    outcome(put(client, provider, task_with(task, "in-progress"), etag), 412, "conflict")
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACCEPTED


def test_other_provider_and_referrer_cannot_see_or_change_the_task(
    client, world: World, practice, connection
):
    other = caller_for(OrganisationFactory(kind="vcse"), name="Other provider")
    for caller in (other, practice):
        response = fhir(client, caller, "GET", f"/fhir/Task/{connection.pk}")
        outcome(response, 404, "not-found")
        task = {
            "resourceType": "Task",
            "id": str(connection.pk),
            "status": "accepted",
            "intent": "order",
        }
        outcome(put(client, caller, task), 404, "not-found")
        outcome(
            fhir(client, caller, "GET", f"/fhir/ServiceRequest/{connection.pk}"), 404, "not-found"
        )
        found = fhir(client, caller, "GET", "/fhir/Task").json()
        # The practice sees the Task of the referral it sent, never the connection's.
        ids = [entry["resource"]["id"] for entry in found.get("entry", [])]
        assert ids == ([str(connection.referral_id)] if caller is practice else [])
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.REQUESTED
    denied = AuditEvent.objects.filter(action="access.denied", object_id=str(connection.pk))
    assert denied.count() == 6


def test_search_by_owner_status_and_last_updated_with_focus(
    client, world: World, provider, connection
):
    later = (timezone.now() + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    earlier = (timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    owner = f"Organization/{world.provider_org.pk}"
    found = fhir(
        client,
        provider,
        "GET",
        f"/fhir/Task?owner={owner}&status=requested,accepted&_lastUpdated=gt{earlier}"
        "&_include=Task:focus",
    )
    bundle = valid(found.json())
    assert (bundle["type"], bundle["total"]) == ("searchset", 1)
    match, included = bundle["entry"]
    assert (match["search"]["mode"], match["resource"]["id"]) == ("match", str(connection.pk))
    assert included["search"]["mode"] == "include"
    request = included["resource"]
    assert request["resourceType"] == "ServiceRequest"
    assert request["subject"]["display"] == "Ann Example"  # the name was shared
    assert "She would like a gentle start." in request["note"][0]["text"]
    for query in (f"_lastUpdated=gt{later}", "status=completed", "owner=Organization/999999"):
        assert fhir(client, provider, "GET", f"/fhir/Task?{query}").json()["total"] == 0
    event = AuditEvent.objects.filter(action="fhir.tasks_searched").order_by("id").first()
    assert event.detail["tasks"] == [str(connection.pk)]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("status=ready", "status"),
        ("_lastUpdated=2026-01-01", "_lastUpdated"),
        ("_lastUpdated=gtyesterday", "_lastUpdated"),
        ("owner=someone", "owner"),
        ("_include=Task:patient", "_include"),
        ("_count=0", "_count"),
        ("patient=1", "patient"),
    ],
)
def test_bad_search_parameters_answer_400_naming_them(client, provider, query, parameter):
    issue = outcome(fhir(client, provider, "GET", f"/fhir/Task?{query}"), 400, outcome_code(query))
    assert issue["expression"] == [parameter]


def outcome_code(query: str) -> str:
    return "not-supported" if query.startswith(("_include", "patient")) else "value"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("{not json", "application/fhir+json", 400, "invalid"),
        ('{"resourceType": "Patient"}', "application/fhir+json", 400, "invalid"),
        (
            '{"resourceType": "Task", "status": 7, "intent": "order"}',
            "application/fhir+json",
            400,
            "value",
        ),
        ('[{"op": "replace", "path": "/owner", "value": {}}]', PATCH, 422, "not-supported"),
        ('[{"op": "move", "path": "/status"}]', PATCH, 422, "not-supported"),
        (
            '[{"op": "replace", "path": "/status", "value": "accepted"}]',
            "application/json",
            415,
            "not-supported",
        ),
        ("[]", PATCH, 400, "invalid"),
    ],
)
def test_bad_updates_are_4xx_never_500(
    client, provider, connection, body, content_type, status, code
):
    method = "PATCH" if content_type != "application/fhir+json" else "PUT"
    response = fhir(
        client, provider, method, f"/fhir/Task/{connection.pk}", body, content_type=content_type
    )
    outcome(response, status, code)


def test_service_request_is_read_and_audited(client, provider, connection):
    response = fhir(client, provider, "GET", f"/fhir/ServiceRequest/{connection.pk}")
    request = valid(response.json())
    assert (request["status"], request["intent"]) == ("active", "order")
    assert [concept["coding"][0]["code"] for concept in request["reasonCode"]] == ["loneliness"]
    event = AuditEvent.objects.get(action="fhir.service_request_read")
    assert event.detail == {
        "api_token": provider.token.pk,
        "organisation": provider.organisation.pk,
    }
    assert json.dumps(event.detail).find("Ann") == -1
