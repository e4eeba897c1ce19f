"""The ORUK API's behaviour: filters that combine with AND, distance from a postcode, problem
documents for bad requests, CORS on every answer, throttling, a fixed number of queries per
page, and nothing private published."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from linkwork.accounts.models import User
from linkwork.directory.geography import haversine_km
from linkwork.directory.models import (
    Entity,
    LinkType,
    Organization,
    Postcode,
    Service,
    ServiceAtLocation,
    ServiceTip,
    TaxonomyTerm,
)
from linkwork.directory.oruk.attributes import (
    AUDIENCE_TAXONOMY_ID,
    TERMS,
    attribute_term_id,
)
from linkwork.directory.taxonomy import LINKWORK_TAXONOMY_ID, term_id
from linkwork.vocabulary.categories import TAXONOMY_NAME

pytestmark = pytest.mark.django_db

CENTRE = "BK1 1AE"


def fetch(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()


def ids(client: Client, url: str) -> set[str]:
    """The ids of every record the list gives (one big page)."""
    joiner = "&" if "?" in url else "?"
    document = fetch(client, f"{url}{joiner}per_page=1000")
    assert document["total_pages"] == 1
    return {item["id"] for item in document["contents"]}


def service_terms(client: Client) -> dict[str, set[str]]:
    """Vocabulary term -> ids of the services whose attributes carry it."""
    found: dict[str, set[str]] = {}
    for service in fetch(client, "/oruk/services?full=true&per_page=1000")["contents"]:
        for attribute in service["attributes"]:
            term = attribute["taxonomy_term"]
            if term.get("taxonomy") == "linkwork" and ":" in term["name"]:
                found.setdefault(term["name"], set()).add(service["id"])
    return found


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body


# Filters -----------------------------------------------------------------------------------


def says(service: Service, *stems: str) -> bool:
    """Whether the service's name, plain description or organisation says every stem."""
    text = f"{service.name} {service.description_text} {service.organization.name}".casefold()
    return all(stem in text for stem in stems)


def test_search_matches_stemmed_words_best_first(client, directory):
    found = fetch(client, "/oruk/services?search=FOOTBALL+walks&per_page=1000")["contents"]
    services = Service.objects.select_related("organization")
    both = {str(s.id) for s in services if says(s, "walk", "football")}
    either = {str(s.id) for s in services if says(s, "walk") or says(s, "football")}
    assert both
    # Services saying both words come first; too few of them, and those saying either follow.
    assert {s["id"] for s in found[: len(both)]} == both
    assert {s["id"] for s in found} <= either


def test_search_ranks_names_above_descriptions(client, directory):
    found = fetch(client, "/oruk/services?search=walking&per_page=1000")["contents"]
    named = [any(w in s["name"].casefold() for w in ("walk", "wander")) for s in found]
    assert named[:3] == [True, True, True]
    places = [i for i, n in enumerate(named) if n]
    others = [i for i, n in enumerate(named) if not n]
    assert sum(places) / len(places) < sum(others) / len(others)


def test_organization_filter_gives_that_organizations_services(client, directory):
    busiest = Counter(Service.objects.values_list("organization_id", flat=True)).most_common(1)
    organization_id = busiest[0][0]
    found = ids(client, f"/oruk/services?organization_id={organization_id}")
    expected = Service.objects.filter(organization_id=organization_id).values_list("id", flat=True)
    assert found == {str(i) for i in expected}
    assert len(found) > 1


def test_category_filter_by_stored_or_vocabulary_term_id_agree(client, directory):
    expected = {
        str(i)
        for i in Service.objects.in_categories(["physical_activity"]).values_list("id", flat=True)
    }
    stored = ids(
        client, f"/oruk/services?taxonomy_term_id={term_id(TAXONOMY_NAME, 'physical_activity')}"
    )
    vocabulary = ids(
        client, f"/oruk/services?taxonomy_term_id={attribute_term_id('category:physical_activity')}"
    )
    assert stored == vocabulary == expected
    assert expected


def test_each_vocabulary_term_filter_gives_the_services_it_describes(client, directory):
    described = service_terms(client)
    assert {"delivery:online", "route:referral", "capacity:full", "cost:free"} <= set(described)
    for term in TERMS:
        found = ids(
            client, f"/oruk/services?minimal=true&taxonomy_term_id={attribute_term_id(term)}"
        )
        assert found == described.get(term, set()), term


