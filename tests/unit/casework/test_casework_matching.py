"""What happened after matching showed a service, gathered from casework for learning: what
counts as connected, accepted, attended and still attending, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linkwork.casework.lifecycle import ConnectionStatus
from linkwork.casework.matching import outcomes_of_shown
from linkwork.casework.models import Attendance, ConnectionStatusChange
from linkwork.matching.models import Shown
from tests.conftest import World
from tests.factories import (
    ConnectionFactory,
    ReferralFactory,
    ServiceFactory,
    UserFactory,
    categorise,
)


@pytest.mark.django_db
def test_outcomes_of_shown_follow_each_connection():
    user = UserFactory()
    referral = ReferralFactory()
    shown_at = timezone.now() - dt.timedelta(days=200)
    day = dt.timedelta(days=1)
    cases: dict[str, dict[str, object]] = {
        "completed_8_weeks": {"status": ConnectionStatus.COMPLETED, "sessions": [60]},
        "draft": {"status": ConnectionStatus.DRAFT},
        "cancelled_unsent": {"status": ConnectionStatus.CANCELLED},
        "cancelled_sent": {"status": ConnectionStatus.CANCELLED, "requested": True},
        "rejected": {
            "status": ConnectionStatus.REJECTED,
            "requested": True,
            "rejection_reason": "no_capacity",
        },
        "failed": {"status": ConnectionStatus.FAILED, "failure_reason": "never_attended"},
        "attending_4_weeks": {"status": ConnectionStatus.IN_PROGRESS, "sessions": [28]},
        "accepted_attended_8_weeks": {"status": ConnectionStatus.ACCEPTED, "sessions": [56]},
        "on_hold_accepted": {"status": ConnectionStatus.ON_HOLD, "held_from": "accepted"},
        "cancelled_after_accepting": {"status": ConnectionStatus.CANCELLED, "history": True},
        "before_showing": {"status": ConnectionStatus.REQUESTED, "offset": -1},
        "months_later": {"status": ConnectionStatus.REQUESTED, "offset": 120},
        "never": {},
    }
    services = {}
    for position, (name, case) in enumerate(cases.items(), start=1):
        service = ServiceFactory(name=name)
        services[name] = service
        Shown.objects.create(
            case_ref=referral.pk,
            service=service,
            position=position,
            score=1.0,
            weights_version="default-1",
            shown_at=shown_at,
        )
        if not case:
            continue
        created = shown_at + int(case.get("offset", 1)) * day  # type: ignore[call-overload]
        connection = ConnectionFactory(
            referral=referral,
            service=service,
            status=case["status"],
            held_from=case.get("held_from", ""),
            rejection_reason=case.get("rejection_reason", ""),
            failure_reason=case.get("failure_reason", ""),
            requested_at=created if case.get("requested") else None,
            created_at=created,
            created_by=user,
        )
        if case.get("history"):
            ConnectionStatusChange.objects.create(
                connection=connection, from_status="requested", to_status="accepted"
            )
        for days in case.get("sessions", []):  # type: ignore[attr-defined]
            Attendance.objects.create(
                connection=connection,
                session_on=timezone.localdate(created) + dt.timedelta(days=days),
                attended=True,
                recorded_by=user,
            )
    categorise(services["completed_8_weeks"], "arts_creativity")
    categorise(services["completed_8_weeks"], "social")
    found = {o.service_id: o for o in outcomes_of_shown()}
    flags = {
        name: tuple(
            getattr(found[str(service.pk)], flag)
            for flag in (
                "connected",
                "accepted",
                "attended",
                "still_attending",
                "already_connected",
            )
        )
        for name, service in services.items()
    }
    assert flags == {
        "completed_8_weeks": (True, True, True, True, False),
        "draft": (False, False, False, False, False),
        "cancelled_unsent": (False, False, False, False, False),
        "cancelled_sent": (True, False, False, False, False),
        "rejected": (True, False, False, False, False),
        "failed": (True, True, False, False, False),
        "attending_4_weeks": (True, True, True, False, False),
        "accepted_attended_8_weeks": (True, True, True, True, False),
        "on_hold_accepted": (True, True, False, False, False),
        "cancelled_after_accepting": (True, True, False, False, False),
        "before_showing": (False, False, False, False, True),
        "months_later": (False, False, False, False, False),
        "never": (False, False, False, False, False),
    }
    completed = found[str(services["completed_8_weeks"].pk)]
    assert completed.categories == {"arts_creativity", "social"}
    assert completed.engagement == 1.0
    assert found[str(services["rejected"].pk)].engagement == 0.25
    assert outcomes_of_shown(since=timezone.now()) == []


@pytest.mark.django_db
def test_outcomes_of_shown_queries_do_not_grow_with_rows(django_assert_num_queries):
    user = UserFactory()

    def history(referrals: int) -> None:
        for _ in range(referrals):
            referral = ReferralFactory()
            for position in (1, 2):
                service = ServiceFactory()
                categorise(service, "social")
                Shown.objects.create(
                    case_ref=referral.pk,
                    service=service,
                    position=position,
                    score=1.0,
                    weights_version="default-1",
                )
                connection = ConnectionFactory(
                    referral=referral, service=service, status="in_progress", created_by=user
                )
                Attendance.objects.create(
                    connection=connection,
                    session_on=timezone.localdate(),
                    attended=True,
                    recorded_by=user,
                )

    history(1)
    with django_assert_num_queries(5):
        assert len(outcomes_of_shown()) == 2
    history(4)
    with django_assert_num_queries(5):
        found = outcomes_of_shown()
    assert len(found) == 10
    assert all(o.attended and o.categories == {"social"} for o in found)


@pytest.mark.django_db
def test_shown_log_visible_to_staff_of_the_referrals_scheme_only(world: World, referral_a):
    referral_b = ReferralFactory(scheme=world.scheme_b)
    service = ServiceFactory()
    for referral in (referral_a, referral_b):
        Shown.objects.create(
            case_ref=referral.pk, service=service, position=1, score=1.0, weights_version="v"
        )
    for user in (world.link_worker_a, world.scheme_lead_a):
        seen = Shown.objects.visible_to(user).values_list("case_ref", flat=True)
        assert list(seen) == [referral_a.pk]
    assert list(
        Shown.objects.visible_to(world.link_worker_b).values_list("case_ref", flat=True)
    ) == [referral_b.pk]
    for user in (world.referrer, world.provider, world.analyst):
        assert not Shown.objects.visible_to(user).exists()
