"""Issue 16, item 9, in the JSON API: NUL bytes and control characters in any string are a
422 naming the field, never a 500; a body over the documented limit is a 413 problem."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings

from linkwork.people.models import Person
from linkwork.referrals.models import Referral
from tests.integration.api.conftest import PROBLEM, field_errors, post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ("person", "given_name", "Na\x00dia"),
        ("person", "family_name", "Oka\x01for"),
        ("referral", "reason", "Lonely\x00"),
        ("person", "postcode", "BK1\x002AB"),
        ("person", "email", "nadia\x00@example.org"),
    ],
)
def test_api_string_with_nul_or_control_character_is_refused_naming_the_field(
    client, practice, body, section, field, value
):
    changed = copy.deepcopy(body)
    changed[section][field] = value
    response = post(client, practice, changed)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    assert f"{section}.{field}" in field_errors(response)
    assert Person.objects.count() == 0


def test_api_nul_in_a_nested_list_string_is_refused(client, practice, body):
    changed = copy.deepcopy(body)
    changed["referral"]["needs"] = ["loneliness\x00"]
    response = post(client, practice, changed)
    assert 400 <= response.status_code < 500
    assert Referral.objects.count() == 0


def test_api_nul_in_a_json_key_or_header_is_not_an_error(client, practice, body):
    changed = copy.deepcopy(body)
    changed["person"]["\x00"] = "x"
    response = post(client, practice, changed)
    assert 200 <= response.status_code < 500


def test_api_body_over_the_limit_answers_413(client, practice, body):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    changed = copy.deepcopy(body)
    changed["referral"]["reason"] = "x" * (limit + 1)
    response = post(client, practice, changed)
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 413
    assert f"{limit:,}" in problem["detail"]
    assert Referral.objects.count() == 0


def test_api_body_that_is_not_utf8_is_a_400(client, practice):
    response = post(client, practice, b"\xff\xfe{")
    assert response.status_code == 400
