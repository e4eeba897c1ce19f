"""A cell's self-assessed rating is the worse of its answers; the latest submission wins and
earlier ones are kept."""

from __future__ import annotations

import datetime as dt

import pytest

from linkwork.healthcheck.actions import HealthCheckError, submit_self_assessment
from linkwork.healthcheck.framework import Level, Setting
from linkwork.healthcheck.models import SelfAssessment
from linkwork.healthcheck.questionnaire import questionnaire
from linkwork.healthcheck.self_assessment import latest_ratings
from tests.conftest import World

AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def all_answers(rating: str) -> dict[str, str]:
    return {q.id: rating for q in questionnaire().questions}


@pytest.mark.django_db
def test_latest_ratings_empty_without_a_self_assessment(world: World):
    assert latest_ratings(world.scheme_a) == {}


@pytest.mark.django_db
def test_latest_ratings_latest_submission_wins_and_history_is_kept(world: World):
    earlier = submit_self_assessment(
        by=world.scheme_lead_a, scheme=world.scheme_a, answers=all_answers("poor"), at=AT
    )
    later = submit_self_assessment(
        by=world.scheme_lead_a,
        scheme=world.scheme_a,
        answers=all_answers("good"),
        at=AT + dt.timedelta(days=30),
    )
    ratings = latest_ratings(world.scheme_a)
    assert len(ratings) == 12
    cell = ratings[(Level.POLICY, Setting.COMMUNITY)]
    assert cell.rating == "good"
    assert cell.assessment_id == later.pk
    assert cell.answered_by == "Lee Lead"
    assert cell.answered_at == AT + dt.timedelta(days=30)
    assert SelfAssessment.objects.filter(scheme=world.scheme_a).count() == 2
    assert {a.rating for a in earlier.answers.all()} == {"poor"}


@pytest.mark.django_db
def test_latest_ratings_cell_takes_the_worse_answer(world: World):
    answers = all_answers("best")
    # Two questions share the organisational x link workers cell.
    shared = [
        q.id
        for q in questionnaire().questions
        if q.cell == (Level.ORGANISATIONAL, Setting.LINK_WORKERS)
    ]
    assert len(shared) == 2
    answers[shared[1]] = "developing"
    submit_self_assessment(by=world.scheme_lead_a, scheme=world.scheme_a, answers=answers)
    ratings = latest_ratings(world.scheme_a)
    assert ratings[(Level.ORGANISATIONAL, Setting.LINK_WORKERS)].rating == "developing"
    assert ratings[(Level.INDIVIDUAL, Setting.REFERRERS)].rating == "best"


@pytest.mark.django_db
def test_latest_ratings_other_scheme_not_mixed_in(world: World):
    submit_self_assessment(
        by=world.scheme_lead_a, scheme=world.scheme_a, answers=all_answers("poor")
    )
    assert latest_ratings(world.scheme_b) == {}


@pytest.mark.django_db
def test_submit_without_every_answer_names_the_question_and_writes_nothing(world: World):
    answers = all_answers("good")
    missing = questionnaire().questions[4]
    del answers[missing.id]
    with pytest.raises(HealthCheckError) as caught:
        submit_self_assessment(by=world.scheme_lead_a, scheme=world.scheme_a, answers=answers)
    assert caught.value.field == missing.id
    assert missing.text in str(caught.value)
    assert not SelfAssessment.objects.exists()


@pytest.mark.django_db
def test_submit_unknown_rating_refused(world: World):
    answers = all_answers("good")
    answers["leadership"] = "excellent"
    with pytest.raises(HealthCheckError) as caught:
        submit_self_assessment(by=world.scheme_lead_a, scheme=world.scheme_a, answers=answers)
    assert caught.value.field == "leadership"
    assert not SelfAssessment.objects.exists()
