"""Paired pre/post change worked by hand, and subgroup analyses with their interaction test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from linkwork.evaluation import EvaluationInputError, did, paired_change, subgroups


@pytest.fixture
def scores():
    """Five people with SWEMWBS-like scores; one has no follow-up, one no baseline."""
    return pd.DataFrame(
        {
            "before": [18.0, 20.0, 22.0, 19.0, 21.0, np.nan],
            "after": [21.0, 20.0, 27.0, 22.0, np.nan, 25.0],
        }
    )


def test_paired_change_by_hand(scores):
    """Changes 3, 0, 5, 3: mean 2.75, SD 2.0616, SE 1.0308, t(3) 97.5% = 3.1824, so the
    interval is 2.75 +/- 3.2805; baseline SD of the four is 1.7078."""
    result = paired_change(scores, "before", "after", mcid=3)
    assert result.estimate == pytest.approx(2.75)
    assert result.sd_change == pytest.approx(np.std([3, 0, 5, 3], ddof=1))
    assert result.se == pytest.approx(np.std([3, 0, 5, 3], ddof=1) / 2)
    half = stats.t.ppf(0.975, 3) * result.se
    assert (result.ci_low, result.ci_high) == pytest.approx((2.75 - half, 2.75 + half))
    assert result.effect_size == pytest.approx(2.75 / np.std([18, 20, 22, 19], ddof=1))
    assert result.share_improved == pytest.approx(3 / 4)
    assert (result.n, result.n_rows, result.n_before, result.n_after) == (4, 6, 5, 5)
    assert result.attrition == 1
    assert result.attrition_rate == pytest.approx(1 / 5)


def test_paired_change_where_lower_is_better(scores):
    result = paired_change(scores, "before", "after", mcid=3, higher_is_better=False)
    assert result.share_improved == 0.0


def test_paired_change_needs_two_pairs():
    with pytest.raises(EvaluationInputError, match="at least 2") as error:
        paired_change(pd.DataFrame({"a": [1.0, 2.0], "b": [2.0, np.nan]}), "a", "b")
    assert error.value.column == "b"


def deprivation_panel(seed=4):
    rng = np.random.default_rng(seed)
    n = 1600
    frame = pd.DataFrame(
        {
            "quintile": rng.integers(1, 6, n),
            "treated": rng.integers(0, 2, n),
            "post": rng.integers(0, 2, n),
        }
    )
    effect = np.where(frame["quintile"] <= 2, 3.0, 0.5)
    frame["y"] = 10 + effect * frame["treated"] * frame["post"] + rng.normal(0, 2, n)
    return frame


def analysis(frame):
    return did(frame, "y", "treated", "post", se="hc1")


def test_subgroups_run_the_analysis_per_level():
    frame = deprivation_panel()
    result = subgroups(analysis, frame, "quintile")
    assert [g.level for g in result.subgroups] == [1, 2, 3, 4, 5]
    for group in result.subgroups:
        alone = analysis(frame[frame["quintile"] == group.level])
        assert group.result.estimate == pytest.approx(alone.estimate)
        assert group.n == alone.n
    assert result.n == len(frame)


def test_subgroups_interaction_test_is_cochrans_q_by_hand():
    frame = deprivation_panel()
    result = subgroups(analysis, frame, "quintile")
    estimates = np.array([g.result.estimate for g in result.subgroups])
    weights = 1 / np.array([g.result.se for g in result.subgroups]) ** 2
    pooled = np.sum(weights * estimates) / np.sum(weights)
    q = np.sum(weights * (estimates - pooled) ** 2)
    assert result.estimate == pytest.approx(pooled)
    assert result.interaction.statistic == pytest.approx(q)
    assert result.interaction.df == 4
    assert result.interaction.p_value == pytest.approx(stats.chi2.sf(q, 4))
    # The effect was built to differ (3.0 in the two most deprived quintiles, 0.5 elsewhere).
    assert result.interaction.p_value < 0.01


def test_subgroups_finds_no_interaction_when_effects_are_equal():
    frame = deprivation_panel(9)
    rng = np.random.default_rng(1)
    frame["y"] = 10 + 1.0 * frame["treated"] * frame["post"] + rng.normal(0, 2, len(frame))
    assert subgroups(analysis, frame, "quintile").interaction.p_value > 0.01


def test_subgroups_skips_levels_the_analysis_cannot_run_on_and_says_why():
    frame = deprivation_panel()
    tiny = pd.DataFrame({"quintile": [9, 9], "treated": [1, 1], "post": [0, 1], "y": [1.0, 2.0]})
    frame = pd.concat([frame, tiny], ignore_index=True)
    frame.loc[0, "quintile"] = np.nan
    result = subgroups(analysis, frame, "quintile")
    assert "9.0" in result.skipped or "9" in result.skipped
    assert result.n_missing == 1
    assert len(result.subgroups) == 5
    result.to_dict()
