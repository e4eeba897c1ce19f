"""Scheme A's person with an NHS number and a rights request made to scheme A's host."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from linkwork.records import actions
from linkwork.records.models import RequestKind
from tests.conftest import World

NHS_NUMBER = "9434765919"


@pytest.fixture
def person_a(referral_a: Any) -> Any:
    person = referral_a.person
    person.nhs_number = NHS_NUMBER
    person.save(update_fields=["nhs_number"])
    return person


def make_request(world: World, person: Any, kind: RequestKind = RequestKind.ACCESS) -> Any:
    return actions.record_request(
        by=world.admin,
        organisation=world.scheme_a.host,
        person=person,
        kind=kind,
        received_on=dt.date(2026, 1, 31),
        requester="person",
        identity_checked=True,
        identity_how="Photo ID seen",
    )
