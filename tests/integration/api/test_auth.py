"""Each request carries an organisation's API token; anything else answers 401 problem+json
before the request is looked at. Tokens are shown once and only their hash is kept."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from linkwork.api.actions import revoke_api_token
from linkwork.api.models import ApiToken
from linkwork.audit.models import AuditEvent
from linkwork.referrals.models import Referral
from tests.factories import OrganisationFactory
from tests.integration.api.conftest import PROBLEM, REFERRALS, post

pytestmark = pytest.mark.django_db


def _refused(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    problem = response.json()
    assert (problem["status"], problem["title"]) == (401, "Unauthorized")
    assert not Referral.objects.exists()


def test_no_token_answers_401(client, body):
    response = post(client, None, body)

    _refused(response)
    assert "Authorization: Bearer" in response.json()["detail"]


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer not-a-token",
        # The right shape, but no such token.
        "Bearer lw_0123abcd_" + "A" * 43,
    ],
)
def test_invalid_token_answers_401(client, practice, body, authorization):
    _refused(post(client, None, body, Authorization=authorization))


def test_token_with_wrong_secret_answers_401(client, practice, body):
    wrong = practice.secret[:-1] + ("A" if practice.secret[-1] != "A" else "B")

    _refused(post(client, None, body, Authorization=f"Bearer {wrong}"))


def test_revoked_token_answers_401(client, practice, body):
    revoke_api_token(by=None, token=practice.token)

    response = post(client, practice, body)

    _refused(response)
    assert "revoked" in response.json()["detail"]
    assert AuditEvent.objects.filter(
        action="api_token.revoked", object_id=str(practice.token.pk)
    ).exists()


def test_read_needs_token_too(client, practice):
    response = client.get(f"{REFERRALS}/00000000-0000-0000-0000-000000000000")

    _refused(response)


def test_token_checked_before_the_body(client):
    _refused(post(client, None, {"not": "a referral"}))


def test_valid_token_marks_last_use(client, practice, body):
    assert practice.token.last_used_at is None

    post(client, practice, body)

    practice.token.refresh_from_db()
    assert practice.token.last_used_at is not None


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
