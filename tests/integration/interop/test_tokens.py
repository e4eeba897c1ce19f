"""Token scopes, expiry, rotation and revocation, for both APIs: a token made without a scope
may use both; a token of one scope is refused the other (403, audited); an expired, revoked
or rotated-out token answers 401 like an unknown one."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from linkwork.api.actions import issue_api_token, revoke_api_token, rotate_api_token
from linkwork.api.models import ApiToken
from linkwork.audit.models import AuditEvent
from tests.integration.api.conftest import Caller, post
from tests.integration.interop.conftest import fhir, outcome

pytestmark = pytest.mark.django_db


def make(organisation, **options) -> Caller:  # type: ignore[no-untyped-def]
    token, secret = issue_api_token(by=None, organisation=organisation, name="System", **options)
    return Caller(organisation, token, secret)


def fhir_status(client, caller) -> int:  # type: ignore[no-untyped-def]
    return fhir(client, caller, "GET", "/fhir/Task").status_code


def test_token_without_scope_may_use_both_apis(client, world):
    caller = make(world.practice)
    assert caller.token.scopes == ["referrals", "fhir"]
    assert fhir_status(client, caller) == 200
    assert (
        client.get(
            "/api/v1/referrals/00000000-0000-0000-0000-000000000000", headers=caller.headers()
        ).status_code
        == 404
    )


def test_token_of_one_scope_is_refused_the_other_403(client, world):
    fhir_only = make(world.practice, scopes=["fhir"])
    referrals_only = make(world.practice, scopes=["referrals"])
    response = post(client, fhir_only, {})
    assert response.status_code == 403
    assert "'referrals' scope" in response.json()["detail"]
    issue = outcome(fhir(client, referrals_only, "GET", "/fhir/Task"), 403, "forbidden")
    assert "'fhir' scope" in issue["diagnostics"]
    assert fhir_status(client, fhir_only) == 200
    refusals = AuditEvent.objects.filter(action="access.denied", detail__status=403)
    assert refusals.count() == 2


def test_expired_revoked_and_missing_tokens_answer_401(client, world):
    expiring = make(world.practice, expires_at=timezone.now() + dt.timedelta(hours=1))
    revoked = make(world.practice)
    assert fhir_status(client, expiring) == 200
    ApiToken.objects.filter(pk=expiring.token.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    revoke_api_token(by=None, token=revoked.token)
    for caller in (expiring, revoked, None):
        response = fhir(client, caller, "GET", "/fhir/Task")
        outcome(response, 401, "login")
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert post(client, expiring, {}).status_code == 401
    assert AuditEvent.objects.filter(action="access.denied", detail__status=401).count() == 4


def test_rotation_replaces_the_token_at_once_or_after_grace(client, world):
    old = make(world.practice, scopes=["fhir"])
    new_token, secret = rotate_api_token(by=None, token=old.token)
    new = Caller(world.practice, new_token, secret)
    assert (new_token.scopes, new_token.replaces_id) == (["fhir"], old.token.pk)
    assert fhir_status(client, old) == 401
    assert fhir_status(client, new) == 200
    with pytest.raises(ValueError, match="rotated"):
        rotate_api_token(by=None, token=old.token)

    graced = make(world.practice)
    rotate_api_token(by=None, token=graced.token, grace=dt.timedelta(hours=2))
    assert fhir_status(client, graced) == 200
    graced.token.refresh_from_db()
    assert graced.token.expires_at is not None


def test_commands_make_scoped_expiring_tokens_rotate_and_revoke(client, world):
    out = StringIO()
    call_command(
        "create_api_token",
        organisation=str(world.provider_org.pk),
        name="Case system",
        scope=["fhir"],
        expires="2099-01-31",
        stdout=out,
        stderr=StringIO(),
    )
    token = ApiToken.objects.get(name="Case system")
    assert (token.scopes, token.expires_at.date()) == (["fhir"], dt.date(2099, 1, 31))
    caller = Caller(world.provider_org, token, out.getvalue().strip())
    assert fhir_status(client, caller) == 200

    out = StringIO()
    call_command("rotate_api_token", prefix=f"lw_{token.prefix}", stdout=out, stderr=StringIO())
    rotated = Caller(
        world.provider_org, ApiToken.objects.get(replaces=token), out.getvalue().strip()
    )
    assert fhir_status(client, caller) == 401
    assert fhir_status(client, rotated) == 200

    call_command("revoke_api_token", prefix=rotated.token.prefix, stdout=StringIO())
    assert fhir_status(client, rotated) == 401
    with pytest.raises(CommandError, match="--expires"):
        call_command(
            "create_api_token", organisation=str(world.practice.pk), name="X", expires="soon"
        )
    with pytest.raises(CommandError, match="future"):
        call_command(
            "create_api_token", organisation=str(world.practice.pk), name="X", expires="2001-01-01"
        )
    with pytest.raises(CommandError, match="No API token"):
        call_command("revoke_api_token", prefix="00000000")
