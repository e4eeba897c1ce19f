"""What the FHIR API tests share: callers with tokens, a connection to a provider's service,
a valid referral Bundle, and checks that every answer is FHIR JSON that validates."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client
from fhir.resources.R4B import get_fhir_model_class

from linkwork.casework import actions
from linkwork.interop.fhir import codes
from linkwork.people.actions import record_consents
from linkwork.people.models import ConsentKind, ConsentMethod
from tests.conftest import World
from tests.factories import DirectoryOrganizationFactory, ServiceFactory
from tests.integration.api.conftest import Caller, caller_for

FHIR_JSON = "application/fhir+json"


@pytest.fixture
def provider(world: World) -> Caller:
    """The provider organisation's case system."""
    return caller_for(world.provider_org, name="Case system")


@pytest.fixture
def practice(world: World) -> Caller:
    """The GP practice's clinical system."""
    return caller_for(world.practice, name="Clinical system")


@pytest.fixture
def provider_service(world: World):  # type: ignore[no-untyped-def]
    listing = DirectoryOrganizationFactory(account_organisation=world.provider_org)
    return ServiceFactory(organization=listing, name="Millbrook Walks")


@pytest.fixture
def connection(world: World, referral_a, provider_service):  # type: ignore[no-untyped-def]
    """A request from link worker A to the provider's service, sharing the person's name."""
    record_consents(
        by=None,
        person=referral_a.person,
        consents={ConsentKind.SHARE_WITH_PROVIDERS: True},
        method=ConsentMethod.VERBAL,
    )
    return actions.create_connection(
        by=world.link_worker_a,
        referral=referral_a,
        service=provider_service,
        shared_fields=["name", "needs"],
        message_to_provider="She would like a gentle start.",
    )


def fhir(
    client: Client, caller: Caller | None, method: str, path: str, body: Any = None, **headers: str
) -> Any:
    """Call the FHIR API as `caller` and check the answer is FHIR JSON."""
    if caller is not None:
        headers = caller.headers(**headers)
    content_type = headers.pop("content_type", FHIR_JSON)
    data = body if body is None or isinstance(body, str | bytes) else json.dumps(body)
    response = (
        getattr(client, method.lower())(path, data=data, content_type=content_type, headers=headers)
        if data is not None
        else getattr(client, method.lower())(path, headers=headers)
    )
    assert response["Content-Type"] == FHIR_JSON, response.content
    return response


def valid(resource: dict[str, Any]) -> dict[str, Any]:
    """`resource`, after checking it with fhir.resources.R4B and our value sets."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    if resource["resourceType"] == "Task":
        assert resource["status"] in codes.TASK_STATUSES
        assert resource["status"] not in {"ready", "received"}
        assert resource["intent"] == "order"
        assert resource["code"]["coding"][0]["code"] == "fulfill"
        if resource["status"] in codes.REASON_REQUIRED:
            assert resource["statusReason"]["text"]
    if resource["resourceType"] == "Bundle":
        for entry in resource.get("entry", []):
            if "resource" in entry:
                valid(entry["resource"])
    return resource


def outcome(response: Any, status: int, code: str) -> dict[str, Any]:
    """The OperationOutcome answered, with `status` and first issue `code`."""
    assert response.status_code == status, response.content
    body = valid(response.json())
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["code"] == code, body
    return body["issue"][0]


def task_with(task: dict[str, Any], status: str, reason: str = "") -> dict[str, Any]:
    changed = copy.deepcopy(task)
    changed["status"] = status
    changed.pop("statusReason", None)
    if reason:
        changed["statusReason"] = {"text": reason}
    return changed
