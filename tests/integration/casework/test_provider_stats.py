"""How providers have answered, as the recommendations weigh it: the median days to answer
and the share accepted per organisation, taken by the database on PostgreSQL (reading every
answer into Python took a second per view at the 100,000-person demo) and kept a few minutes."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linkwork.casework.matching import (
    _provider_stats_in_python,
    clear_provider_stats,
    provider_stats,
)
from tests.factories import ConnectionFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh() -> None:
    clear_provider_stats()


def answered(service, days: float, status: str = "accepted") -> None:  # type: ignore[no-untyped-def]
    requested = timezone.now() - dt.timedelta(days=30)
    ConnectionFactory(
        service=service,
        status=status,
        requested_at=requested,
        responded_at=requested + dt.timedelta(days=days),
        rejection_reason="no_capacity" if status == "rejected" else "",
    )


def test_median_days_and_share_accepted_per_organisation():
    service = ServiceFactory()
    for days in (1, 2, 4, 10):
        answered(service, days)
    answered(service, 3, status="rejected")
    other = ServiceFactory()
    answered(other, 0.5)

    stats = provider_stats([SimpleNamespace(organization_id=service.organization_id)])

    key = str(service.organization_id)
    assert set(stats) == {key}
    assert stats[key].median_days == pytest.approx(3)
    assert stats[key].acceptance_rate == pytest.approx(0.8)
    assert stats[key].answered == 5
    # The same as reading every answer (the SQLite path) gives.
    assert stats == _provider_stats_in_python({key})


def test_figures_are_kept_and_not_asked_again_within_minutes():
    service = ServiceFactory()
    answered(service, 2)
    wanted = [SimpleNamespace(organization_id=service.organization_id)]
    first = provider_stats(wanted)

    with CaptureQueriesContext(connection) as again:
        assert provider_stats(wanted) == first
    assert len(again) == 0


def test_an_organisation_never_answered_has_no_figures():
    service = ServiceFactory()
    assert provider_stats([SimpleNamespace(organization_id=service.organization_id)]) == {}
