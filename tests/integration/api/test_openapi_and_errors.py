"""The API describes itself (OpenAPI 3.1), and every error it gives, from any layer, is an
RFC 9457 problem document."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from linkwork.api.api import api
from linkwork.api.problems import INVALID_TRANSITION, TYPES
from linkwork.referrals.lifecycle import InvalidTransition
from linkwork.vocabulary.needs import Need
from linkwork.vocabulary.routes import Route
from tests.integration.api.conftest import PROBLEM, REFERRALS, get

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_document_is_3_1(document):
    assert document["openapi"].startswith("3.1.")
    assert document["info"]["title"] == "Linkwork API"


def test_openapi_document_lists_the_endpoints(document):
    assert set(document["paths"]) == {
        "/api/v1/referrals",
        "/api/v1/referrals/{id}",
        "/api/v1/referrals/{id}/recommendations",
        "/api/v1/referrals/{id}/withdraw",
    }
    recommendations = document["paths"]["/api/v1/referrals/{id}/recommendations"]["get"]
    assert recommendations["operationId"] == "getRecommendations"
    assert [(p["in"], p["name"]) for p in recommendations["parameters"]] == [
        ("path", "id"),
        ("query", "k"),
    ]
    assert document["paths"]["/api/v1/referrals"]["post"]["operationId"] == "createReferral"
    withdraw = document["paths"]["/api/v1/referrals/{id}/withdraw"]["post"]
    assert withdraw["operationId"] == "withdrawReferral"
    body = withdraw["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["reason"]
    assert set(withdraw["responses"]) == {"200", "400", "401", "404", "409", "422"}
    assert document["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_openapi_document_lists_canonical_slugs(document):
    schemas = document["components"]["schemas"]
    assert schemas["Route"]["enum"] == Route.values
    assert schemas["Need"]["enum"] == Need.values


def test_openapi_documents_errors_as_problem_json(document):
    responses = document["paths"]["/api/v1/referrals"]["post"]["responses"]
    assert set(responses["422"]["content"]) == {PROBLEM}
    assert set(responses["401"]["content"]) == {PROBLEM}
    assert set(responses["201"]["content"]) == {"application/json"}


def test_openapi_documents_idempotency_key(document):
    parameters = document["paths"]["/api/v1/referrals"]["post"]["parameters"]
    assert [(p["in"], p["name"]) for p in parameters] == [("header", "Idempotency-Key")]


def test_docs_page_served(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"/api/v1/openapi.json" in response.content


def test_api_has_its_own_namespace():
    assert reverse("api_v1:openapi-json") == "/api/v1/openapi.json"
    assert reverse("api_v1:referrals") == REFERRALS


def test_unknown_address_answers_404_problem(client, practice):
    for path in ("/api/v1/", "/api/v1/nothing-here", f"{REFERRALS}/not-a-uuid"):
        response = get(client, practice, path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == PROBLEM
        assert response.json()["instance"] == path


def test_wrong_method_answers_405_problem(client, practice):
    response = client.put(REFERRALS, headers=practice.headers())

    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert response["Allow"] == "POST"
    assert response.json()["status"] == 405


def test_invalid_transition_answers_409_problem(rf):
    request = rf.post(REFERRALS)

    response = api.on_exception(request, InvalidTransition("closed", "active"))

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    problem = json.loads(response.content)
    assert problem["type"] == INVALID_TRANSITION.uri
    assert problem["detail"].startswith("A referral that is closed cannot become active.")


def test_unexpected_failure_answers_500_problem(rf, caplog):
    response = api.on_exception(rf.get(REFERRALS), RuntimeError("database on fire"))

    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert b"database on fire" not in response.content
    assert "API request failed" in caplog.text


@pytest.mark.parametrize("slug", TYPES)
def test_problem_types_are_described_at_their_uri(client, slug):
    response = client.get(TYPES[slug].uri)

    assert response.status_code == 200
    assert response.json()["type"] == TYPES[slug].uri
    assert response.json()["title"] == TYPES[slug].title


def test_other_apis_keep_their_own_errors(client):
    """Replacing Ninja's handlers on this API leaves the public directory feed's alone."""
    response = client.get("/oruk/nothing-here")

    assert response["Content-Type"] == PROBLEM
    assert "/api/v1/" not in response.content.decode()
