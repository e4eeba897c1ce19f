"""Cluster-robust and HC1 errors of `did` against statsmodels' own fit and against the
sandwich formula written out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from linkwork.evaluation import did


@pytest.fixture(scope="module")
def practices():
    """Twelve practices, half of them treated, people seen before and after."""
    rng = np.random.default_rng(20240601)
    rows = []
    for practice in range(12):
        treated = int(practice < 6)
        shock = rng.normal(0, 0.8)
        for person in range(15):
            for post in (0, 1):
                y = 50 + 2 * treated + 1.5 * post - 3 * treated * post + shock
                rows.append(
                    {
                        "practice": f"P{practice:02d}",
                        "treated": treated,
                        "post": post,
                        "age": 40 + person,
                        "y": y + rng.normal(0, 2 + treated),
                    }
                )
    return pd.DataFrame(rows)


def test_did_cluster_se_matches_statsmodels_cluster_fit(practices):
    ours = did(practices, "y", "treated", "post", covariates=("age",), cluster="practice")
    theirs = smf.ols("y ~ treated * post + age", data=practices).fit(
        cov_type="cluster",
        cov_kwds={"groups": pd.factorize(practices["practice"])[0]},
        use_t=True,
    )
    assert ours.estimate == pytest.approx(theirs.params["treated:post"], rel=1e-12)
    assert ours.se == pytest.approx(theirs.bse["treated:post"], rel=1e-10)
    low, high = theirs.conf_int().loc["treated:post"]
    assert (ours.ci_low, ours.ci_high) == pytest.approx((low, high), rel=1e-10)
    assert ours.n_clusters == 12
    assert ours.df == 11  # t with G - 1 degrees of freedom, as Stata


def test_did_cluster_se_matches_the_sandwich_formula_by_hand(practices):
    """V = G/(G-1) (N-1)/(N-K) (X'X)^-1 [sum_g X_g' u_g u_g' X_g] (X'X)^-1 (Stata's CR1)."""
    result = did(practices, "y", "treated", "post", cluster="practice")
    d, p = practices["treated"].to_numpy(float), practices["post"].to_numpy(float)
    x = np.column_stack([np.ones(len(d)), d, p, d * p])
    y = practices["y"].to_numpy(float)
    bread = np.linalg.inv(x.T @ x)
    beta = bread @ x.T @ y
    u = y - x @ beta
    meat = np.zeros((4, 4))
    for _, rows in practices.groupby("practice").indices.items():
        score = x[rows].T @ u[rows]
        meat += np.outer(score, score)
    n, k, g = len(y), 4, 12
    v = g / (g - 1) * (n - 1) / (n - k) * bread @ meat @ bread
    assert result.estimate == pytest.approx(beta[3], rel=1e-12)
    assert result.se == pytest.approx(np.sqrt(v[3, 3]), rel=1e-10)


def test_did_hc1_and_classical_match_statsmodels(practices):
    formula = smf.ols("y ~ treated * post", data=practices)
    hc1 = did(practices, "y", "treated", "post", se="hc1")
    assert hc1.se == pytest.approx(formula.fit(cov_type="HC1").bse["treated:post"], rel=1e-10)
    classical = did(practices, "y", "treated", "post", se="classical")
    assert classical.se == pytest.approx(formula.fit().bse["treated:post"], rel=1e-10)
    assert classical.n_clusters is None


def test_did_drops_rows_with_missing_values_and_counts_them(practices):
    gappy = practices.copy()
    gappy.loc[[0, 5, 9], "y"] = np.nan
    result = did(gappy, "y", "treated", "post", cluster="practice")
    assert result.n == len(practices) - 3
    assert result.n_dropped == 3


def test_did_result_is_json_safe(practices):
    import json

    result = did(practices, "y", "treated", "post", cluster="practice")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["kind"] == "DidResult"
    assert data["estimate"] == pytest.approx(result.estimate)
    assert {c["name"] for c in data["coefficients"]} == {
        "const",
        "treated",
        "post",
        "treated:post",
    }
