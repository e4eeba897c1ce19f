"""The load test's own check (`benchmarks/load.py`): every write the server acknowledged is
looked up in the database afterwards, and one missing or found twice fails the run. A checker
that passed everything would make `scripts/load-smoke` prove nothing, so these tests plant
each kind of write, a lost one and a doubled one."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from benchmarks.load import accounts_needed, check_writes
from linkwork.casework.models import Attendance, ConnectionStatusChange
from tests.conftest import World
from tests.factories import ConnectionFactory, ContactFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def acks(tmp_path: Path, *writes: dict[str, Any]) -> Path:
    path = tmp_path / "acks.jsonl"
    path.write_text("".join(json.dumps(write) + "\n" for write in writes), encoding="utf-8")
    return path


def test_every_kind_of_acknowledged_write_found_once_passes(tmp_path, world: World, referral_a):
    contact = ContactFactory(referral=referral_a, note="load r1 contact a1")
    sent = ReferralFactory(scheme=world.scheme_a, reason="load r1 referral b2")
    connection = ConnectionFactory(referral=referral_a, status="accepted")
    ConnectionStatusChange.objects.create(
        connection=connection,
        from_status="requested",
        to_status="accepted",
        changed_by=world.provider,
        reason="load r1 answer c3",
    )
    day = timezone.localdate() - dt.timedelta(days=400)
    Attendance.objects.create(
        connection=connection, session_on=day, attended=True, recorded_by=world.provider
    )
    result = check_writes(
        acks(
            tmp_path,
            {"kind": "contact", "referral": str(referral_a.pk), "note": contact.note},
            {"kind": "referral", "id": str(sent.pk), "reason": sent.reason},
            {"kind": "answer", "connection": str(connection.pk), "detail": "load r1 answer c3"},
            {"kind": "attendance", "connection": str(connection.pk), "session_on": str(day)},
        )
    )
    assert result == {
        "acknowledged": {"answer": 1, "attendance": 1, "contact": 1, "referral": 1},
        "wrong": [],
    }


def test_an_acknowledged_write_missing_from_the_database_fails(tmp_path, referral_a):
    result = check_writes(
        acks(tmp_path, {"kind": "contact", "referral": str(referral_a.pk), "note": "load lost"})
    )
    assert len(result["wrong"]) == 1
    assert result["wrong"][0].startswith("contact: 0 found")


def test_an_acknowledged_write_found_twice_fails(tmp_path, world: World):
    for _ in range(2):
        ReferralFactory(scheme=world.scheme_a, reason="load r1 referral twice")
    first = ReferralFactory(scheme=world.scheme_a, reason="load r1 referral once")
    result = check_writes(
        acks(
            tmp_path,
            {"kind": "referral", "id": str(first.pk), "reason": "load r1 referral twice"},
            {"kind": "referral", "id": str(first.pk), "reason": "load r1 referral once"},
        )
    )
    assert [wrong.split(" for ")[0] for wrong in result["wrong"]] == ["referral: 2 found"]


def test_a_write_found_on_another_record_fails(tmp_path, world: World, referral_a):
    """The note is there once, but on another referral than the one acknowledged."""
    other = ReferralFactory(scheme=world.scheme_a)
    ContactFactory(referral=other, note="load r1 contact elsewhere")
    result = check_writes(
        acks(
            tmp_path,
            {
                "kind": "contact",
                "referral": str(referral_a.pk),
                "note": "load r1 contact elsewhere",
            },
        )
    )
    assert len(result["wrong"]) == 1


def test_each_locust_user_gets_an_account_of_its_own():
    """One authenticator code signs in once, so the plan has an account for every user
    locust starts of each kind (by the locustfile's weights, 6:2:2) and a spare."""
    assert accounts_needed(50) == {"link_workers": 31, "providers": 11, "referrers": 11}
    assert accounts_needed(20) == {"link_workers": 13, "providers": 5, "referrers": 5}
