"""Status history is immutable for every lifecycle that keeps one: a row is written once and
is never changed or deleted."""

from __future__ import annotations

import pytest

from linkwork.casework.models import ConnectionStatusChange
from linkwork.core.models import StatusHistory
from linkwork.referrals.models import StatusChange
from tests.factories import ConnectionFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def _histories() -> list[StatusHistory]:
    return [
        StatusChange.objects.create(referral=ReferralFactory(), to_status="received", reason="New"),
        ConnectionStatusChange.objects.create(
            connection=ConnectionFactory(), to_status="requested", reason="Asked"
        ),
    ]


def test_status_history_rows_refuse_update():
    for change in _histories():
        change.reason = "Rewritten"
        with pytest.raises(ValueError, match="immutable"):
            change.save()
        change.refresh_from_db()
        assert change.reason != "Rewritten"


def test_status_history_rows_refuse_delete():
    for change in _histories():
        with pytest.raises(ValueError, match="immutable"):
            change.delete()
        assert type(change).objects.filter(pk=change.pk).exists()


def test_status_history_reads_from_and_to_in_order_written():
    referral_change, connection_change = _histories()
    assert str(referral_change) == "new -> received"
    assert str(connection_change) == "new -> requested"
    assert (
        StatusChange._meta.ordering
        == ConnectionStatusChange._meta.ordering
        == [
            "changed_at",
            "id",
        ]
    )
