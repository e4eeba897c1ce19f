"""While the database cannot be reached, pages and APIs answer 503 with Retry-After (never
500) and the health check says so; the first request after it is back succeeds with no
restart (issue 16, item 11). The outage is simulated in-process: every new cursor fails to
connect, as Django's own connection does when PostgreSQL is stopped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from tests.conftest import World, signed_in


@contextmanager
def database_away() -> Iterator[None]:
    refused = OperationalError("connection to server failed: Connection refused")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused):
        yield


# A real transaction per request, as in production: the test's own wrapping transaction would
# be left broken by the failed connection and could not show the recovery.
@pytest.mark.django_db(transaction=True)
def test_pages_and_apis_answer_503_with_retry_after_then_recover(world: World, referral_a):
    client = signed_in(Client(raise_request_exception=False), world.link_worker_a)
    anonymous = Client(raise_request_exception=False)
    pages = [
        (client, reverse("casework:caseload"), "text/html"),
        (client, reverse("people:detail", args=[referral_a.person_id]), "text/html"),
        (anonymous, "/oruk/services", "application/problem+json"),
        (anonymous, "/api/v1/referrals/" + str(referral_a.pk), "application/problem+json"),
    ]
    with database_away():
        for caller, url, kind in pages:
            response = caller.get(url)
            assert response.status_code == 503, url
            assert response["Retry-After"] == "30", url
            assert response["Content-Type"].startswith(kind), url
        health = anonymous.get(reverse("core:healthz"))
        assert health.status_code == 503
        assert health.json() == {"status": "unavailable", "database": "unreachable"}
        assert health["Retry-After"] == "30"
        # A page that needs nothing from the database still answers.
        assert anonymous.get(reverse("accounts:login")).status_code == 200
    # Back: the next requests succeed, with no restart.
    assert client.get(reverse("casework:caseload")).status_code == 200
    assert anonymous.get(reverse("core:healthz")).status_code == 200


@pytest.mark.django_db
def test_the_unavailable_page_says_what_to_do(world: World):
    client = signed_in(Client(raise_request_exception=False), world.link_worker_a)
    with database_away():
        body = client.get(reverse("casework:caseload")).content.decode()
    assert "Sorry, the service is unavailable" in body
    assert "Try again in a minute" in body
