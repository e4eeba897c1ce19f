"""Each request carries an organisation's API token; anything else answers 401 problem+json
before the request is looked at. Tokens are shown once and only their hash is kept."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linkwork.api import tokens
from linkwork.api.actions import revoke_api_token
from linkwork.api.models import ApiToken
from linkwork.audit.models import AuditEvent
from linkwork.referrals.models import Referral
from tests.factories import OrganisationFactory
from tests.integration.api.conftest import PROBLEM, REFERRALS, post

pytestmark = pytest.mark.django_db


def _refused(response, credentials: str = "not_valid") -> AuditEvent:  # type: ignore[no-untyped-def]
    """The 401 answer, and the one audit event that records the refusal."""
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    problem = response.json()
    assert (problem["status"], problem["title"]) == (401, "Unauthorized")
    assert not Referral.objects.exists()
    (refusal,) = AuditEvent.objects.filter(action="access.denied")
    assert (refusal.actor, refusal.path, refusal.ip_address) == (
        None,
        response.request["PATH_INFO"],
        "127.0.0.1",
    )
    # Identifiers and codes only: the page, the answer, and whether a token was sent.
    assert refusal.detail["page"].startswith("api_v1:")
    assert {key: refusal.detail[key] for key in refusal.detail if key != "page"} == {
        "status": 401,
        "credentials": credentials,
    }
    return refusal


def test_no_token_answers_401(client, body):
    response = post(client, None, body)

    _refused(response, credentials="missing")
    assert "Authorization: Bearer" in response.json()["detail"]


@pytest.mark.parametrize(
    "authorization",
    [
        ("Basic dXNlcjpwYXNz", "missing"),
        ("Bearer", "not_valid"),
        ("Bearer not-a-token", "not_valid"),
        # The right shape, but no such token.
        ("Bearer lw_0123abcd_" + "A" * 43, "not_valid"),
    ],
)
def test_invalid_token_answers_401(client, practice, body, authorization):
    sent, credentials = authorization
    refusal = _refused(post(client, None, body, Authorization=sent), credentials)
    # The audit log says whether a token was sent, never what was sent.
    assert sent.split(" ")[-1] not in str(refusal.detail)


def test_token_with_wrong_secret_answers_401(client, practice, body):
    wrong = practice.secret[:-1] + ("A" if practice.secret[-1] != "A" else "B")

    _refused(post(client, None, body, Authorization=f"Bearer {wrong}"))


def test_revoked_token_answers_401(client, practice, body):
    revoke_api_token(by=None, token=practice.token)

    response = post(client, practice, body)

    refusal = _refused(response)
    assert "revoked" in response.json()["detail"]
    assert refusal.detail["page"] == "api_v1:referrals"
    assert practice.secret not in str(refusal.detail)


def test_read_needs_token_too(client, practice):
    response = client.get(f"{REFERRALS}/00000000-0000-0000-0000-000000000000")

    assert _refused(response, credentials="missing").detail["page"] == "api_v1:referral"


def test_token_checked_before_the_body(client):
    _refused(post(client, None, {"not": "a referral"}), credentials="missing")


def test_valid_token_marks_last_use(client, practice, body):
    assert practice.token.last_used_at is None

    post(client, practice, body)

    practice.token.refresh_from_db()
    assert practice.token.last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(practice):
    first = tokens.authenticate(practice.secret)
    assert first is not None
    assert first.last_used_at is not None
    with CaptureQueriesContext(connection) as again:
        assert tokens.authenticate(practice.secret) is not None
    assert not [q for q in again.captured_queries if q["sql"].startswith("UPDATE")]

    ApiToken.objects.filter(pk=first.pk).update(
        last_used_at=first.last_used_at - tokens.LAST_USED_PRECISION
    )
    later = tokens.authenticate(practice.secret)
    assert later is not None
    assert later.last_used_at > first.last_used_at


def test_create_api_token_command_shows_token_once_and_keeps_hash(capsys):
    surgery = OrganisationFactory(kind="gp_practice", ods_code="B82005")
    out, err = StringIO(), StringIO()

    call_command(
        "create_api_token", "--organisation", "b82005", "--name", "EMIS", stdout=out, stderr=err
    )

    secret = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.organisation == surgery
    assert token.name == "EMIS"
    assert secret.startswith(f"lw_{token.prefix}_")
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.prefix, token.secret_hash, token.name}
    assert "cannot be shown again" in err.getvalue()
    assert AuditEvent.objects.filter(action="api_token.issued").exists()


def test_create_api_token_command_finds_organisation_by_id():
    organisation = OrganisationFactory()

    call_command(
        "create_api_token",
        f"--organisation={organisation.pk}",
        "--name=Case system",
        stdout=StringIO(),
        stderr=StringIO(),
    )

    assert ApiToken.objects.get().organisation == organisation


def test_create_api_token_command_unknown_organisation():
    with pytest.raises(CommandError, match="No organisation"):
        call_command("create_api_token", "--organisation=X0000", "--name=Nothing")


def test_command_token_works(client, body):
    organisation = OrganisationFactory(kind="gp_practice")
    out = StringIO()
    call_command(
        "create_api_token",
        f"--organisation={organisation.pk}",
        "--name=EMIS",
        stdout=out,
        stderr=StringIO(),
    )

    response = post(client, None, body, Authorization=f"Bearer {out.getvalue().strip()}")

    assert response.status_code == 201
    assert Referral.objects.get().referring_organisation == organisation


def test_token_of_an_inactive_organisation_answers_401_until_it_is_active_again(
    client, practice, body
):
    """Making an organisation inactive stops its tokens without revoking them."""
    practice.organisation.is_active = False
    practice.organisation.save(update_fields=["is_active"])

    response = post(client, practice, body)

    refusal = _refused(response)
    assert "no longer be active" in response.json()["detail"]
    assert practice.secret not in str(refusal.detail)
    practice.token.refresh_from_db()
    assert practice.token.revoked_at is None

    practice.organisation.is_active = True
    practice.organisation.save(update_fields=["is_active"])
    assert post(client, practice, body).status_code == 201
