"""Schemathesis against the JSON API's own OpenAPI document (`/api/v1/openapi.json`), every
operation, valid and invalid input alike, with a real organisation token.

Each generated request must get an answer that is not a 5xx, whose status the document lists
for the operation, whose content type it documents, and whose body conforms to the documented
schema. Hazard log and ASVS cite `test_api_v1_fuzz_no_5xx_and_conforms_to_openapi`.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import schemathesis
from django.test import Client
from hypothesis import settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from linkwork.accounts.models import OrganisationKind
from tests.factories import OrganisationFactory, SchemeFactory
from tests.fuzz.conftest import API_EXAMPLES, BOUNDED, InProcessSite, fuzz_config
from tests.integration.api.conftest import VALID_REQUEST, Caller, caller_for, post, request_into

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", InProcessSite(), config=fuzz_config()
)


class Callers:
    """The practice that refers, the organisation hosting the scheme, and one referral."""

    def __init__(self, client: Client) -> None:
        scheme = SchemeFactory(name="Fuzzed scheme")
        self.practice = caller_for(
            OrganisationFactory(name="Fuzz Surgery", kind=OrganisationKind.GP_PRACTICE)
        )
        self.host = caller_for(scheme.host, name="Case management system")
        answer = post(client, self.practice, request_into(scheme))
        assert answer.status_code == 201, answer.content
        self.referral_id = answer.json()["id"]
        self.scheme_slug = scheme.slug

    def for_operation(self, case: schemathesis.Case) -> Caller:
        """Matching is for the hosting organisation's system; the rest for the referrer."""
        if case.operation.path.endswith("/recommendations"):
            return self.host
        return self.practice


@pytest.fixture
def callers(db: None, client: Client) -> Callers:
    return Callers(client)


def request_into_scheme(slug: str) -> dict[str, Any]:
    body = copy.deepcopy(VALID_REQUEST)
    body["referral"]["scheme"] = slug
    return body


def aim_at_the_referral(case: schemathesis.Case, referral_id: str) -> None:
    """A valid case asks about the real referral, so its full answer is checked too; a random
    id would only ever be answered 404. Invalid cases keep their malformed ids."""
    meta: Any = case.meta
    positive = meta is None or meta.generation.mode == GenerationMode.POSITIVE
    if positive and case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = referral_id


# Free text a referrer types: where control characters, odd Unicode and long strings arrive.
FREE_TEXT = {
    "person": ["given_name", "family_name", "address", "reasonable_adjustments"],
    "referral": ["reason", "what_matters"],
}


def through_the_checks(case: schemathesis.Case, scheme_slug: str) -> None:
    """A valid new referral takes the generated free text into an otherwise acceptable
    request, so the 201 answer, idempotent replays and the whole write are fuzzed too.

    A body that merely fits the schema is almost never accepted: the schema cannot say that an
    NHS number needs its check digit or that a scheme must exist, so every purely generated
    referral would stop at the same 422.
    """
    meta: Any = case.meta
    generated = case.body
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE:
        return
    if case.operation.method.upper() != "POST" or not isinstance(generated, dict):
        return
    body = request_into_scheme(scheme_slug)
    for section, fields in FREE_TEXT.items():
        given = generated.get(section)
        for field in fields:
            if isinstance(given, dict) and isinstance(given.get(field), str):
                body[section][field] = given[field]
    case.body = body


@schema.parametrize()
@settings(BOUNDED, max_examples=API_EXAMPLES)
def test_api_v1_fuzz_no_5xx_and_conforms_to_openapi(
    case: schemathesis.Case, callers: Callers
) -> None:
    aim_at_the_referral(case, callers.referral_id)
    through_the_checks(case, callers.scheme_slug)
    case.call_and_validate(headers=callers.for_operation(case).headers(), checks=CHECKS)
