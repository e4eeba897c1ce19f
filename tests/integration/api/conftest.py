"""What the API tests share: organisations with tokens, a valid request, and a way to send it."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from linkwork.accounts.models import Organisation, OrganisationKind, Scheme
from linkwork.api.actions import issue_api_token
from linkwork.api.models import ApiToken
from tests.factories import OrganisationFactory, SchemeFactory

REFERRALS = "/api/v1/referrals"
PROBLEM = "application/problem+json"


@dataclass
class Caller:
    """An organisation's system, holding one of its API tokens."""

    organisation: Organisation
    token: ApiToken
    secret: str

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}", **extra}


def caller_for(organisation: Organisation, name: str = "Clinical system") -> Caller:
    token, secret = issue_api_token(by=None, organisation=organisation, name=name)
    return Caller(organisation, token, secret)


@pytest.fixture
def scheme(db: None) -> Scheme:
    """The scheme referred into. Most tests need no staff, so not the whole `world`."""
    return SchemeFactory(name="Scheme A")


@pytest.fixture
def practice(db: None) -> Caller:
    """A GP practice calling with its token."""
    return caller_for(
        OrganisationFactory(name="Alder Street Surgery", kind=OrganisationKind.GP_PRACTICE)
    )


@pytest.fixture
def housing(db: None) -> Caller:
    """Another referring organisation, which must not see the practice's referrals."""
    return caller_for(OrganisationFactory(name="Brackenfield Homes", kind=OrganisationKind.HOUSING))


VALID_REQUEST: dict[str, Any] = {
    "person": {
        "given_name": "Nadia",
        "family_name": "Okafor",
        "date_of_birth": "1958-02-14",
        "nhs_number": "943 476 5919",
        "sex": "female",
        "ethnicity": "N",
        "preferred_language": "en",
        "interpreter_needed": False,
        "address": "4 Mill Lane, Brackenfield",
        "postcode": "bk1 2ab",
        "phone": "07700 900123",
        "email": "nadia@example.org",
        "preferred_contact_method": "phone",
        "digital_access": "limited",
        "no_known_gp_practice": False,
        "reasonable_adjustments": "Ground-floor rooms only.",
        "risk_status": "no_known_risks",
        "safeguarding_concerns": "",
    },
    "consents": {
        "contact": True,
        "share_with_providers": True,
        "message_back": True,
        "evaluation": False,
    },
    "referral": {
        "scheme": "(set by the request fixture)",
        "route": "gp_practice",
        "needs": ["loneliness", "money_debt"],
        "reason": "Lonely since her husband died; worried about bills.",
        "what_matters": "Getting out of the house again.",
        "urgency": "routine",
        "consent_to_refer": True,
        "referrer": {
            "name": "Dr Rita Referrer",
            "role": "GP",
            "email": "rita@example.org",
            "phone": "0113 496 0000",
        },
        "response_to": {"name": "Alder Street Surgery", "email": "surgery@example.org"},
    },
}


@pytest.fixture
def body(scheme: Scheme) -> dict[str, Any]:
    """A valid request into scheme A; tests change a copy of it."""
    return request_into(scheme)


def request_into(scheme: Scheme) -> dict[str, Any]:
    request = copy.deepcopy(VALID_REQUEST)
    request["referral"]["scheme"] = scheme.slug
    return request


def post(
    client: Client, caller: Caller | None, body: Any, key: str | None = None, **headers: str
) -> Any:
    if caller is not None:
        headers = caller.headers(**headers)
    if key is not None:
        headers["Idempotency-Key"] = key
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(REFERRALS, data=data, content_type="application/json", headers=headers)


def get(client: Client, caller: Caller | None, path: str) -> Any:
    return client.get(path, headers=caller.headers() if caller else {})


def field_errors(response: Any) -> dict[str, str]:
    assert response["Content-Type"] == PROBLEM
    return {error["field"]: error["message"] for error in response.json().get("errors", [])}
