"""Bad input answers 422 problem+json naming each field by its path, and saves nothing.

422 (not 400) is the status for a request that is well-formed JSON but not valid, as Django
Ninja uses; 400 is kept for a body that is not JSON at all.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkwork.api.problems import VALIDATION
from linkwork.people.models import Consent, Person
from linkwork.referrals.models import Referral
from linkwork.vocabulary.routes import Route
from tests.integration.api.conftest import PROBLEM, VALID_REQUEST, field_errors, post

pytestmark = pytest.mark.django_db

Change = Callable[[dict[str, Any]], None]


def _set(section: str, field: str, value: Any) -> Change:
    def change(body: dict[str, Any]) -> None:
        body[section][field] = value

    return change


def _drop(section: str, field: str) -> Change:
    def change(body: dict[str, Any]) -> None:
        del body[section][field]

    return change


CASES: dict[str, tuple[Change, str, str]] = {
    # name: (change to a valid request, field at fault, words in its message)
    "bad_nhs_number": (
        _set("person", "nhs_number", "943 476 5918"),
        "person.nhs_number",
        "not a valid NHS number",
    ),
    "short_nhs_number": (
        _set("person", "nhs_number", "94347659"),
        "person.nhs_number",
        "10 digits",
    ),
    "missing_family_name": (_drop("person", "family_name"), "person.family_name", "required"),
    "empty_family_name": (_set("person", "family_name", "  "), "person.family_name", "empty"),
    "unknown_need": (
        _set("referral", "needs", ["loneliness", "boredom"]),
        "referral.needs[1]",
        "'loneliness'",
    ),
    "no_needs": (_set("referral", "needs", []), "referral.needs", "at least 1"),
    "unknown_route": (_set("referral", "route", "carrier_pigeon"), "referral.route", "'self'"),
    "no_consent_to_refer": (
        _set("referral", "consent_to_refer", False),
        "referral.consent_to_refer",
        "agrees",
    ),
    "missing_consent_to_refer": (
        _drop("referral", "consent_to_refer"),
        "referral.consent_to_refer",
        "required",
    ),
    "unknown_scheme": (_set("referral", "scheme", "no-such-scheme"), "referral.scheme", "slug"),
    "bad_date": (_set("person", "date_of_birth", "1958-02-30"), "person.date_of_birth", "date"),
    "date_in_words": (
        _set("person", "date_of_birth", "14 February 1958"),
        "person.date_of_birth",
        "YYYY-MM-DD",
    ),
    "future_date": (_set("person", "date_of_birth", "2999-01-01"), "person.date_of_birth", "past"),
    "unknown_sex": (_set("person", "sex", "other"), "person.sex", "'female'"),
    "bad_email": (_set("person", "email", "nadia-at-example"), "person.email", "format"),
    "bad_postcode": (_set("person", "postcode", "NOT A CODE"), "person.postcode", "postcode"),
    "digits_postcode": (_set("person", "postcode", "12345"), "person.postcode", "postcode"),
    "pseudo_postcode": (_set("person", "postcode", "ZZ99 9ZZ"), "person.postcode", "postcode"),
    "misspelt_field": (_set("person", "nhsNumber", "9434765919"), "person.nhsNumber", "name"),
    "not_a_boolean": (_set("consents", "contact", "perhaps"), "consents.contact", "true or false"),
    "no_phone_for_calls": (_drop("person", "phone"), "person.phone", "phone number"),
    "risks_not_described": (
        _set("person", "risk_status", "risks_identified"),
        "person.risks",
        "Describe",
    ),
    "two_gp_answers": (
        lambda body: body["person"].update(
            gp_practice_ods_code="B82005", no_known_gp_practice=True
        ),
        "person.no_known_gp_practice",
        "not both",
    ),
    "unknown_practice": (
        _set("person", "gp_practice_ods_code", "Z99999"),
        "person.gp_practice_ods_code",
        "ODS code",
    ),
    "missing_referrer_name": (
        lambda body: body["referral"]["referrer"].pop("name"),
        "referral.referrer.name",
        "required",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_post_referral_invalid_answers_422_with_field_path(client, practice, body, case):
    change, field, words = CASES[case]
    change(body)

    response = post(client, practice, body)

    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == VALIDATION.uri
    assert problem["title"] == VALIDATION.title
    assert problem["status"] == 422
    assert problem["instance"] == "/api/v1/referrals"
    assert field in problem["detail"]
    errors = field_errors(response)
    assert field in errors, errors
    assert words.lower() in errors[field].lower()
    assert not Person.objects.exists()
    assert not Referral.objects.exists()


def test_post_referral_with_unknown_need_creates_no_person(client, practice, body):
    body["referral"]["needs"] = ["sadness"]

    post(client, practice, body)

    assert Person.objects.count() == 0
    assert Consent.objects.count() == 0


def test_post_referral_rejected_after_checks_leaves_nothing(client, practice, body):
    """Field checks pass but the scheme is unknown: refused before anything is written."""
    body["referral"]["scheme"] = "gone"

    response = post(client, practice, body)

    assert response.status_code == 422
    assert (Person.objects.count(), Consent.objects.count(), Referral.objects.count()) == (0, 0, 0)


def test_post_referral_lists_every_invalid_field(client, practice, body):
    del body["person"]["given_name"]
    body["person"]["date_of_birth"] = "yesterday"
    body["referral"]["route"] = "nowhere"

    errors = field_errors(post(client, practice, body))

    assert set(errors) == {"person.given_name", "person.date_of_birth", "referral.route"}


def test_post_referral_route_not_taken_by_scheme(client, scheme, practice, body):
    scheme.accepted_routes = [Route.GP_PRACTICE, Route.HOSPITAL]
    scheme.save()
    body["referral"]["route"] = Route.POLICE

    response = post(client, practice, body)

    assert response.status_code == 422
    assert "gp_practice, hospital" in field_errors(response)["referral.route"]


def test_post_referral_missing_sections_named(client, practice):
    errors = field_errors(post(client, practice, {"person": {}}))

    assert {"person.given_name", "person.date_of_birth", "referral"} <= set(errors)


def test_post_referral_body_not_an_object(client, practice):
    response = post(client, practice, [1, 2])

    assert response.status_code == 422
    assert "body" in field_errors(response)


def test_post_referral_body_not_json_answers_400(client, practice):
    response = post(client, practice, "{not json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "The request body is not valid JSON."


def test_post_referral_empty_body(client, practice):
    response = post(client, practice, "")

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM


def test_post_referral_bad_idempotency_key_named(client, practice, body):
    response = post(client, practice, body, key="has spaces in it")

    assert response.status_code == 422
    assert "Idempotency-Key" in field_errors(response)
    assert not Referral.objects.exists()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    section=st.sampled_from(["person", "consents", "referral"]),
    field=st.sampled_from(
        sorted({*VALID_REQUEST["person"], *VALID_REQUEST["referral"], "unexpected"})
    ),
    value=JSON_VALUES,
)
def test_post_referral_any_bad_value_never_fails_on_our_side(
    client, practice, body, section, field, value
):
    changed = copy.deepcopy(body)
    changed[section][field] = value

    response = post(client, practice, changed)

    assert response.status_code in {201, 422}, response.content
    if response.status_code == 422:
        assert response["Content-Type"] == PROBLEM
        assert field_errors(response)
