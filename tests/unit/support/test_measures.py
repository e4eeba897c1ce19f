"""The support measures the health check reads, with exact values on a known dataset; the
training states and the prompts to leads."""

from __future__ import annotations

import datetime as dt

import pytest

from linkwork.accounts.models import Membership, Role
from linkwork.support.measures import (
    Rate,
    months_between,
    supervision_rate,
    training_compliance,
    wellbeing_summary,
)
from linkwork.support.models import (
    RequiredCourse,
    SchemeSupport,
    SupervisionSession,
    TrainingRecord,
    WellbeingCheckIn,
)
from linkwork.support.prompts import PromptKind, prompts_for
from linkwork.support.training import CourseState, add_months, statuses
from tests.factories import MembershipFactory, ReferralFactory, SchemeFactory, UserFactory

TODAY = dt.date(2026, 6, 15)


def _workers(scheme, count, *, joined=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)):  # type: ignore[no-untyped-def]
    users = []
    for n in range(count):
        user = UserFactory(full_name=f"Worker {n:02d}")
        MembershipFactory(user=user, organisation=scheme.host, scheme=scheme, role=Role.LINK_WORKER)
        users.append(user)
    Membership.objects.filter(scheme=scheme).update(created_at=joined)
    return users


def _lead(scheme):  # type: ignore[no-untyped-def]
    lead = UserFactory(full_name="Lead")
    MembershipFactory(user=lead, organisation=scheme.host, scheme=scheme, role=Role.SCHEME_LEAD)
    return lead


def _session(scheme, supervisee, supervisor, held_on):  # type: ignore[no-untyped-def]
    return SupervisionSession.objects.create(
        scheme=scheme,
        supervisee=supervisee,
        supervisor=supervisor,
        held_on=held_on,
        kind="clinical",
        duration_minutes=60,
        recorded_by=supervisor,
    )


def test_months_between_counts_both_ends():
    assert months_between(dt.date(2026, 1, 1), dt.date(2026, 3, 31)) == 3
    assert months_between(dt.date(2025, 12, 20), dt.date(2026, 1, 5)) == 2
    with pytest.raises(ValueError, match="before its start"):
        months_between(dt.date(2026, 2, 1), dt.date(2026, 1, 1))


def test_rate_without_denominator_has_no_value():
    assert Rate(numerator=0, denominator=0).value is None
    assert Rate(numerator=3, denominator=4).value == 0.75


def test_add_months_keeps_to_the_month_end():
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 11, 15), 24) == dt.date(2027, 11, 15)


@pytest.mark.django_db
def test_supervision_rate_is_sessions_per_worker_month():
    scheme, other = SchemeFactory(), SchemeFactory()
    first, second, third = _workers(scheme, 3)
    lead = _lead(scheme)
    for held_on in (dt.date(2026, 1, 10), dt.date(2026, 2, 10), dt.date(2026, 3, 31)):
        _session(scheme, first, lead, held_on)
    _session(scheme, second, lead, dt.date(2026, 2, 20))
    _session(scheme, third, lead, dt.date(2025, 12, 31))  # before the period
    _session(scheme, third, lead, dt.date(2026, 4, 1))  # after it
    (outsider,) = _workers(other, 1)
    _session(other, outsider, _lead(other), dt.date(2026, 2, 1))  # another scheme's

    rate = supervision_rate(scheme, dt.date(2026, 1, 1), dt.date(2026, 3, 31))

    assert (rate.numerator, rate.denominator) == (4, 9)
    assert rate.value == pytest.approx(4 / 9)


@pytest.mark.django_db
def test_training_compliance_counts_courses_in_date():
    scheme = SchemeFactory()
    ann, bob = _workers(scheme, 2)
    RequiredCourse.objects.create(scheme=scheme, name="Safeguarding adults", renewal_months=24)
    RequiredCourse.objects.create(scheme=scheme, name="Mental health first aid", renewal_months=36)
    RequiredCourse.objects.create(scheme=scheme, name="Motivational interviewing")
    # Ann: safeguarding in date (renewal), first aid expired (its own expiry), MI never expires.
    TrainingRecord.objects.create(
        worker=ann, course="safeguarding  ADULTS", provider="LA", completed_on=dt.date(2025, 1, 1)
    )
    TrainingRecord.objects.create(
        worker=ann,
        course="Mental health first aid",
        provider="MHFA England",
        completed_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2026, 1, 1),
    )
    TrainingRecord.objects.create(
        worker=ann,
        course="Motivational interviewing",
        provider="X",
        completed_on=dt.date(2019, 5, 1),
    )
    # Bob: safeguarding expired by its renewal period; the rest not done.
    TrainingRecord.objects.create(
        worker=bob, course="Safeguarding adults", provider="LA", completed_on=dt.date(2024, 6, 1)
    )

    compliance = training_compliance(scheme, TODAY)

    assert (compliance.numerator, compliance.denominator) == (2, 6)
    assert compliance.value == pytest.approx(1 / 3)


