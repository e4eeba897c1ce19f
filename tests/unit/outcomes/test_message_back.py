"""What outcomes writes into the closing message back, read from real, scored measures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pytest
from django.utils import timezone

from linkwork.outcomes import actions
from linkwork.outcomes.message_back import OutcomeScore, outcome_scores, outcome_summary
from linkwork.outcomes.models import OutcomeMeasure
from linkwork.referrals.models import Referral
from tests.factories import ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db

SWEMWBS = "Short Warwick-Edinburgh Mental Wellbeing Scale (SWEMWBS)"


def record(referral: Referral, instrument: str, responses: Mapping[str, object], day: int) -> None:
    """Record and score a measure, `day` days into support."""
    measure = actions.record_measure(
        by=UserFactory(),
        referral=referral,
        instrument=instrument,
        time_point="follow_up",
        responses=responses,
    )
    start = timezone.now() - dt.timedelta(days=100)
    OutcomeMeasure.objects.filter(pk=measure.pk).update(recorded_at=start + dt.timedelta(day))


def test_outcome_summary_gives_the_first_and_the_latest_score_of_each_measure():
    referral = ReferralFactory()
    record(referral, "swemwbs", {"items": [4] * 7}, day=60)  # metric 25.03, the latest
    record(referral, "swemwbs", {"items": [2] * 7}, day=1)  # metric 15.32, the first
    record(referral, "swemwbs", {"items": [3] * 7}, day=30)  # in between, not reported
    record(ReferralFactory(), "swemwbs", {"items": [1] * 7}, day=0)  # another referral's
    assert outcome_summary(referral) == [OutcomeScore(SWEMWBS, "15.32", "25.03")]
    assert outcome_scores(referral) == [f"{SWEMWBS}: 15.32 at the start, 25.03 at the end"]


def test_outcome_summary_says_a_measure_taken_once_was_not_measured_at_the_end():
    referral = ReferralFactory()
    record(referral, "ucla3", {"items": [2, 2, 2]}, day=1)
    assert outcome_summary(referral) == [
        OutcomeScore("UCLA 3-item loneliness scale", "6", "not measured")
    ]


def test_outcome_summary_leaves_out_measures_with_no_headline_score():
    referral = ReferralFactory()
    ons4 = {"life_satisfaction": 6, "worthwhile": 7, "happiness": 5, "anxiety": 4}
    record(referral, "ons4", ons4, day=1)
    record(referral, "ons4", ons4, day=50)
    assert outcome_summary(referral) == []


def test_outcome_summary_is_empty_when_nothing_was_measured():
    assert outcome_summary(ReferralFactory()) == []
