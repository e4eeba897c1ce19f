"""A seeded Brackenfield directory shared by a module's tests, and a fresh throttle count for
every test."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction

from linkwork.accounts.models import OrganisationKind
from linkwork.directory.demo import seed_directory
from tests.factories import OrganisationFactory

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def directory(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """The demo directory, seeded once per module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        providers = [
            OrganisationFactory(name="Brackenfield Carers Centre", kind=OrganisationKind.VCSE),
            OrganisationFactory(name="Millbrook Walking Club", kind=OrganisationKind.VCSE),
        ]
        counts = seed_directory(rng=random.Random(1), account_organisations=providers, today=TODAY)
        yield counts
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_throttle(settings: Any) -> Iterator[None]:
    """Each test starts with no requests counted, at a rate no test reaches by accident."""
    settings.LINKWORK_ORUK_RATE = "10000/m"
    cache.clear()
    yield
    cache.clear()
