"""Schemathesis against the Open Referral UK API's OpenAPI document (`/oruk/openapi.json`),
every GET operation, over the seeded Brackenfield directory.

The document names the official ORUK 3.0 schemas by URL; they are read from the standards
folder beside the repository instead (`with_local_schemas`). Each generated request must get
an answer that is not a 5xx, with a documented status and content type, and a body that
conforms to the ORUK schema. Hazard log and ASVS cite
`test_oruk_fuzz_no_5xx_and_conforms_to_openapi`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.db import transaction
from hypothesis import settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client

from linkwork.accounts.models import OrganisationKind
from linkwork.directory.demo import seed_directory
from tests.factories import OrganisationFactory
from tests.fuzz.conftest import (
    API_EXAMPLES,
    BOUNDED,
    InProcessSite,
    fuzz_config,
    served_document,
    with_local_schemas,
)
from tests.integration.directory.conftest import TODAY
from tests.prerequisites import shared_standard

# Not `negative_data_rejection`: the feed takes an empty parameter (`?format=&search=`) as
# not given, as HTML forms send them, on purpose; the schema cannot say so per parameter.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

SITE = InProcessSite()
schema = schemathesis.openapi.from_dict(
    with_local_schemas(
        served_document(SITE, "/oruk/openapi.json"),
        shared_standard("oruk-3.0/schema", module_level=True),
    ),
    config=fuzz_config(),
)
schema.app = SITE


@pytest.fixture(scope="module")
def published_ids(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, list[str]]]:
    """The demo directory, seeded once per module and rolled back after it, and the ids of
    what each list publishes (vocabulary terms included), for valid cases to ask about."""
    with django_db_blocker.unblock(), transaction.atomic():
        providers = [OrganisationFactory(name="Fuzz Carers", kind=OrganisationKind.VCSE)]
        seed_directory(rng=random.Random(16), account_organisations=providers, today=TODAY)
        client = Client(SITE)
        ids = {}
        for collection in (
            "services",
            "service_at_locations",
            "organizations",
            "taxonomies",
            "taxonomy_terms",
        ):
            page = client.get(f"/oruk/{collection}?per_page=1000").get_json()
            ids[f"/oruk/{collection}/{{id}}"] = [item["id"] for item in page["contents"]]
        yield ids
        transaction.set_rollback(True)


@pytest.fixture
def directory(
    db: None, settings: Any, published_ids: dict[str, list[str]]
) -> Iterator[dict[str, list[str]]]:
    """No throttling in the way: every generated request is counted by the same address."""
    settings.LINKWORK_ORUK_RATE = "100000/m"
    cache.clear()
    yield published_ids
    cache.clear()


def aim_at_a_record(case: schemathesis.Case, ids: dict[str, list[str]]) -> None:
    """A valid case for one record asks for a published one (chosen by the generated id, so
    the choice is as repeatable as the id); a random id would only ever be answered 404."""
    meta: Any = case.meta
    positive = meta is None or meta.generation.mode == GenerationMode.POSITIVE
    known = ids.get(case.operation.path)
    if positive and known and case.path_parameters and "id" in case.path_parameters:
        generated = str(case.path_parameters["id"])
        case.path_parameters["id"] = known[sum(map(ord, generated)) % len(known)]


@schema.include(method="GET").parametrize()
@settings(BOUNDED, max_examples=API_EXAMPLES)
def test_oruk_fuzz_no_5xx_and_conforms_to_openapi(
    case: schemathesis.Case, directory: dict[str, list[str]]
) -> None:
    aim_at_a_record(case, directory)
    case.call_and_validate(checks=CHECKS)
