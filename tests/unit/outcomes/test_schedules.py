"""Outcome schedules: which measures are due, and when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linkwork.outcomes.models import OutcomeMeasure, TimePoint
from linkwork.outcomes.schedules import ScheduleError, due_measures, parse_schedule
from linkwork.referrals.models import Referral, StatusChange
from tests.factories import ReferralFactory, SchemeFactory, UserFactory


def test_default_schedule_is_swemwbs_and_ons4_at_each_point():
    schedule = parse_schedule({})
    assert schedule.baseline == schedule.follow_up == schedule.discharge == ("swemwbs", "ons4")
    assert schedule.follow_up_weeks == 12


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"baseline": "swemwbs"}, "baseline: give a list"),
        ({"follow_up": ["nonsense"]}, "follow_up: unknown instrument 'nonsense'"),
        ({"follow_up_weeks": 0}, "follow_up_weeks"),
        ({"follow_up_weeks": True}, "follow_up_weeks"),
    ],
)
def test_bad_schedule_names_the_part(raw, message):
    with pytest.raises(ScheduleError, match=message):
        parse_schedule(raw)


def _started(referral, days_ago: int) -> None:  # type: ignore[no-untyped-def]
    StatusChange.objects.create(
        referral=referral,
        from_status="accepted",
        to_status="active",
        changed_at=timezone.now() - dt.timedelta(days=days_ago),
    )


@pytest.mark.django_db
def test_baseline_due_from_first_contact_and_overdue_after_grace():
    today = timezone.localdate()
    fresh = ReferralFactory(status="active")
    late = ReferralFactory(status="active", scheme=fresh.scheme)
    _started(fresh, 1)
    _started(late, 20)
    due = due_measures([fresh, late], today=today)
    assert [(d.instrument, d.overdue) for d in due[fresh.pk]] == [
        ("swemwbs", False),
        ("ons4", False),
    ]
    assert all(d.overdue for d in due[late.pk])


@pytest.mark.django_db
def test_recorded_measure_is_no_longer_due_and_follow_up_comes_at_week_12():
    today = timezone.localdate()
    scheme = SchemeFactory(outcome_schedule={"baseline": ["swemwbs"], "follow_up": ["swemwbs"]})
    referral = ReferralFactory(status="active", scheme=scheme)
    _started(referral, 7 * 12)
    OutcomeMeasure.objects.create(
        referral=referral,
        instrument="swemwbs",
        instrument_version="1.0.0",
        time_point=TimePoint.BASELINE,
        responses={"items": [3] * 7},
        result={"total": 21},
        recorded_by=UserFactory(),
    )
    due = due_measures([referral], today=today)
    assert [(d.instrument, d.time_point) for d in due[referral.pk]] == [
        ("swemwbs", TimePoint.FOLLOW_UP)
    ]


@pytest.mark.django_db
def test_due_measures_query_count_is_constant(django_assert_num_queries):
    def started_referrals(count: int) -> list[Referral]:
        for _ in range(count):
            _started(ReferralFactory(status="active"), 3)
        return list(Referral.objects.select_related("scheme").filter(status="active"))

    one = started_referrals(1)
    # Started, recorded, and the schemes' licence switches (the tests allow SWEMWBS).
    with django_assert_num_queries(3):
        assert len(due_measures(one, today=timezone.localdate())) == 1
    five = started_referrals(4)
    with django_assert_num_queries(3):
        assert len(due_measures(five, today=timezone.localdate())) == 5


@pytest.mark.django_db
def test_digest_lists_due_follow_ups_and_measures_by_reference(django_capture_on_commit_callbacks):
    from linkwork.casework.digest import remind_link_workers
    from linkwork.notifications.models import Message
    from tests.factories import FollowUpFactory

    worker = UserFactory()
    referral = ReferralFactory(status="active", link_worker=worker)
    _started(referral, 2)
    FollowUpFactory(referral=referral, due_on=timezone.localdate())
    FollowUpFactory(referral=referral, due_on=timezone.localdate() + dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_link_workers.call() == 1
    message = Message.objects.get(recipient_address=worker.email)
    assert message.body.count(referral.reference) == 2
    assert "follow-up due today" in message.body
    assert "Short Warwick" in message.body or "SWEMWBS" in message.body
    assert referral.person.family_name not in message.body
