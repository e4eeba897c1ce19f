"""Two-way fixed effects and its event-study form, on person-period (or practice-period) panels.

Unit and period effects are absorbed by demeaning (``fixed_effects.py``), so a panel of a
million rows and a hundred thousand people fits in memory and seconds. The regression on the
demeaned data is statsmodels OLS; its covariance is rescaled so the small-sample factor counts
the absorbed effects as fixest (and Stata's reghdfe) do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from linkwork.evaluation.fixed_effects import (
    Groups,
    absorbed_parameters,
    balanced,
    demean,
    dof_k,
)
from linkwork.evaluation.regression import check_rank
from linkwork.evaluation.results import Coefficient, EventStudyResult, TwfeResult
from linkwork.evaluation.validation import (
    EvaluationInputError,
    binary,
    codes,
    complete_rows,
    numeric,
    require_clusters,
    require_columns,
    require_frame,
    require_rows,
)
from linkwork.evaluation.wild import WEIGHTS, wild_cluster_bootstrap_test

Regressors = Callable[[pd.DataFrame, Groups, Groups], tuple[npt.NDArray[np.float64], list[str]]]


@dataclass(frozen=True)
class AbsorbedFit:
    names: list[str]
    params: npt.NDArray[np.float64]
    cov: npt.NDArray[np.float64]
    df_t: float
    results: Any
    y: npt.NDArray[np.float64]
    x: npt.NDArray[np.float64]
    units: Groups
    periods: Groups
    cluster_codes: npt.NDArray[np.intp] | None
    n_clusters: int | None
    k: int
    absorbed: int
    sweeps: int
    dropped: int
    se_type: str

    @property
    def n(self) -> int:
        return len(self.y)

    def coefficient(self, j: int, *, name: str | None = None) -> Coefficient:
        se = float(np.sqrt(self.cov[j, j]))
        estimate = float(self.params[j])
        return _coefficient(name or self.names[j], estimate, se, self.df_t, self.n)


def _coefficient(name: str, estimate: float, se: float, df_t: float, n: int) -> Coefficient:
    half = float(stats.t.ppf(0.975, df_t)) * se
    p_value = float(2 * stats.t.sf(abs(estimate / se), df_t)) if se > 0 else float("nan")
    return Coefficient(
        name=name,
        estimate=estimate,
        se=se,
        ci_low=estimate - half,
        ci_high=estimate + half,
        p_value=p_value,
        n=n,
    )


def _fit_absorbed(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    unit: str,
    time: str,
    cluster: str | None,
    regressors: Regressors,
) -> AbsorbedFit:
    df = require_frame(df)
    require_columns(df, (outcome, treatment, unit, time, cluster))
    used = [outcome, treatment, unit, time] + ([cluster] if cluster else [])
    frame, dropped = complete_rows(df, used)
    require_rows(len(frame), 3, "two-way fixed effects", column=outcome)
    y = numeric(frame, outcome)
    units = Groups.of_column(frame, unit)
    periods = Groups.of_column(frame, time)
    if units.size < 2:
        raise EvaluationInputError(f"column {unit!r} has a single unit", column=unit)
    if periods.size < 2:
        raise EvaluationInputError(f"column {time!r} has a single period", column=time)
    x, names = regressors(frame, units, periods)
    cluster_codes, n_clusters = (None, None)
    if cluster is not None:
        cluster_codes, n_clusters = codes(frame, cluster)
        require_clusters(n_clusters, cluster)
    exact = balanced(units, periods)
    absorbed = absorbed_parameters(units, periods, exact=exact)
    k_dof = dof_k(x.shape[1], units, periods, cluster_codes, absorbed)
    n = len(y)
    if n - k_dof < 1:
        raise EvaluationInputError(
            f"{n} rows cannot fit {k_dof} parameters (fixed effects included)", column=outcome
        )
    stacked = np.empty((n, 1 + x.shape[1]), order="F")
    stacked[:, 0] = y
    stacked[:, 1:] = x
    demeaned, sweeps = demean(stacked, units, periods, in_place=True, exact=exact)
    y_dm = demeaned[:, 0]
    x_dm = np.ascontiguousarray(demeaned[:, 1:])  # statsmodels works on C-ordered arrays
    scale = np.abs(x).max(axis=0)
    for j, name in enumerate(names):
        if np.abs(x_dm[:, j]).max() <= 1e-9 * max(scale[j], 1.0):
            raise EvaluationInputError(
                f"{name!r} does not vary once unit and period effects are taken out (every "
                "unit is treated, or none, or all start together with no comparison), so "
                "its effect cannot be estimated",
                column=treatment,
            )
    if x.shape[1] > 1:
        check_rank(x_dm, names)
    # Demeaned columns hold no constant (each sums to zero), so statsmodels need not look for
    # one: its search is a singular value decomposition of the whole panel, twice.
    model = sm.OLS(y_dm, x_dm, hasconst=False)
    k = x.shape[1]
    if cluster_codes is None:
        model.df_resid = n - k_dof  # the absorbed effects use up degrees of freedom too
        results = model.fit()
        cov = np.asarray(results.cov_params())
        df_t = float(n - k_dof)
        se_type = "classical (absorbed effects counted in the degrees of freedom)"
    else:
        assert n_clusters is not None
        results = model.fit(cov_type="cluster", cov_kwds={"groups": cluster_codes}, use_t=True)
        # statsmodels' CR1 factor is G/(G-1) (n-1)/(n-k) with k the demeaned regressors;
        # fixest and reghdfe use n-K with K counting the effects not nested in the clusters.
        cov = np.asarray(results.cov_params()) * (n - k) / (n - k_dof)
        df_t = float(n_clusters - 1)
        se_type = f"cluster-robust by {cluster} (CR1, fixest/reghdfe small-sample correction)"
    return AbsorbedFit(
        names=names,
        params=np.asarray(results.params, dtype=np.float64),
        cov=cov,
        df_t=df_t,
        results=results,
        y=y_dm,
        x=x_dm,
        units=units,
        periods=periods,
        cluster_codes=cluster_codes,
        n_clusters=n_clusters,
        k=k_dof,
        absorbed=absorbed,
        sweeps=sweeps,
        dropped=dropped,
        se_type=se_type,
    )


def twfe(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    unit: str,
    time: str,
    *,
    cluster: str | None = None,
    wild_cluster_bootstrap: bool = False,
    bootstrap_weights: str = "rademacher",
    B: int = 9999,
    seed: int | None = None,
) -> TwfeResult:
    """``outcome ~ treatment + unit effects + period effects``; the estimate is on treatment.

    ``treatment`` is a 0/1 column (1 in the periods a unit is treated). With ``cluster=``
    the errors are cluster-robust (CR1 with fixest's small-sample correction, t with G - 1
    degrees of freedom); without, classical. ``wild_cluster_bootstrap=True`` (needs
    ``cluster``) replaces the p-value and interval with the restricted wild cluster bootstrap
    (WCR, null imposed; ``bootstrap_weights`` ``"rademacher"`` or ``"webb"``, ``B`` draws,
    seedable), which holds its size with few clusters (Cameron, Gelbach and Miller 2008).
    """
    if wild_cluster_bootstrap and cluster is None:
        raise EvaluationInputError(
            "wild_cluster_bootstrap=True needs cluster= naming the clusters", column="cluster"
        )
    if bootstrap_weights not in WEIGHTS:
        raise EvaluationInputError(
            f"bootstrap_weights must be one of {', '.join(WEIGHTS)}; got {bootstrap_weights!r}",
            column="bootstrap_weights",
        )

    def regressors(
        frame: pd.DataFrame, units: Groups, periods: Groups
    ) -> tuple[npt.NDArray[np.float64], list[str]]:
        return binary(frame, treatment).reshape(-1, 1), [treatment]

    fit = _fit_absorbed(df, outcome, treatment, unit, time, cluster, regressors)
    main = fit.coefficient(0)
    analytic_ci = (float(main.ci_low or 0.0), float(main.ci_high or 0.0))
    ci = analytic_ci
    p_value = float(main.p_value or 0.0)
    inference = "analytic, t with " + f"{fit.df_t:g} degrees of freedom"
    bootstrap = None
    if wild_cluster_bootstrap:
        assert fit.cluster_codes is not None
        assert fit.n_clusters is not None
        bootstrap = wild_cluster_bootstrap_test(
            y=fit.y,
            x=fit.x,
            j=0,
            units=fit.units,
            periods=fit.periods,
            clusters=fit.cluster_codes,
            n_clusters=fit.n_clusters,
            adjustment=_cluster_factor(fit),
            weights=bootstrap_weights,
            B=B,
            seed=seed,
        )
        ci = (bootstrap["ci_low"], bootstrap["ci_high"])
        p_value = bootstrap["p_value"]
        inference = (
            f"wild cluster bootstrap (WCR, {bootstrap_weights} weights, "
            f"{bootstrap['B']} draws), interval by test inversion"
        )
    return TwfeResult(
        estimate=main.estimate,
        se=main.se,
        ci_low=ci[0],
        ci_high=ci[1],
        n=fit.n,
        term=treatment,
        p_value=p_value,
        se_type=fit.se_type,
        df=fit.df_t,
        n_clusters=fit.n_clusters,
        n_dropped=fit.dropped,
        coefficients=(main,),
        n_units=fit.units.size,
        n_periods=fit.periods.size,
        absorbed=fit.absorbed,
        dof_k=fit.k,
        iterations=fit.sweeps,
        inference=inference,
        analytic_ci=analytic_ci,
        analytic_p_value=float(main.p_value or 0.0),
        bootstrap=bootstrap,
    )


def _cluster_factor(fit: AbsorbedFit) -> float:
    g = float(fit.n_clusters or 0)
    return g / (g - 1) * (fit.n - 1) / (fit.n - fit.k)


def event_study(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    unit: str,
    time: str,
    *,
    leads: int = 3,
    lags: int = 3,
    cluster: str | None = None,
) -> EventStudyResult:
    """Two-way fixed effects with one coefficient per period relative to treatment start.

    Periods are ordered by sorting ``time``. Relative period -1 is the reference; leads run
    -``leads`` .. -2 (the first binning every earlier period), lags 0 .. ``lags`` (the last
    binning every later one). Treatment must be absorbing (once 1, a unit stays 1); units
    never treated are the comparison. If parallel trends hold, the leads are near zero:
    ``pretrend_p_value`` is the joint F test that they all are.
    """
    if leads < 1 or lags < 0:
        raise EvaluationInputError(
            "leads must be at least 1 (period -1 is the reference) and lags at least 0",
            column="leads" if leads < 1 else "lags",
        )
    relative = [r for r in range(-leads, lags + 1) if r != -1]
    names = [f"t{r:+d}" if r else "t0" for r in relative]

    def regressors(
        frame: pd.DataFrame, units: Groups, periods: Groups
    ) -> tuple[npt.NDArray[np.float64], list[str]]:
        treated = binary(frame, treatment).astype(bool)
        order, _ = pd.factorize(frame[time], sort=True)
        first = np.full(units.size, np.iinfo(np.intp).max, dtype=np.intp)
        np.minimum.at(first, units.codes[treated], order[treated])
        start = first[units.codes]
        ever = start != np.iinfo(np.intp).max
        if np.any(ever & (order >= start) & ~treated):
            raise EvaluationInputError(
                f"column {treatment!r} goes back to 0 after a unit's treatment starts; an "
                "event study needs treatment that stays on",
                column=treatment,
            )
        rel = np.clip(order - start, -leads, lags)
        x = np.column_stack([(ever & (rel == r)).astype(np.float64) for r in relative])
        return x, names

    fit = _fit_absorbed(df, outcome, treatment, unit, time, cluster, regressors)
    periods = tuple(fit.coefficient(j) for j in range(len(names)))
    lead_index = [j for j, r in enumerate(relative) if r < -1]
    lag_index = [j for j, r in enumerate(relative) if r >= 0]
    weights = np.zeros(len(names))
    weights[lag_index] = 1.0 / len(lag_index)
    average = _coefficient(
        "mean of lags",
        float(weights @ fit.params),
        float(np.sqrt(weights @ fit.cov @ weights)),
        fit.df_t,
        fit.n,
    )
    pretrend_f = pretrend_df = pretrend_p = None
    if lead_index:
        restriction = np.zeros((len(lead_index), len(names)))
        restriction[np.arange(len(lead_index)), lead_index] = 1.0
        test = fit.results.f_test(restriction, cov_p=fit.cov)
        pretrend_f = float(np.squeeze(test.fvalue))
        pretrend_df = (float(test.df_num), float(test.df_denom))
        pretrend_p = float(test.pvalue)
    return EventStudyResult(
        estimate=average.estimate,
        se=average.se,
        ci_low=average.ci_low,
        ci_high=average.ci_high,
        n=fit.n,
        reference=-1,
        periods=periods,
        pretrend_f=pretrend_f,
        pretrend_df=pretrend_df,
        pretrend_p_value=pretrend_p,
        se_type=fit.se_type,
        n_clusters=fit.n_clusters,
        n_units=fit.units.size,
        n_periods=fit.periods.size,
        n_dropped=fit.dropped,
    )
