"""QALYs, the ICER and net monetary benefit (by hand and from SPRING_NE), and the bootstrap."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from linkwork.evaluation import (
    EvaluationInputError,
    bootstrap_cea,
    icer,
    incremental_qalys,
    nmb,
    qaly_auc,
)


def test_qaly_auc_of_two_points_is_the_trapezium():
    """Utility 0.5 rising to 0.7 over one year: (0.5 + 0.7) / 2 = 0.6 QALYs."""
    assert qaly_auc([0.5, 0.7], [0.0, 1.0]) == pytest.approx(0.6)


def test_qaly_auc_over_uneven_follow_up_by_hand():
    """Baseline 0.6, 3 months 0.8, 12 months 0.7: 0.25 x 0.7 + 0.75 x 0.75 = 0.7375."""
    assert qaly_auc([0.6, 0.8, 0.7], [0.0, 0.25, 1.0]) == pytest.approx(0.7375)


def test_qaly_auc_takes_one_row_per_person():
    got = qaly_auc([[0.5, 0.7], [1.0, 1.0], [0.2, -0.2]], [0.0, 0.5])
    assert got == pytest.approx([0.3, 0.5, 0.0])


@pytest.mark.parametrize(
    ("utilities", "times", "column"),
    [
        ([0.5, 0.7], [1.0, 0.0], "times_years"),
        ([0.5], [0.0], "times_years"),
        ([0.5, 0.7, 0.9], [0.0, 1.0], "utilities"),
        ([0.5, np.nan], [0.0, 1.0], "utilities"),
    ],
)
def test_qaly_auc_rejects_bad_input_naming_it(utilities, times, column):
    with pytest.raises(EvaluationInputError) as error:
        qaly_auc(utilities, times)
    assert error.value.column == column


def test_spring_ne_icer_times_incremental_qaly_is_the_incremental_cost():
    """SPRING_NE (Moffatt et al. 2023): mean intervention cost GBP 1,345, incremental QALY
    0.004, ICER GBP 327,250 per QALY. The QALY gain is published rounded: 1,345 / 327,250 =
    0.00411, which rounds to 0.004, and ICER x dQALY gives back the cost."""
    delta_qaly = 1345 / 327_250
    assert round(delta_qaly, 3) == 0.004
    result = icer(1345, delta_qaly)
    assert result.status == "cost_per_qaly_gained"
    assert result.estimate == pytest.approx(327_250)
    assert result.estimate * delta_qaly == pytest.approx(1345)
    # With the rounded 0.004 the ratio is 336,250: within the published rounding of the QALY.
    assert icer(1345, 0.004).estimate == pytest.approx(336_250)
    assert icer(1345, 0.0035).estimate > 327_250 > icer(1345, 0.0045).estimate


def test_spring_ne_net_monetary_benefit_at_nice_thresholds():
    """NMB = threshold x dQALY - dCost: at GBP 20,000, 20,000 x 0.004 - 1,345 = -1,265; at
    GBP 30,000, 120 - 1,345 = -1,225. Unrounded (0.00411): -1,262.8 and -1,221.7. Negative:
    not cost-effective at either threshold, as the study concluded."""
    assert nmb(1345, 0.004, 20_000).estimate == pytest.approx(-1265)
    assert nmb(1345, 0.004, 30_000).estimate == pytest.approx(-1225)
    exact = 1345 / 327_250
    assert nmb(1345, exact, 20_000).estimate == pytest.approx(-1262.80, abs=0.01)
    assert nmb(1345, exact, 30_000).estimate == pytest.approx(-1221.70, abs=0.01)
    # The NMB is zero at the ICER itself.
    assert nmb(1345, exact, 327_250).estimate == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize(
    ("delta_cost", "delta_qaly", "status", "estimate"),
    [
        (-100.0, 0.01, "dominant", None),
        (0.0, 0.01, "dominant", None),
        (-100.0, 0.0, "dominant", None),
        (100.0, -0.01, "dominated", None),
        (100.0, 0.0, "dominated", None),
        (0.0, -0.01, "dominated", None),
        (0.0, 0.0, "no_difference", None),
        (-200.0, -0.01, "saving_per_qaly_lost", 20_000.0),
        (300.0, 0.01, "cost_per_qaly_gained", 30_000.0),
    ],
)
def test_icer_names_the_quadrant_instead_of_dividing(delta_cost, delta_qaly, status, estimate):
    result = icer(delta_cost, delta_qaly)
    assert result.status == status
    assert result.estimate == (pytest.approx(estimate) if estimate is not None else None)
    json.dumps(result.to_dict())


def test_icer_rejects_non_numbers_naming_them():
    with pytest.raises(EvaluationInputError) as error:
        icer(float("nan"), 0.1)
    assert error.value.column == "delta_cost"


def trial(seed=1, n=2000, *, effect=0.02, cost=900.0, practices=False):
    rng = np.random.default_rng(seed)
    arm = np.repeat([1, 0], n // 2)
    baseline = rng.uniform(0.3, 0.95, n)
    frame = pd.DataFrame(
        {
            "arm": arm,
            "baseline": baseline,
            "qaly": 0.7 * baseline + effect * arm + rng.normal(0, 0.08, n),
            "cost": 300 + cost * arm + rng.gamma(2.0, 150.0, n),
        }
    )
    if practices:
        frame["practice"] = np.where(arm == 1, rng.integers(0, 12, n), 12 + rng.integers(0, 10, n))
    return frame


@pytest.fixture(scope="module")
def data():
    return trial()


def test_bootstrap_cea_point_estimates_are_the_differences_in_means(data):
    result = bootstrap_cea(data, "cost", "qaly", "arm", B=200, seed=1)
    means = data.groupby("arm")[["cost", "qaly"]].mean()
    assert result.delta_cost.estimate == pytest.approx(means.loc[1, "cost"] - means.loc[0, "cost"])
    assert result.delta_qaly.estimate == pytest.approx(means.loc[1, "qaly"] - means.loc[0, "qaly"])
    assert result.estimate == pytest.approx(result.delta_cost.estimate / result.delta_qaly.estimate)
    assert result.n == len(data)
    assert (result.n_intervention, result.n_control) == (1000, 1000)


def test_bootstrap_cea_standard_errors_agree_with_the_formula(data):
    """With 4,000 replicates the bootstrap SE of a difference in means is within a few per
    cent of sqrt(s1^2/n1 + s0^2/n0)."""
    result = bootstrap_cea(data, "cost", "qaly", "arm", B=4000, seed=3)
    groups = data.groupby("arm")
    for column, diff in (("cost", result.delta_cost), ("qaly", result.delta_qaly)):
        analytic = np.sqrt((groups[column].var() / groups[column].count()).sum())
        assert diff.se == pytest.approx(analytic, rel=0.05)


def test_bootstrap_cea_is_reproducible_with_a_seed(data):
    first = bootstrap_cea(data, "cost", "qaly", "arm", B=300, seed=42)
    again = bootstrap_cea(data, "cost", "qaly", "arm", B=300, seed=42)
    other = bootstrap_cea(data, "cost", "qaly", "arm", B=300, seed=43)
    assert np.array_equal(first.replicate_delta_cost, again.replicate_delta_cost)
    assert np.array_equal(first.replicate_delta_qaly, again.replicate_delta_qaly)
    assert not np.array_equal(first.replicate_delta_cost, other.replicate_delta_cost)


def test_bootstrap_cea_reports_the_seed_it_drew(data):
    drawn = bootstrap_cea(data, "cost", "qaly", "arm", B=200)
    again = bootstrap_cea(data, "cost", "qaly", "arm", B=200, seed=drawn.seed)
    assert np.array_equal(drawn.replicate_delta_cost, again.replicate_delta_cost)


def test_bootstrap_cea_baseline_adjustment_is_the_regression_coefficient(data):
    result = bootstrap_cea(data, "cost", "qaly", "arm", baseline_utility="baseline", B=200, seed=1)
    fit = smf.ols("qaly ~ arm + baseline", data=data).fit()
    assert result.delta_qaly.estimate == pytest.approx(fit.params["arm"], rel=1e-9)
    assert result.baseline_adjusted is True
    regression = incremental_qalys(data, "qaly", "arm", baseline_utility="baseline")
    assert regression.estimate == pytest.approx(fit.params["arm"], rel=1e-9)
    assert regression.se == pytest.approx(fit.get_robustcov_results("HC1").bse[1], rel=1e-9)
    # Adjusting removes baseline noise: the bootstrap spread of dQALY is narrower.
    plain = bootstrap_cea(data, "cost", "qaly", "arm", B=200, seed=1)
    assert result.delta_qaly.se < plain.delta_qaly.se


def test_bootstrap_cea_ceac_rises_with_the_threshold(data):
    """With more cost and more QALYs in nearly every replicate, the probability of being
    cost-effective starts near 0 at GBP 0 and rises without falling to near 1."""
    result = bootstrap_cea(data, "cost", "qaly", "arm", B=1000, seed=5)
    assert result.quadrants["more_costly_more_effective"] > 0.95
    thresholds = np.linspace(0, 500_000, 51)
    curve = result.ceac(thresholds)
    probabilities = curve["probability_cost_effective"].to_numpy()
    assert probabilities[0] == 0.0
    assert probabilities[-1] > 0.95
    assert np.all(np.diff(probabilities) >= 0)


def test_bootstrap_cea_ceac_falls_when_the_intervention_saves_money_and_loses_qalys():
    saving = trial(effect=-0.03, cost=-250.0)
    result = bootstrap_cea(saving, "cost", "qaly", "arm", B=500, seed=2)
    assert result.status == "saving_per_qaly_lost"
    probabilities = result.ceac([0, 1_000, 5_000, 20_000, 100_000])["probability_cost_effective"]
    assert probabilities.iloc[0] > 0.95
    assert np.all(np.diff(probabilities.to_numpy()) <= 0)


def test_bootstrap_cea_nmb_at_thresholds_matches_ceac(data):
    result = bootstrap_cea(data, "cost", "qaly", "arm", B=500, seed=9, thresholds=(20_000, 60_000))
    curve = result.ceac([20_000, 60_000])["probability_cost_effective"].tolist()
    assert [b.probability_cost_effective for b in result.nmb] == curve
    for benefit in result.nmb:
        point = benefit.threshold * result.delta_qaly.estimate - result.delta_cost.estimate
        assert benefit.estimate == pytest.approx(point)
        assert benefit.ci_low < benefit.ci_high


def test_bootstrap_cea_icer_interval_only_when_replicates_keep_one_side():
    clear = trial(effect=0.08, n=4000)
    result = bootstrap_cea(clear, "cost", "qaly", "arm", B=500, seed=1)
    assert result.ci_low < result.estimate < result.ci_high
    unclear = trial(effect=0.0)
    result = bootstrap_cea(unclear, "cost", "qaly", "arm", B=500, seed=1)
    assert result.ci_low is None
    assert "both sides" in result.icer_ci_note or "no ICER" in result.icer_ci_note


def test_bootstrap_cea_resamples_whole_clusters():
    data = trial(practices=True)
    result = bootstrap_cea(data, "cost", "qaly", "arm", cluster="practice", B=300, seed=1)
    assert result.n_clusters == 22
    assert result.resampled.startswith("clusters")
    assert len(result.replicates) == 300
    json.dumps(result.to_dict())
    # Resampled arm sizes vary with cluster sizes, but point estimates stay the arm means.
    means = data.groupby("arm")["cost"].mean()
    assert result.delta_cost.estimate == pytest.approx(means[1] - means[0])


def test_bootstrap_cea_rejects_clusters_spanning_both_arms(data):
    mixed = data.assign(practice=np.arange(len(data)) % 7)
    with pytest.raises(EvaluationInputError, match="one arm") as error:
        bootstrap_cea(mixed, "cost", "qaly", "arm", cluster="practice", B=200)
    assert error.value.column == "practice"


def test_bootstrap_cea_to_dict_leaves_out_the_replicates(data):
    result = bootstrap_cea(data, "cost", "qaly", "arm", B=200, seed=1)
    data_dict = json.loads(json.dumps(result.to_dict()))
    assert "replicate_delta_cost" not in data_dict
    assert data_dict["B"] == 200
    assert data_dict["nmb"][0]["threshold"] == 20_000