def test_taxonomy_filter_gives_services_with_any_term_of_it(client, directory):
    audience = ids(client, f"/oruk/services?taxonomy_id={AUDIENCE_TAXONOMY_ID}")
    described = service_terms(client)
    expected = set().union(*(v for k, v in described.items() if k.startswith("audience:")))
    assert audience == expected
    assert audience
    categories = ids(client, f"/oruk/services?taxonomy_id={LINKWORK_TAXONOMY_ID}")
    assert categories == {str(i) for i in Service.objects.values_list("id", flat=True)}


@pytest.mark.parametrize(
    "value",
    ["2025-12-01T00:00:00Z", "2025-12-01T00:00:00", "2025-12-01", "2025-12-01T01:00:00+01:00"],
)
def test_modified_after_keeps_services_modified_since(client, directory, value):
    cutoff = datetime(2025, 12, 1, tzinfo=UTC)
    found = ids(client, f"/oruk/services?modified_after={value.replace('+', '%2B')}")
    expected = Service.objects.filter(last_modified__gte=cutoff).values_list("id", flat=True)
    assert found == {str(i) for i in expected}
    assert 0 < len(found) < Service.objects.count()


def test_filters_combine_with_and(client, directory):
    search = "search=group"
    in_person = f"taxonomy_term_id={attribute_term_id('delivery:in_person')}"
    since = "modified_after=2025-06-01"
    singles = [ids(client, f"/oruk/services?{q}") for q in (search, in_person, since)]
    combined = ids(client, f"/oruk/services?{search}&{in_person}&{since}")
    assert combined == singles[0] & singles[1] & singles[2]
    assert combined
    assert all(len(combined) < len(s) for s in singles)
    organization_id = Service.objects.get(id=next(iter(combined))).organization_id
    narrowed = ids(
        client, f"/oruk/services?{search}&{in_person}&{since}&organization_id={organization_id}"
    )
    mine = {
        str(i)
        for i in Service.objects.filter(organization_id=organization_id).values_list(
            "id", flat=True
        )
    }
    assert narrowed == combined & mine


def test_service_at_location_filters_apply_to_its_service(client, directory):
    online = attribute_term_id("delivery:in_person")
    found = fetch(
        client, f"/oruk/service_at_locations?search=walking&taxonomy_term_id={online}&per_page=1000"
    )["contents"]
    assert found
    in_person = Service.objects.filter(delivers_in_person=True).select_related("organization")
    walking = [s.pk for s in in_person if says(s, "walk") or says(s, "wander")]
    expected = ServiceAtLocation.objects.filter(service__in=walking)
    assert {s["id"] for s in found} == {str(i) for i in expected.values_list("id", flat=True)}


# Distance ----------------------------------------------------------------------------------


def test_proximity_gives_every_location_within_reach_nearest_first(client, directory):
    centre = Postcode.objects.get(postcode=CENTRE)
    found = fetch(
        client, "/oruk/service_at_locations?postcode=bk11ae&proximity=1500&per_page=1000"
    )["contents"]
    distances = [
        haversine_km(
            centre.latitude, centre.longitude, s["location"]["latitude"], s["location"]["longitude"]
        )
        for s in found
    ]
    assert distances == sorted(distances)
    assert all(d <= 1.5 for d in distances)
    within = {
        str(r.id)
        for r in ServiceAtLocation.objects.select_related("location")
        if r.location.latitude is not None
        and haversine_km(
            centre.latitude, centre.longitude, r.location.latitude, r.location.longitude
        )
        <= 1.5
    }
    assert {s["id"] for s in found} == within
    assert 0 < len(within) < ServiceAtLocation.objects.count()


def test_postcode_alone_orders_everything_by_distance(client, directory):
    centre = Postcode.objects.get(postcode=CENTRE)
    document = fetch(client, "/oruk/service_at_locations?postcode=BK1%201AE&per_page=1000")
    assert document["total_items"] == ServiceAtLocation.objects.count()
    located = [s["location"] for s in document["contents"] if "latitude" in s["location"]]
    distances = [
        haversine_km(centre.latitude, centre.longitude, x["latitude"], x["longitude"])
        for x in located
    ]
    assert distances == sorted(distances)


