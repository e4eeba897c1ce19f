"""A later score counts as change only when recorded long enough after the baseline
(`LINKWORK_CHANGE_INTERVAL_WEEKS`, 6 by default); sooner, it is "too soon to compare" on the
trajectory and left out of the closing summary to the GP."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linkwork.casework import actions as casework_actions
from linkwork.outcomes import actions
from linkwork.outcomes.message_back import OutcomeScore, outcome_scores, outcome_summary
from linkwork.outcomes.models import OutcomeMeasure
from linkwork.people.models import ConsentKind
from linkwork.referrals.lifecycle import ClosureReason
from linkwork.referrals.message_back import message_back
from tests.conftest import signed_in
from tests.unit.notifications import helpers

pytestmark = pytest.mark.django_db

SWEMWBS = "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)"
LOWEST, HIGHEST = [1] * 7, [5] * 7  # SWEMWBS 7 and 35


def record(world, referral, answers, time_point, at):  # type: ignore[no-untyped-def]
    measure = actions.record_measure(
        by=world.link_worker_a,
        referral=referral,
        instrument="swemwbs",
        time_point=time_point,
        responses={"items": answers},
    )
    OutcomeMeasure.objects.filter(pk=measure.pk).update(recorded_at=at)
    return measure


def trajectory_page(world, referral) -> str:  # type: ignore[no-untyped-def]
    client = signed_in(Client(), world.link_worker_a)
    return client.get(reverse("outcomes:trajectories", args=[referral.pk])).content.decode()


def test_same_day_follow_up_is_too_soon_to_compare_on_the_trajectory(world, referral_a):
    now = timezone.now()
    record(world, referral_a, LOWEST, "baseline", now - dt.timedelta(hours=2))
    record(world, referral_a, HIGHEST, "follow_up", now)
    page = trajectory_page(world, referral_a)
    assert "Too soon to compare" in page
    assert "meaningful change (improvement)" not in page
    assert "+28" not in page


def test_same_day_7_then_35_is_not_reported_to_the_gp_as_improvement(world):
    who = helpers.person(world)
    helpers.consent(who, ConsentKind.MESSAGE_BACK, True)
    referral = helpers.active(world, who=who)
    now = timezone.now()
    record(world, referral, LOWEST, "baseline", now - dt.timedelta(hours=1))
    record(world, referral, HIGHEST, "discharge", now)
    closed = casework_actions.discharge(
        by=world.link_worker_a, referral=referral, reason=ClosureReason.GOALS_MET
    )
    _, body = message_back(closed, "closed")
    block = next(part for part in body.split("\n\n") if part.startswith("Outcome scores\n"))
    assert block.splitlines()[1:] == [
        f"- {SWEMWBS}: 7 at the start; a later score was recorded too soon after it to compare"
    ]
    assert "35" not in block


def test_follow_up_six_weeks_after_the_baseline_counts_as_change(world, referral_a):
    baseline = timezone.now() - dt.timedelta(weeks=6)
    record(world, referral_a, LOWEST, "baseline", baseline)
    record(world, referral_a, HIGHEST, "follow_up", baseline + dt.timedelta(weeks=6))
    page = trajectory_page(world, referral_a)
    assert "Too soon to compare" not in page
    assert "+28" in page
    assert "meaningful change (improvement)" in page
    assert outcome_scores(referral_a) == [f"{SWEMWBS}: 7 at the start, 35 at the end"]


def test_closing_summary_ends_on_the_latest_score_far_enough_from_the_start(world, referral_a):
    start = timezone.now() - dt.timedelta(days=100)
    record(world, referral_a, LOWEST, "baseline", start)
    record(world, referral_a, [3] * 7, "follow_up", start + dt.timedelta(days=50))  # 19.25
    record(world, referral_a, HIGHEST, "ad_hoc", start - dt.timedelta(days=-1))  # too soon
    assert outcome_summary(referral_a) == [OutcomeScore(SWEMWBS, "7", "19.25")]


def test_the_interval_is_a_setting(world, referral_a, settings):
    settings.LINKWORK_CHANGE_INTERVAL_WEEKS = 0
    now = timezone.now()
    record(world, referral_a, LOWEST, "baseline", now - dt.timedelta(hours=2))
    record(world, referral_a, HIGHEST, "follow_up", now)
    page = trajectory_page(world, referral_a)
    assert "Too soon to compare" not in page
    assert "meaningful change (improvement)" in page
