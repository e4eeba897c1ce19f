"""A transaction Bundle sent again makes no second referral: by its `Bundle.identifier` (per
sending organisation, kept for good) and by the `Idempotency-Key` header (as the referrals API
does). The same Bundle replays the first answer; a different one with the same identifier or
key is refused and saves nothing; duplicates sent at once still make one referral."""

from __future__ import annotations

import copy
import io
import json
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from linkwork.accounts.models import OrganisationKind
from linkwork.api.models import IdempotencyRecord
from linkwork.audit.models import AuditEvent
from linkwork.people.models import Person
from linkwork.referrals.models import Referral
from tests.conftest import World
from tests.factories import OrganisationFactory, SchemeFactory
from tests.integration.api.conftest import caller_for
from tests.integration.interop.conftest import fhir, outcome, valid
from tests.integration.interop.test_inbound import bundle

pytestmark = pytest.mark.django_db

SYSTEM = "https://alder-street.example/fhir/Id/message"
KEY = "3f7c1d2e-9b8a-4c6d-8e5f-0a1b2c3d4e5f"


def identified(scheme_slug: str, value: str = "msg-0001") -> dict[str, Any]:
    body = bundle(scheme_slug)
    body["identifier"] = {"system": SYSTEM, "value": value}
    return body


def ids(answer: dict[str, Any]) -> list[str]:
    return [entry["response"].get("location", "") for entry in answer["entry"]]


def test_same_bundle_identifier_twice_makes_one_referral(client, world: World, practice):
    body = identified(world.scheme_a.slug)

    first = fhir(client, practice, "POST", "/fhir/", body)
    again = fhir(client, practice, "POST", "/fhir/", body)

    assert (first.status_code, again.status_code) == (200, 200)
    assert valid(again.json()) == valid(first.json())
    assert [e["response"]["status"] for e in again.json()["entry"]] == ["201 Created"] * 5
    assert ids(again.json()) == ids(first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    referral = Referral.objects.get()
    assert again.json()["entry"][2]["resource"]["id"] == str(referral.pk)
    assert Person.objects.count() == 1
    replayed = AuditEvent.objects.get(action="fhir.transaction_replayed")
    assert replayed.object_id == str(referral.pk)
    assert replayed.detail == {"api_token": practice.token.pk, "organisation": world.practice.pk}


def test_same_bundle_in_other_spacing_and_key_order_is_the_same(client, world: World, practice):
    body = identified(world.scheme_a.slug)
    fhir(client, practice, "POST", "/fhir/", body)
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)

    again = fhir(client, practice, "POST", "/fhir/", reordered)

    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1


def test_same_identifier_with_different_bundle_refused(client, world: World, practice):
    body = identified(world.scheme_a.slug)
    fhir(client, practice, "POST", "/fhir/", body)
    changed = copy.deepcopy(body)
    changed["entry"][0]["resource"]["birthDate"] = "1958-02-15"

    response = fhir(client, practice, "POST", "/fhir/", changed)

    issue = outcome(response, 409, "duplicate")
    assert issue["expression"] == ["Bundle.identifier"]
    assert Referral.objects.count() == 1
    assert Person.objects.count() == 1


def test_identifier_belongs_to_one_organisation(client, world: World, practice):
    body = identified(world.scheme_a.slug)
    other = caller_for(OrganisationFactory(kind=OrganisationKind.GP_PRACTICE), "Other system")

    fhir(client, practice, "POST", "/fhir/", body)
    theirs = fhir(client, other, "POST", "/fhir/", body)

    assert theirs.status_code == 200
    assert "Idempotent-Replayed" not in theirs
    assert Referral.objects.count() == 2


def test_new_identifier_makes_a_new_referral(client, world: World, practice):
    fhir(client, practice, "POST", "/fhir/", identified(world.scheme_a.slug, "msg-0001"))
    fhir(client, practice, "POST", "/fhir/", identified(world.scheme_a.slug, "msg-0002"))

    assert Referral.objects.count() == 2


