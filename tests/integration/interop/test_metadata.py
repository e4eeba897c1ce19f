"""`/fhir/metadata` says exactly what is supported; anything else under `/fhir/` is a 404 or
405 OperationOutcome, never an HTML page."""

from __future__ import annotations

import pytest

from tests.integration.interop.conftest import fhir, outcome, valid

pytestmark = pytest.mark.django_db


def test_capability_statement_lists_what_is_supported(client):
    statement = valid(fhir(client, None, "GET", "/fhir/metadata").json())
    assert statement["resourceType"] == "CapabilityStatement"
    assert statement["format"] == ["application/fhir+json"]
    (rest,) = statement["rest"]
    resources = {resource["type"]: resource for resource in rest["resource"]}
    assert set(resources) == {"Task", "ServiceRequest"}
    assert {i["code"] for i in resources["Task"]["interaction"]} == {
        "read",
        "update",
        "patch",
        "search-type",
    }
    assert {p["name"] for p in resources["Task"]["searchParam"]} == {
        "owner",
        "status",
        "_lastUpdated",
        "_count",
        "_offset",
    }
    assert resources["Task"]["searchInclude"] == ["Task:focus"]
    assert [i["code"] for i in resources["ServiceRequest"]["interaction"]] == ["read"]
    assert [i["code"] for i in rest["interaction"]] == ["transaction"]


def test_unknown_resources_and_methods(client, world, practice):
    outcome(fhir(client, practice, "GET", "/fhir/Patient/1"), 404, "not-found")
    outcome(fhir(client, practice, "GET", "/fhir/Task/not-a-uuid"), 404, "not-found")
    outcome(
        fhir(client, practice, "GET", "/fhir/Task/00000000-0000-0000-0000-000000000000"),
        404,
        "not-found",
    )
    response = fhir(client, practice, "DELETE", "/fhir/Task/00000000-0000-0000-0000-000000000000")
    outcome(response, 405, "not-supported")
    assert response["Allow"] == "GET, PUT, PATCH"
    outcome(fhir(client, practice, "POST", "/fhir/metadata", "{}"), 405, "not-supported")