def test_proximity_pages_do_not_overlap(client, directory):
    url = "/oruk/service_at_locations?postcode=BK1+1AE&proximity=4000&per_page=7"
    first = fetch(client, url)
    seen: list[str] = []
    for number in range(1, first["total_pages"] + 1):
        seen += [s["id"] for s in fetch(client, f"{url}&page={number}")["contents"]]
    assert len(seen) == len(set(seen)) == first["total_items"]


# Organizations and taxonomy terms ----------------------------------------------------------


def test_organization_search(client, directory):
    found = fetch(client, "/oruk/organizations?search=carers")["contents"]
    assert found
    assert all("carers" in f"{o['name']} {o['description']}".casefold() for o in found)


def test_taxonomy_term_filters(client, directory):
    categories = fetch(
        client, f"/oruk/taxonomy_terms?taxonomy_id={LINKWORK_TAXONOMY_ID}&per_page=100"
    )
    assert {t["taxonomy_id"] for t in categories["contents"]} == {str(LINKWORK_TAXONOMY_ID)}
    assert (
        categories["total_items"]
        == TaxonomyTerm.objects.filter(taxonomy_id=LINKWORK_TAXONOMY_ID).count()
    )
    parent = TaxonomyTerm.objects.get(id=term_id(TAXONOMY_NAME, "physical_activity"))
    child = TaxonomyTerm.objects.create(
        taxonomy=parent.taxonomy,
        name="Walking football",
        description="Football at walking pace.",
        parent=parent,
    )
    children = fetch(client, f"/oruk/taxonomy_terms?parent_id={parent.id}")["contents"]
    assert [t["id"] for t in children] == [str(child.id)]
    assert children[0]["parent_id"] == str(parent.id)
    top = ids(client, "/oruk/taxonomy_terms?top_only=true")
    assert str(child.id) not in top
    assert str(parent.id) in top
    searched = fetch(client, "/oruk/taxonomy_terms?search=online")["contents"]
    assert "delivery:online" in {t["name"] for t in searched}


# Problems ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("services?page=two", "page"),
        ("services?page=0", "page"),
        ("services?page=1.5", "page"),
        ("services?page=10000000000000000000000", "page"),
        ("services?search=walk%00ing", "search"),
        ("services?per_page=0", "per_page"),
        ("services?per_page=1001", "per_page"),
        ("services?taxonomy_term_id=not-a-uuid", "taxonomy_term_id"),
        ("services?taxonomy_id=1234", "taxonomy_id"),
        ("services?organization_id=x", "organization_id"),
        ("services?modified_after=yesterday", "modified_after"),
        ("services?modified_after=2025-13-45", "modified_after"),
        ("services?full=perhaps", "full"),
        ("services?format=xml", "format"),
        ("service_at_locations?postcode=BK1+1AE&proximity=-5", "proximity"),
        ("service_at_locations?postcode=BK1+1AE&proximity=far", "proximity"),
        ("service_at_locations?postcode=BK1+1AE&proximity=inf", "proximity"),
        ("service_at_locations?proximity=1000", "proximity"),
        ("service_at_locations?postcode=NOT+A+POSTCODE", "postcode"),
        ("service_at_locations?postcode=LS1+4AP&proximity=1000", "postcode"),
        ("organizations?full_service=sometimes", "full_service"),
        ("taxonomy_terms?parent_id=nope", "parent_id"),
        ("taxonomies?per_page=-1", "per_page"),
    ],
)
def test_bad_parameters_are_400_problems_naming_the_parameter(client, directory, query, parameter):
    body = assert_problem(client.get(f"/oruk/{query}"), 400)
    assert [e["parameter"] for e in body["errors"]] == [parameter]
    assert parameter in body["detail"]
    assert body["instance"] == f"/oruk/{query.split('?')[0]}"


def test_postcode_is_not_repeated_in_a_problem(client, directory):
    response = client.get("/oruk/service_at_locations?postcode=LS1+4AP")
    assert_problem(response, 400)
    assert b"LS1" not in response.content


@pytest.mark.parametrize(
    "kind", ["services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms"]
)
def test_unknown_ids_are_404_problems(client, directory, kind):
    missing = uuid.uuid4()
    body = assert_problem(client.get(f"/oruk/{kind}/{missing}"), 404)
    assert str(missing) in body["detail"]
    body = assert_problem(client.get(f"/oruk/{kind}/12345"), 400)
    assert body["errors"][0]["parameter"] == "id"


