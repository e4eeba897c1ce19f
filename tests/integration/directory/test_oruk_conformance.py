"""Every answer of the ORUK API conforms to the official Open Referral UK 3.0 schemas: page 1,
a middle page and the last page of each list (as the ORUK validator fetches them), each
`{id}` form, and the root document. Also: no nulls or empty text anywhere."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from django.test import Client

from linkwork.directory.models import Organization, Service, ServiceAtLocation, Taxonomy
from linkwork.directory.oruk.attributes import TERMS, attribute_term_id
from tests.integration.directory.oruk_schemas import (
    STANDARD,
    blank_values,
    errors,
    require_schemas,
)
from tests.prerequisites import require_path

require_schemas()
pytestmark = pytest.mark.django_db

# (list path, schema of the list, schema of each item or None, page size for at least 2 pages)
LISTS = [
    ("/oruk/services", "service_list.json", None, 40),
    ("/oruk/services?full=true", "service_list.json", "service.json", 60),
    ("/oruk/services?minimal=true", "service_list.json", None, 100),
    ("/oruk/service_at_locations", "service_at_location_list.json", None, 40),
    (
        "/oruk/service_at_locations?full=true",
        "service_at_location_list.json",
        "service_at_location.json",
        60,
    ),
    (
        "/oruk/service_at_locations?postcode=BK1+1AE&proximity=3000",
        "service_at_location_list.json",
        None,
        20,
    ),
    ("/oruk/organizations", "organization_list.json", None, 8),
    ("/oruk/organizations?full=true", "organization_list.json", "organization.json", 8),
    ("/oruk/organizations?full_service=true", "organization_list.json", "organization.json", 12),
    ("/oruk/taxonomies", "taxonomy_list.json", None, 1),
    ("/oruk/taxonomy_terms", "taxonomy_term_list.json", None, 10),
]


def fetch(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


def conforms(document: Any, schema: str, item_schema: str | None = None) -> None:
    assert errors(document, schema) == []
    if item_schema is not None:
        for item in document["contents"]:
            assert errors(item, item_schema) == [], item.get("id")
    assert blank_values(document) == []


def join(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


@pytest.mark.parametrize(("url", "schema", "item_schema", "per_page"), LISTS)
def test_list_pages_conform(client, directory, url, schema, item_schema, per_page):
    first = fetch(client, join(url, f"per_page={per_page}"))
    total, pages = first["total_items"], first["total_pages"]
    assert total > per_page, "the list should span pages"
    assert pages == math.ceil(total / per_page)
    seen: set[str] = set()
    for number in sorted({1, (pages + 1) // 2, pages}):
        document = fetch(client, join(url, f"per_page={per_page}&page={number}"))
        conforms(document, schema, item_schema)
        expected = per_page if number < pages else total - per_page * (pages - 1)
        assert document["page_number"] == number
        assert document["size"] == len(document["contents"]) == expected
        assert document["total_items"] == total
        assert document["total_pages"] == pages
        assert document["first_page"] is (number == 1)
        assert document["last_page"] is (number == pages)
        assert document["empty"] is False
        ids = {item["id"] for item in document["contents"]}
        assert not ids & seen, "pages overlap"
        seen |= ids
    beyond = fetch(client, join(url, f"per_page={per_page}&page={pages + 1}"))
    conforms(beyond, schema)
    assert beyond["contents"] == []
    assert beyond["empty"] is True
    assert beyond["last_page"] is True


def test_empty_list_conforms_with_one_page(client, directory):
    document = fetch(client, "/oruk/services?search=zzzznothingmatches")
    conforms(document, "service_list.json")
    assert document["total_items"] == 0
    assert document["total_pages"] == 1
    assert document["empty"] is True
    assert document["first_page"] is document["last_page"] is True


def test_list_totals_match_database(client, directory):
    assert fetch(client, "/oruk/services")["total_items"] == Service.objects.count()
    sals = fetch(client, "/oruk/service_at_locations")["total_items"]
    assert sals == ServiceAtLocation.objects.count()
    assert fetch(client, "/oruk/organizations")["total_items"] == Organization.objects.count()
    assert fetch(client, "/oruk/taxonomies")["total_items"] == Taxonomy.objects.count()


def test_services_by_id_conform(client, directory):
    for service in Service.objects.order_by("id")[:40]:
        document = fetch(client, f"/oruk/services/{service.id}")
        conforms(document, "service.json")
        assert document["id"] == str(service.id)
        assert document["organization"]["id"] == str(service.organization_id)


def test_services_at_locations_by_id_conform(client, directory):
    for record in ServiceAtLocation.objects.order_by("id")[:40]:
        document = fetch(client, f"/oruk/service_at_locations/{record.id}")
        conforms(document, "service_at_location.json")
        assert document["location"]["id"] == str(record.location_id)
        assert document["service"]["id"] == str(record.service_id)
        assert errors(document["service"], "service.json") == []


@pytest.mark.parametrize("query", ["", "?full_service=true"])
def test_organizations_by_id_conform(client, directory, query):
    for organization in Organization.objects.all():
        document = fetch(client, f"/oruk/organizations/{organization.id}{query}")
        conforms(document, "organization.json")
        assert {s["id"] for s in document["services"]} == {
            str(i) for i in organization.services.values_list("id", flat=True)
        }
        if query:
            for service in document["services"]:
                assert errors(service, "service.json") == []


def test_taxonomies_by_id_conform(client, directory):
    for taxonomy in Taxonomy.objects.all():
        document = fetch(client, f"/oruk/taxonomies/{taxonomy.id}")
        conforms(document, "taxonomy.json")
        assert len(document["taxonomy_terms"]) == taxonomy.taxonomy_terms.count() > 0


def test_every_listed_taxonomy_term_conforms_by_id(client, directory):
    listed = fetch(client, "/oruk/taxonomy_terms?per_page=1000")["contents"]
    assert {t["id"] for t in listed} >= {str(attribute_term_id(t)) for t in TERMS}
    for term in listed:
        document = fetch(client, f"/oruk/taxonomy_terms/{term['id']}")
        conforms(document, "taxonomy_term.json")
        assert document == term


def test_root_document_conforms_and_links_the_openapi(client, directory):
    document = fetch(client, "/oruk/")
    conforms(document, "api_details.json")
    assert document["version"] == "HSDS-UK-3.0"
    assert document["profile"].startswith("https://openreferraluk.org/specifications/3.0/")
    assert document["openapi_url"] == "http://testserver/oruk/openapi.json"
    openapi = fetch(client, "/oruk/openapi.json")
    assert openapi["openapi"].startswith("3.1")
    assert {"/oruk/services", "/oruk/services/{id}", "/oruk/service_at_locations"} <= set(
        openapi["paths"]
    )


def test_ndjson_streams_every_record_conforming(client, directory):
    response = client.get("/oruk/services?format=ndjson&full=true")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    assert response["Access-Control-Allow-Origin"] == "*"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == Service.objects.count()
    for line in lines[::25]:
        assert errors(json.loads(line), "service.json") == []


FIXTURES = STANDARD.parent / "oruk-validator-fixtures"


@pytest.mark.parametrize(
    ("fixture", "schema", "conforming"),
    [
        ("V3.0-UK-Default/service_full.json", "service.json", True),
        ("V3.0-UK-Default/service_list.json", "service_list.json", True),
        ("V3.0-UK-Default/taxonomy_term.json", "taxonomy_term.json", True),
        ("V3.0-UK-Fail/service_full.json", "service.json", False),
        ("V3.0-UK-Fail/service_list.json", "service_list.json", False),
        ("V3.0-UK-Fail/taxonomy_term.json", "taxonomy_term.json", False),
        ("V3.0-UK-Fail/api_details.json", "api_details.json", False),
    ],
)
def test_schema_check_tells_the_validator_fixtures_apart(fixture, schema, conforming):
    """The check these tests rely on passes the official validator's good feed and catches
    its broken one, so a pass above means something."""
    path = require_path(FIXTURES / fixture, "the validator fixtures sit beside the ORUK schemas")
    assert (errors(json.loads(path.read_text("utf-8")), schema) == []) is conforming
