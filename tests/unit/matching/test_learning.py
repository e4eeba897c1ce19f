"""Learning from outcomes: what counts as connected, accepted, attended and still attending;
the position propensity; per-category adjustments with the bias corrected; the held-out
check and its verdict."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping

import pytest

from linkwork.matching.learning import (
    CAP,
    IMPROVED,
    NOT_ENOUGH_DATA,
    NOT_IMPROVED,
    PROPENSITY_FLOOR,
    Outcome,
    Propensity,
    estimate_propensity,
    evaluate,
    first_exposures,
    fit_adjustments,
    learn,
    shown_lists,
    split_by_time,
)

START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
CATEGORIES = (
    "arts_creativity",
    "social",
    "physical_activity",
    "nature_green",
    "food",
    "learning_skills",
    "volunteering",
    "peer_support",
    "digital_skills",
    "carers",
)


def outcome(
    referral: str,
    position: int,
    *,
    service: str | None = None,
    score: float | None = None,
    categories: frozenset[str] = frozenset(),
    connected: bool = False,
    attended: bool = False,
    at: dt.datetime = START,
    version: str = "default-1",
    shown_id: int = 0,
    already_connected: bool = False,
) -> Outcome:
    return Outcome(
        shown_id=shown_id,
        case_ref=referral,
        service_id=service or f"{referral}-s{position}",
        position=position,
        score=score if score is not None else 10.0 - 0.1 * position,
        weights_version=version,
        shown_at=at,
        categories=categories,
        connected=connected or attended,
        accepted=attended,
        attended=attended,
        already_connected=already_connected,
    )


def simulate(
    *,
    referrals: int,
    relevance: Mapping[str, float],
    seed: int = 1,
    eta: float = 1.0,
    per_list: int = 8,
    order: str = "random",
) -> list[Outcome]:
    """Lists of `per_list` services, one category each. A link worker looks at position k
    with probability k ** -eta and connects with the category's relevance; 70% of
    connections are attended. With order "bottom", arts services are shown last."""
    rng = random.Random(seed)
    rows = []
    for r in range(referrals):
        chosen = rng.sample(CATEGORIES, per_list)
        if order == "bottom":
            chosen.sort(key=lambda c: c == "arts_creativity")
        at = START + dt.timedelta(hours=r)
        for position, category in enumerate(chosen, start=1):
            looked = rng.random() < position**-eta
            connected = looked and rng.random() < relevance.get(category, 0.25)
            attended = connected and rng.random() < 0.7
            rows.append(
                outcome(
                    f"r{r:04d}",
                    position,
                    categories=frozenset({category}),
                    connected=connected,
                    attended=attended,
                    at=at + dt.timedelta(microseconds=position),
                    shown_id=len(rows),
                )
            )
    return rows


# Propensity ---------------------------------------------------------------------------------


def test_propensity_is_power_law_with_floor():
    propensity = Propensity(eta=1.0)
    assert propensity(1) == 1.0
    assert propensity(2) == 0.5
    assert propensity(4) == 0.25
    assert propensity(50) == PROPENSITY_FLOOR
    assert propensity(0) == 1.0
    assert Propensity(eta=0.0)(7) == 1.0


def test_propensity_fitted_from_connection_curve_when_positions_are_random():
    rows = simulate(referrals=3000, relevance={}, eta=1.0)
    propensity = estimate_propensity(first_exposures(rows))
    assert propensity.estimated
    assert propensity.eta == pytest.approx(1.0, abs=0.15)


def test_propensity_fitted_flat_when_position_does_not_matter():
    rows = simulate(referrals=3000, relevance={}, eta=0.0)
    assert estimate_propensity(first_exposures(rows)).eta < 0.15


def test_propensity_assumes_eta_one_with_few_connections():
    rows = simulate(referrals=20, relevance={}, eta=1.0)
    propensity = estimate_propensity(first_exposures(rows), min_connections=1000)
    assert (propensity.eta, propensity.estimated) == (1.0, False)
    assert "assumed eta = 1" in propensity.note


# Fitting ------------------------------------------------------------------------------------


def test_fit_gives_more_engaging_category_positive_adjustment_and_others_about_zero():
    rows = simulate(referrals=1500, relevance={"arts_creativity": 0.6})
    exposures = first_exposures(rows)
    fits = fit_adjustments(exposures, estimate_propensity(exposures)).categories
    assert fits["arts_creativity"].adjustment > 0.2
    for category in CATEGORIES[1:]:
        assert abs(fits[category].adjustment) < 0.1, category


def test_fit_corrects_for_position_bias():
    # Arts services are twice as engaging but always shown last: the raw rate says they
    # are worse; weighting by the inverse propensity recovers that they are better.
    rows = simulate(referrals=1500, relevance={"arts_creativity": 0.5}, order="bottom")
    exposures = first_exposures(rows)
    naive = fit_adjustments(exposures, Propensity(eta=0.0)).categories
    corrected = fit_adjustments(exposures, Propensity(eta=1.0)).categories
    assert naive["arts_creativity"].adjustment < 0
    assert corrected["arts_creativity"].adjustment > 0.1


def test_fit_shrinks_small_categories_towards_zero():
    rows = simulate(referrals=1500, relevance={})
    rows += [
        outcome(f"x{i}", 1, categories=frozenset({"bereavement"}), attended=True, at=START)
        for i in range(3)
    ]
    fits = fit_adjustments(first_exposures(rows), Propensity()).categories
    # Three showings, all attended: the raw rate is several times the others'.
    assert fits["bereavement"].rate > 3 * fits["social"].rate
    assert 0 <= fits["bereavement"].adjustment < 0.1
    assert fits["bereavement"].kept < 0.2


def test_fit_caps_adjustments():
    rows = [
        outcome(f"r{i}", 1, categories=frozenset({"arts_creativity"}), attended=True)
        for i in range(2000)
    ] + [outcome(f"q{i}", 1, categories=frozenset({"social"})) for i in range(20000)]
    fits = fit_adjustments(rows, Propensity()).categories
    assert fits["arts_creativity"].adjustment == CAP
    # The typical category (most looks) is the reference.
    assert fits["social"].adjustment == 0.0


def test_fit_with_no_engagement_adjusts_nothing():
    rows = [outcome(f"r{i}", 1, categories=frozenset({"social"})) for i in range(50)]
    assert fit_adjustments(rows, Propensity()).categories["social"].adjustment == 0.0


def test_fit_adjusts_nothing_when_categories_differ_only_by_chance():
    rows = simulate(referrals=1500, relevance={}, seed=5)
    fits = fit_adjustments(first_exposures(rows), Propensity())
    assert all(abs(fit.adjustment) < 0.05 for fit in fits.categories.values())


def test_first_exposures_keep_best_position_and_leave_out_already_connected():
    rows = [
        outcome("a", 4, service="s1", at=START),
        outcome("a", 2, service="s1", at=START + dt.timedelta(days=1)),
        outcome("a", 1, service="s2", at=START, already_connected=True),
    ]
    kept = first_exposures(rows)
    assert [(o.service_id, o.position) for o in kept] == [("s1", 2)]


# Held-out check -----------------------------------------------------------------------------


def test_shown_lists_keep_first_list_of_each_referral():
    rows = [
        outcome("a", 1, at=START, shown_id=1),
        outcome("a", 2, at=START + dt.timedelta(seconds=1), shown_id=2),
        outcome("a", 1, at=START + dt.timedelta(days=1), shown_id=3),
        outcome("b", 1, at=START, shown_id=4),
    ]
    lists = shown_lists(rows)
    assert [[o.shown_id for o in items] for items in lists] == [[1, 2], [4]]


def test_split_by_time_holds_out_latest_fifth_of_referrals():
    rows = [outcome(f"r{i}", 1, at=START + dt.timedelta(days=i)) for i in range(10)]
    train, held_out = split_by_time(rows)
    assert sorted(o.case_ref for o in held_out) == ["r8", "r9"]
    assert len(train) == 8


def test_evaluate_moves_engagement_by_propensity_ratio():
    arts = frozenset({"arts_creativity"})
    items = [
        outcome("a", 1),
        outcome("a", 2),
        outcome("a", 3),
        outcome("a", 4, categories=arts, attended=True),
    ]
    propensity = Propensity(eta=1.0)
    # Shown at 4, outside the top 3: the scores shown leave it there.
    result = evaluate([items], propensity, {"arts_creativity": 1.0})
    assert result.original == 0.0
    # Moved to the top: its engagement at 4 (propensity 1/4) becomes 4 times as likely.
    assert result.fitted == pytest.approx(4.0)
    assert result.difference == pytest.approx(4.0)
    # Shown with the same adjustment already: nothing changes.
    same = evaluate(
        [items],
        propensity,
        {"arts_creativity": 1.0},
        shown_with={"default-1": {"arts_creativity": 1.0}},
    )
    assert same.fitted == same.original == 0.0


def test_learn_would_have_improved_when_category_is_more_engaging():
    rows = simulate(referrals=2000, relevance={"arts_creativity": 0.6})
    fit = learn(rows)
    assert fit.verdict == IMPROVED
    assert fit.adjustments["arts_creativity"] > 0.2
    held = fit.report["held_out"]
    assert held["referrals"] == 400
    assert held["fitted"] > held["original"]
    assert fit.report["propensity"]["estimated"] is True


def test_learn_would_not_have_improved_when_nothing_differs():
    rows = simulate(referrals=2000, relevance={}, seed=3)
    fit = learn(rows)
    assert fit.verdict == NOT_IMPROVED
    assert all(abs(value) < 0.05 for value in fit.adjustments.values())


def test_learn_with_too_little_data_says_so_and_adjusts_nothing():
    rows = simulate(referrals=30, relevance={"arts_creativity": 0.9})
    fit = learn(rows)
    assert fit.verdict == NOT_ENOUGH_DATA
    assert fit.adjustments == {}
    assert all(c["adjustment"] == 0 for c in fit.report["categories"].values())
    assert "at least 500 shown" in fit.reason


def test_learn_with_too_few_held_out_referrals_says_not_enough_data():
    rows = simulate(referrals=100, relevance={"arts_creativity": 0.6})
    fit = learn(rows, min_shown=50, min_engaged=5)
    assert fit.verdict == NOT_ENOUGH_DATA
    assert "held-out referrals" in fit.reason
    assert fit.adjustments  # fitted all the same, and stored for people to judge
