"""API tokens in the admin site: listed and revoked there, never made or deleted there."""

from __future__ import annotations

import pytest

from linkwork.api.models import ApiToken
from linkwork.audit.models import AuditEvent
from tests.conftest import signed_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/django-admin/api/apitoken/"


@pytest.fixture
def operator(client):  # type: ignore[no-untyped-def]
    return signed_in(client, UserFactory(is_staff=True, is_superuser=True, totp=True))


def test_admin_lists_tokens_without_secrets(operator, practice):
    response = operator.get(CHANGELIST)

    assert response.status_code == 200
    assert practice.token.prefix in response.content.decode()
    assert practice.secret not in response.content.decode()
    assert practice.token.secret_hash not in response.content.decode()


def test_admin_revokes_tokens(operator, practice):
    response = operator.post(
        CHANGELIST, {"action": "revoke", "_selected_action": [practice.token.pk]}
    )

    assert response.status_code == 302
    practice.token.refresh_from_db()
    assert practice.token.revoked_at is not None
    event = AuditEvent.objects.get(action="api_token.revoked")
    assert event.actor is not None


def test_admin_cannot_add_or_delete_tokens(operator, practice):
    assert operator.get(f"{CHANGELIST}add/").status_code == 403
    assert operator.get(f"{CHANGELIST}{practice.token.pk}/delete/").status_code == 403
    assert ApiToken.objects.count() == 1