def test_without_identifier_or_key_each_bundle_makes_a_referral(client, world: World, practice):
    body = bundle(world.scheme_a.slug)

    fhir(client, practice, "POST", "/fhir/", body)
    fhir(client, practice, "POST", "/fhir/", body)

    assert Referral.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize(
    ("identifier", "expression"),
    [
        ({"value": "msg-0001"}, "Bundle.identifier.system"),
        ({"system": SYSTEM, "value": " "}, "Bundle.identifier.value"),
    ],
)
def test_identifier_without_system_or_value_refused(
    client, world: World, practice, identifier, expression
):
    body = bundle(world.scheme_a.slug)
    body["identifier"] = identifier

    response = fhir(client, practice, "POST", "/fhir/", body)

    assert outcome(response, 422, "required")["expression"] == [expression]
    assert not Referral.objects.exists()


def test_failed_bundle_does_not_use_up_its_identifier(client, world: World, practice):
    broken = identified(world.scheme_a.slug)
    del broken["entry"][0]["resource"]["birthDate"]
    outcome(fhir(client, practice, "POST", "/fhir/", broken), 422, "required")

    fixed = fhir(client, practice, "POST", "/fhir/", identified(world.scheme_a.slug))

    assert fixed.status_code == 200
    assert "Idempotent-Replayed" not in fixed
    assert Referral.objects.count() == 1


def test_identifier_kept_by_the_purge(client, world: World, practice):
    body = identified(world.scheme_a.slug)
    fhir(client, practice, "POST", "/fhir/", body)
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(days=400))

    call_command("purge_idempotency_keys", stdout=io.StringIO())
    again = fhir(client, practice, "POST", "/fhir/", body)

    assert again["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1


def test_same_idempotency_key_replays(client, world: World, practice):
    body = bundle(world.scheme_a.slug)

    first = fhir(client, practice, "POST", "/fhir/", body, **{"Idempotency-Key": KEY})
    again = fhir(client, practice, "POST", "/fhir/", body, **{"Idempotency-Key": KEY})

    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.key, record.kept) == (KEY, False)


def test_same_idempotency_key_with_different_body_refused(client, world: World, practice):
    body = bundle(world.scheme_a.slug)
    fhir(client, practice, "POST", "/fhir/", body, **{"Idempotency-Key": KEY})
    body["entry"][0]["resource"]["birthDate"] = "1958-02-15"

    response = fhir(client, practice, "POST", "/fhir/", body, **{"Idempotency-Key": KEY})

    assert "Idempotency-Key" in outcome(response, 422, "business-rule")["diagnostics"]
    assert Referral.objects.count() == 1


def test_malformed_idempotency_key_refused(client, world: World, practice):
    body = bundle(world.scheme_a.slug)

    response = fhir(client, practice, "POST", "/fhir/", body, **{"Idempotency-Key": "a key"})

    assert "Idempotency-Key" in outcome(response, 400, "value")["diagnostics"]
    assert not Referral.objects.exists()


def test_new_key_with_a_sent_identifier_replays_and_remembers_the_key(
    client, world: World, practice
):
    body = identified(world.scheme_a.slug)
    first = fhir(client, practice, "POST", "/fhir/", body, **{"Idempotency-Key": KEY})

    again = fhir(client, practice, "POST", "/fhir/", body, **{"Idempotency-Key": KEY + "-2"})

    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Referral.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 3  # two keys and one identifier


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's test database is one in-memory file"
)
def test_concurrent_bundles_with_one_identifier_make_one_referral():
    scheme = SchemeFactory()
    caller = caller_for(OrganisationFactory(kind=OrganisationKind.GP_PRACTICE))
    body = identified(scheme.slug)
    start = threading.Barrier(4)
    answers: list[tuple[int, Any]] = []

    def send() -> None:
        try:
            start.wait()
            response = fhir(Client(), caller, "POST", "/fhir/", body)
            answers.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ in answers] == [200] * 4
    assert all(answer == answers[0][1] for _, answer in answers)
    assert Referral.objects.count() == 1
    assert Person.objects.count() == 1
