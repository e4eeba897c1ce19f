"""`Idempotency-Key`: a retry with the same key and body replays the first answer and creates
nothing; the same key with another body is refused; no key means no protection."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections
from django.test import Client
from django.utils import timezone

from linkwork.accounts.models import OrganisationKind
from linkwork.api import idempotency
from linkwork.api.models import IdempotencyRecord
from linkwork.api.problems import IDEMPOTENCY_KEY_REUSED
from linkwork.people.models import Person
from linkwork.referrals.models import Referral
from tests.factories import OrganisationFactory, SchemeFactory
from tests.integration.api.conftest import PROBLEM, caller_for, post, request_into

pytestmark = pytest.mark.django_db

KEY = "3f7c1d2e-9b8a-4c6d-8e5f-0a1b2c3d4e5f"


def test_same_key_and_body_replays_first_answer_exactly(client, practice, body):
    first = post(client, practice, body, key=KEY)
    again = post(client, practice, body, key=KEY)

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Referral.objects.count() == 1
    assert Person.objects.count() == 1


def test_same_key_with_different_body_refused(client, practice, body):
    post(client, practice, body, key=KEY)
    body["referral"]["reason"] = "Something else entirely."

    response = post(client, practice, body, key=KEY)

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["title"] == "Idempotency-Key reused with a different request"
    assert problem["type"] == IDEMPOTENCY_KEY_REUSED.uri
    assert Referral.objects.count() == 1


def test_without_key_each_request_creates(client, practice, body):
    first = post(client, practice, body)
    second = post(client, practice, body)

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert Referral.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_key_belongs_to_one_organisation(client, practice, housing, body):
    post(client, practice, body, key=KEY)
    response = post(client, housing, body, key=KEY)

    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Referral.objects.count() == 2


def test_failed_request_does_not_use_up_its_key(client, scheme, practice, body):
    body["referral"]["scheme"] = "no-such-scheme"
    assert post(client, practice, body, key=KEY).status_code == 422
    body["referral"]["scheme"] = scheme.slug

    response = post(client, practice, body, key=KEY)

    assert response.status_code == 201
    assert Referral.objects.count() == 1


def test_stored_answer_holds_identifiers_only(client, practice, body):
    post(client, practice, body, key=KEY)

    record = IdempotencyRecord.objects.get()
    assert record.organisation == practice.organisation
    assert record.response_status == 201
    assert set(record.response_body) == {"id", "reference", "status", "received_at", "links"}
    assert len(record.fingerprint) == 64
    assert "Okafor" not in str(record.response_body)


def test_fingerprint_covers_method_path_and_body(rf):
    base = idempotency.fingerprint(rf.post("/api/v1/referrals", b"{}", "application/json"))

    assert base == idempotency.fingerprint(rf.post("/api/v1/referrals", b"{}", "application/json"))
    assert base != idempotency.fingerprint(rf.put("/api/v1/referrals", b"{}", "application/json"))
    assert base != idempotency.fingerprint(rf.post("/api/v1/other", b"{}", "application/json"))
    assert base != idempotency.fingerprint(rf.post("/api/v1/referrals", b"{ }", "application/json"))


def test_key_once_per_organisation_constraint(practice):
    fields = {"fingerprint": "0" * 64, "response_status": 201, "response_body": {}}
    IdempotencyRecord.objects.create(organisation=practice.organisation, key=KEY, **fields)

    with pytest.raises(IntegrityError):
        IdempotencyRecord.objects.create(organisation=practice.organisation, key=KEY, **fields)


def test_lost_race_replays_winners_answer(client, practice, body, monkeypatch):
    """A request that looked before the winner committed, then lost the insert, answers as
    the winner did and leaves nothing of its own."""
    first = post(client, practice, body, key=KEY)
    looked_too_soon = iter([None])
    stored = idempotency._stored
    monkeypatch.setattr(
        idempotency, "_stored", lambda *args: next(looked_too_soon, None) or stored(*args)
    )

    again = post(client, practice, body, key=KEY)

    assert again.status_code == 201
    assert again.content == first.content
    assert Referral.objects.count() == 1
    assert Person.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's test database is one in-memory file"
)
def test_concurrent_requests_with_one_key_create_one_referral():
    scheme = SchemeFactory()
    caller = caller_for(OrganisationFactory(kind=OrganisationKind.GP_PRACTICE))
    body = request_into(scheme)
    start = threading.Barrier(4)
    answers: list[tuple[int, bytes]] = []

    def send() -> None:
        try:
            start.wait()
            response = post(Client(), caller, body, key=KEY)
            answers.append((response.status_code, response.content))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 4
    assert {status for status, _ in answers} == {201}
    assert len({content for _, content in answers}) == 1
    assert Referral.objects.count() == 1
    assert Person.objects.count() == 1


def test_purge_forgets_keys_older_than_a_day(practice):
    fields = {"fingerprint": "0" * 64, "response_status": 201, "response_body": {}}
    old = IdempotencyRecord.objects.create(
        organisation=practice.organisation,
        key="old",
        created_at=timezone.now() - timedelta(hours=25),
        **fields,
    )
    recent = IdempotencyRecord.objects.create(
        organisation=practice.organisation,
        key="recent",
        created_at=timezone.now() - timedelta(hours=23),
        **fields,
    )

    call_command("purge_idempotency_keys")

    assert list(IdempotencyRecord.objects.all()) == [recent]
    assert not IdempotencyRecord.objects.filter(pk=old.pk).exists()


def test_purge_keeps_keys_at_least_a_day(practice):
    with pytest.raises(CommandError, match="24 hours"):
        call_command("purge_idempotency_keys", "--hours", "1")
