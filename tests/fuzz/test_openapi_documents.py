"""Plain regression tests for what the fuzzing found wrong in the OpenAPI documents."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

ORUK_LISTS = [
    "/oruk/services",
    "/oruk/service_at_locations",
    "/oruk/organizations",
    "/oruk/taxonomies",
    "/oruk/taxonomy_terms",
]


def document(client: Client, path: str) -> dict[str, Any]:
    answer = client.get(path)
    assert answer.status_code == 200
    found: dict[str, Any] = answer.json()
    return found


@pytest.mark.parametrize("path", ORUK_LISTS)
def test_oruk_openapi_documents_ndjson_lists(client: Client, path: str) -> None:
    """`format=ndjson` answers `application/x-ndjson`; the document listed only JSON."""
    content = document(client, "/oruk/openapi.json")["paths"][path]["get"]["responses"]["200"][
        "content"
    ]
    assert set(content) == {"application/json", "application/x-ndjson"}


def test_api_openapi_documents_nhs_ethnic_letter_codes(client: Client) -> None:
    """The API takes the NHS 2001 letter codes ('N'); the document listed only 2021 groups,
    so a client validating its request against it would refuse a request the API accepts."""
    schemas = document(client, "/api/v1/openapi.json")["components"]["schemas"]
    choices = schemas["PersonIn"]["properties"]["ethnicity"]["anyOf"]
    letter_codes = next(choice["enum"] for choice in choices if "enum" in choice)
    assert {"A", "N", "Z", "99"} <= set(letter_codes)
    assert any("Ethnicity" in str(choice) for choice in choices)