def test_unknown_address_is_a_404_problem(client, db):
    assert_problem(client.get("/oruk/services/extra/parts"), 404)
    assert_problem(client.get("/oruk/nothing-here"), 404)


def test_writes_are_refused_with_a_405_problem(client, db):
    body = assert_problem(client.post("/oruk/services", {}), 405)
    assert "GET" in body["detail"]


def test_preflight_is_answered_for_any_origin(client, db):
    response = client.options(
        "/oruk/services",
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]


@pytest.mark.parametrize(
    "path", ["/oruk/", "/oruk/services", "/oruk/taxonomy_terms", "/oruk/openapi.json"]
)
def test_every_answer_allows_any_origin(client, directory, path):
    response = client.get(path, HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


def test_empty_parameters_count_as_not_given(client, directory):
    document = fetch(client, "/oruk/services?search=&taxonomy_id=&page=&organization_id=")
    assert document["total_items"] == Service.objects.count()
    assert document["page_number"] == 1


def test_throttle_answers_429_per_client_address(client, db, settings):
    settings.LINKWORK_ORUK_RATE = "3/m"
    for _ in range(3):
        assert client.get("/oruk/").status_code == 200
    response = client.get("/oruk/taxonomies")
    body = assert_problem(response, 429)
    assert "many" in body["detail"].casefold()
    assert int(response["Retry-After"]) > 0
    assert client.get("/oruk/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_throttle_ignores_forwarded_for_without_trusted_proxies(client, db, settings):
    settings.LINKWORK_ORUK_RATE = "2/m"
    for n in range(2):
        assert client.get("/oruk/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code == 200
    assert client.get("/oruk/", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429


# Queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/oruk/services?full=true",
        "/oruk/services",
        "/oruk/service_at_locations?full=true",
        "/oruk/service_at_locations?postcode=BK1+1AE&proximity=5000&full=true",
        "/oruk/organizations?full_service=true",
        "/oruk/taxonomy_terms",
    ],
)
def test_a_page_takes_the_same_queries_whatever_its_size(
    client, directory, url, django_assert_num_queries
):
    with CaptureQueriesContext(connection) as small:
        assert (
            fetch(client, f"{url}&per_page=3" if "?" in url else f"{url}?per_page=3")["size"] == 3
        )
    with django_assert_num_queries(len(small.captured_queries)):
        big = fetch(client, f"{url}&per_page=30" if "?" in url else f"{url}?per_page=30")
    assert big["size"] == 30


# Privacy -----------------------------------------------------------------------------------


def test_private_details_are_never_published(client, directory):
    service = Service.objects.filter(service_at_locations__isnull=False).first()
    assert service is not None
    assessor = User.objects.create_user(
        email="assessor.secret@example.org", full_name="Sandy Secretname", password="x-" * 8
    )
    service.assurer = assessor
    service.funding_note = "Private funding note 7731"
    service.save()
    ServiceTip.objects.create(
        service=service, author=assessor, text="Ask for Jo at the back door 5519"
    )
    organization = service.organization
    urls = [
        f"/oruk/services/{service.id}",
        f"/oruk/services?full=true&organization_id={organization.id}",
        f"/oruk/service_at_locations/{service.service_at_locations.first().id}",
        f"/oruk/organizations/{organization.id}?full_service=true",
    ]
    for url in urls:
        text = client.get(url).content.decode()
        for secret in ("Secretname", "assessor.secret", "7731", "5519", '"assurer"', "tips"):
            assert secret not in text, (url, secret)


def test_account_organisation_link_is_not_published(client, directory):
    listing = Organization.objects.filter(account_organisation__isnull=False).first()
    assert listing is not None
    text = client.get(f"/oruk/organizations/{listing.id}").content.decode()
    assert "account" not in text


def test_audience_attribute_rows_keep_their_ids(client, directory):
    from linkwork.directory.models import Attribute

    row = (
        Attribute.objects.filter(link_entity=Entity.SERVICE, link_type=LinkType.AUDIENCE)
        .select_related("taxonomy_term")
        .first()
    )
    assert row is not None
    document = fetch(client, f"/oruk/services/{row.link_id}")
    matching = [a for a in document["attributes"] if a["id"] == str(row.id)]
    assert len(matching) == 1
    assert matching[0]["taxonomy_term"]["name"] == f"audience:{row.taxonomy_term.code}"
