"""Two-way fixed effects by demeaning against OLS with a dummy per unit and per period, the
fixest small-sample correction, the event study and the wild cluster bootstrap."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from linkwork.evaluation import EvaluationInputError, event_study, twfe


def panel(seed: int = 7, *, drop: tuple[int, ...] = (3, 17, 50, 51)) -> pd.DataFrame:
    """40 people in 10 practices over 6 periods; practices start treatment at different
    periods or never; a few person-periods missing (unbalanced)."""
    rng = np.random.default_rng(seed)
    units, periods = 40, 6
    person = np.repeat(np.arange(units), periods)
    period = np.tile(np.arange(periods), units)
    practice_of = np.arange(units) // 4
    practice = practice_of[person]
    start = np.where(practice_of % 2 == 0, 2 + practice_of % 3, 99)[person]
    treatment = (period >= start).astype(int)
    y = (
        0.5 * treatment
        + rng.normal(size=units)[person]
        + 0.3 * period
        + rng.normal(0, 0.7, size=10)[practice]
        + rng.normal(size=units * periods)
    )
    frame = pd.DataFrame(
        {"y": y, "treated": treatment, "person": person, "period": period, "practice": practice}
    )
    return frame.drop(index=list(drop)).reset_index(drop=True)


@pytest.fixture(scope="module")
def data():
    return panel()


def dummies_fit(data, **fit):
    return smf.ols("y ~ treated + C(person) + C(period)", data=data).fit(**fit)


def test_twfe_equals_dummy_variable_ols(data):
    ours = twfe(data, "y", "treated", "person", "period")
    theirs = dummies_fit(data)
    assert ours.estimate == pytest.approx(theirs.params["treated"], rel=1e-9)
    assert ours.se == pytest.approx(theirs.bse["treated"], rel=1e-9)
    assert ours.df == theirs.df_resid
    assert ours.n == len(data)
    assert ours.absorbed == 40 + 6 - 1


def test_twfe_cluster_se_counts_only_effects_not_nested_in_clusters(data):
    """People sit inside practices, so fixest's fixef.K = "nested" drops the person effects
    from K: K = 1 (treated) + 6 (periods). The dummy-variable fit counts all of them, so its
    CR1 variance differs by exactly (N - K_dummies) / (N - K_nested)."""
    ours = twfe(data, "y", "treated", "person", "period", cluster="practice")
    theirs = dummies_fit(data, cov_type="cluster", cov_kwds={"groups": data["practice"]})
    n = len(data)
    k_dummies = theirs.df_model + 1
    assert ours.dof_k == 1 + 6
    rescaled = theirs.bse["treated"] * np.sqrt((n - k_dummies) / (n - ours.dof_k))
    assert ours.estimate == pytest.approx(theirs.params["treated"], rel=1e-9)
    assert ours.se == pytest.approx(rescaled, rel=1e-9)
    assert ours.df == 10 - 1


def test_twfe_cluster_se_matches_the_formula_by_hand(data):
    """CR1 on the demeaned regressor: G/(G-1) (N-1)/(N-K) sum_g (x_g'u_g)^2 / (x'x)^2."""
    result = twfe(data, "y", "treated", "person", "period", cluster="practice")
    theirs = dummies_fit(data)
    u = theirs.resid.to_numpy()
    # The demeaned treatment is the residual of treatment on the dummies (Frisch-Waugh-Lovell).
    x = smf.ols("treated ~ C(person) + C(period)", data=data).fit().resid.to_numpy()
    scores = pd.Series(x * u).groupby(data["practice"]).sum().to_numpy()
    n, k, g = len(data), 1 + 6, 10
    variance = g / (g - 1) * (n - 1) / (n - k) * np.sum(scores**2) / (x @ x) ** 2
    assert result.se == pytest.approx(np.sqrt(variance), rel=1e-8)


def test_twfe_clustered_by_unit_counts_period_effects_only():
    data = panel(3)
    ours = twfe(data, "y", "treated", "person", "period", cluster="person")
    assert ours.dof_k == 1 + 6
    assert ours.n_clusters == 40


def test_twfe_balanced_panel_demeans_in_one_sweep():
    data = panel(5, drop=())
    assert twfe(data, "y", "treated", "person", "period").iterations == 1


def test_twfe_repeated_period_with_even_counts_is_not_taken_as_balanced():
    """Every person has 6 rows and every period 40, but two people each have one period
    twice and another not at all: one sweep is not exact, so the sweeps go on."""
    data = panel(5, drop=())
    data.loc[(data["person"] == 0) & (data["period"] == 1), "period"] = 0
    data.loc[(data["person"] == 1) & (data["period"] == 0), "period"] = 1
    assert data.groupby("person").size().eq(6).all()
    assert data.groupby("period").size().eq(40).all()
    ours = twfe(data, "y", "treated", "person", "period")
    theirs = dummies_fit(data)
    assert ours.iterations > 1
    assert ours.estimate == pytest.approx(theirs.params["treated"], rel=1e-9)
    assert ours.se == pytest.approx(theirs.bse["treated"], rel=1e-9)


def test_twfe_treatment_as_booleans_or_nullable_integers_alike(data):
    plain = twfe(data, "y", "treated", "person", "period")
    flags = twfe(
        data.assign(treated=data["treated"].astype(bool)), "y", "treated", "person", "period"
    )
    assert flags.estimate == plain.estimate
    nullable = data.assign(treated=data["treated"].astype("Int64"))
    nullable.loc[0, "treated"] = pd.NA
    gap = twfe(nullable, "y", "treated", "person", "period")
    assert gap.n_dropped == 1
    dropped = twfe(data.drop(index=0), "y", "treated", "person", "period")
    assert gap.estimate == pytest.approx(dropped.estimate, rel=1e-12)


def test_twfe_rejects_treatment_absorbed_by_the_effects(data):
    everyone = data.assign(treated=(data["period"] >= 3).astype(int))
    with pytest.raises(EvaluationInputError, match="does not vary") as error:
        twfe(everyone, "y", "treated", "person", "period")
    assert error.value.column == "treated"


def test_event_study_equals_dummy_variable_ols_with_event_time_dummies(data):
    result = event_study(data, "y", "treated", "person", "period", leads=2, lags=2)
    frame = data.copy()
    started = frame[frame["treated"] == 1].groupby("person")["period"].min()
    start = frame["person"].map(started)
    rel = (frame["period"] - start).clip(-2, 2)
    names = {-2: "m2", 0: "p0", 1: "p1", 2: "p2"}
    for r, name in names.items():
        frame[name] = ((rel == r) & start.notna()).astype(float)
    fit = smf.ols("y ~ m2 + p0 + p1 + p2 + C(person) + C(period)", data=frame).fit()
    got = {c.name: c for c in result.periods}
    for label, name in (("t-2", "m2"), ("t0", "p0"), ("t+1", "p1"), ("t+2", "p2")):
        assert got[label].estimate == pytest.approx(fit.params[name], rel=1e-8)
        assert got[label].se == pytest.approx(fit.bse[name], rel=1e-8)
    test = fit.f_test("m2 = 0")
    assert result.pretrend_p_value == pytest.approx(float(test.pvalue), rel=1e-8)
    assert result.estimate == pytest.approx(fit.params[["p0", "p1", "p2"]].mean(), rel=1e-8)


def test_event_study_rejects_treatment_that_switches_off(data):
    flicker = data.copy()
    flicker.loc[flicker.index[flicker["treated"] == 1][:1], "treated"] = 0
    flicker.loc[flicker.index[5], "treated"] = 1
    with pytest.raises(EvaluationInputError, match="stays on"):
        event_study(flicker, "y", "treated", "person", "period")


def brute_force_wcr_p_value(data, weights):
    """Re-fit the dummy-variable regression for every weight vector: y* = restricted fit +
    restricted residual x cluster weight; p = share of |t*| >= |t| (CR1 t statistics)."""
    restricted = smf.ols("y ~ C(person) + C(period)", data=data).fit()
    full = smf.ols("y ~ treated + C(person) + C(period)", data=data)
    groups = data["practice"]
    t = full.fit(cov_type="cluster", cov_kwds={"groups": groups}).tvalues["treated"]
    clusters = np.sort(groups.unique())
    t_star = []
    for w in weights:
        flip = pd.Series(w, index=clusters)[groups].to_numpy()
        y_star = restricted.fittedvalues + restricted.resid * flip
        refit = smf.ols("y ~ treated + C(person) + C(period)", data=data.assign(y=y_star)).fit(
            cov_type="cluster", cov_kwds={"groups": groups}
        )
        t_star.append(refit.tvalues["treated"])
    return float(np.mean(np.abs(t_star) >= abs(t) - 1e-9))


def test_wild_cluster_bootstrap_matches_refitting_every_draw():
    """Six practices: all 64 Rademacher sign patterns are enumerated, so the p-value is exact
    and must equal the one from re-estimating the full dummy model for each pattern."""
    data = panel(11)
    data = data[data["practice"] < 6].reset_index(drop=True)
    result = twfe(
        data, "y", "treated", "person", "period", cluster="practice", wild_cluster_bootstrap=True
    )
    assert result.bootstrap["enumerated"] is True
    assert result.bootstrap["B"] == 64
    patterns = list(itertools.product((-1.0, 1.0), repeat=6))
    assert result.p_value == pytest.approx(brute_force_wcr_p_value(data, patterns), abs=1e-12)
    assert result.ci_low < result.estimate < result.ci_high


def test_wild_cluster_bootstrap_is_reproducible_with_a_seed(data):
    def run(seed):
        return twfe(
            data,
            "y",
            "treated",
            "person",
            "period",
            cluster="practice",
            wild_cluster_bootstrap=True,
            bootstrap_weights="webb",
            B=999,
            seed=seed,
        )

    first, again, other = run(1), run(1), run(2)
    assert (first.p_value, first.ci_low, first.ci_high) == (
        again.p_value,
        again.ci_low,
        again.ci_high,
    )
    assert first.p_value != other.p_value or first.ci_low != other.ci_low
    assert first.inference.startswith("wild cluster bootstrap")
    assert first.se == again.se  # the analytic error is still reported


def test_wild_cluster_bootstrap_needs_clusters(data):
    with pytest.raises(EvaluationInputError, match="cluster") as error:
        twfe(data, "y", "treated", "person", "period", wild_cluster_bootstrap=True)
    assert error.value.column == "cluster"


def test_twfe_codes_identifiers_of_any_kind_alike(data):
    """Dense integers, sparse integers and text keys code the same units and periods."""
    dense = twfe(data, "y", "treated", "person", "period", cluster="practice")
    sparse = data.assign(person=data["person"] * 1000 + 7, period=data["period"] - 3)
    text = data.assign(
        person="p" + data["person"].astype(str), practice="GP" + data["practice"].astype(str)
    )
    for other in (sparse, text):
        result = twfe(other, "y", "treated", "person", "period", cluster="practice")
        assert result.estimate == pytest.approx(dense.estimate, rel=1e-12)
        assert result.se == pytest.approx(dense.se, rel=1e-12)
        assert (result.n_units, result.n_periods) == (40, 6)