@pytest.mark.django_db
def test_training_states_expiring_expired_and_missing():
    scheme = SchemeFactory()
    (worker,) = _workers(scheme, 1)
    soon = RequiredCourse.objects.create(scheme=scheme, name="Soon", renewal_months=12)
    gone = RequiredCourse.objects.create(scheme=scheme, name="Gone", renewal_months=12)
    never = RequiredCourse.objects.create(scheme=scheme, name="Never")
    records = [
        TrainingRecord(
            worker=worker, course="Soon", provider="P", completed_on=dt.date(2025, 7, 1)
        ),
        TrainingRecord(
            worker=worker, course="Gone", provider="P", completed_on=dt.date(2025, 6, 15)
        ),
    ]

    found = {s.course.name: s for s in statuses([soon, gone, never], records, TODAY)}

    assert found["Soon"].state == CourseState.EXPIRING
    assert found["Soon"].expires_on == dt.date(2026, 7, 1)
    assert found["Gone"].state == CourseState.EXPIRED  # expires on the day itself
    assert found["Never"].state == CourseState.MISSING
    assert [s.overdue for s in found.values()] == [False, True, True]


def _answers(workers, month, value):  # type: ignore[no-untyped-def]
    for worker in workers:
        WellbeingCheckIn.objects.create(
            worker=worker, month=month, workload=value, supported=4, switch_off=2, confident=5
        )


@pytest.mark.django_db
def test_wellbeing_summary_is_none_below_five_answers():
    scheme = SchemeFactory()
    workers = _workers(scheme, 6)
    _answers(workers[:4], dt.date(2026, 5, 1), 3)

    assert wellbeing_summary(scheme, dt.date(2026, 5, 20)) is None


@pytest.mark.django_db
def test_wellbeing_summary_at_five_answers_gives_means():
    scheme, other = SchemeFactory(), SchemeFactory()
    workers = _workers(scheme, 6)
    _answers(workers[:3], dt.date(2026, 5, 1), 3)
    _answers(workers[3:5], dt.date(2026, 5, 1), 4)
    _answers(workers[5:], dt.date(2026, 4, 1), 1)  # another month
    _answers(_workers(other, 2), dt.date(2026, 5, 1), 1)  # another scheme's

    summary = wellbeing_summary(scheme, dt.date(2026, 5, 20))

    assert summary is not None
    assert summary.month == dt.date(2026, 5, 1)
    assert summary.respondents == 5
    assert summary.means == {"workload": 3.4, "supported": 4.0, "switch_off": 2.0, "confident": 5.0}


@pytest.mark.django_db
def test_prompts_name_each_worker_needing_the_leads_attention():
    scheme = SchemeFactory(active_caseload_limit=4)
    SchemeSupport.objects.create(
        scheme=scheme, supervision_gap_weeks=6, complex_share_percent=50, complex_count=10
    )
    recent, stale, never, busy = _workers(scheme, 4)
    lead = _lead(scheme)
    _session(scheme, recent, lead, TODAY - dt.timedelta(weeks=6))  # on the limit: fine
    _session(scheme, stale, lead, TODAY - dt.timedelta(weeks=6, days=1))
    _session(scheme, busy, lead, TODAY - dt.timedelta(days=3))
    for complexity in ("complex", "very_complex", "standard"):
        ReferralFactory(scheme=scheme, link_worker=busy, status="active", complexity=complexity)
    ReferralFactory(scheme=scheme, link_worker=recent, status="active", complexity="complex")
    for _ in range(2):
        ReferralFactory(scheme=scheme, link_worker=recent, status="active")
    ReferralFactory(
        scheme=scheme,
        link_worker=recent,
        status="closed",
        closure_reason="goals_met",
        complexity="complex",
    )

    found = {(p.worker.full_name, p.kind): p.detail for p in prompts_for(scheme, TODAY)}

    assert found == {
        (stale.full_name, PromptKind.NO_SUPERVISION): "Last supervised on 3 May 2026.",
        (never.full_name, PromptKind.NO_SUPERVISION): "No supervision recorded.",
        (busy.full_name, PromptKind.OVER_LIMIT): "Active load 4.5 against a safe limit of 4.",
        (busy.full_name, PromptKind.COMPLEX_CASES): "2 of 3 open cases are complex.",
    }


@pytest.mark.django_db
def test_no_supervision_prompt_waits_for_a_new_starter():
    scheme = SchemeFactory()
    _workers(scheme, 1, joined=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))

    assert prompts_for(scheme, TODAY) == []
