"""Ordinary least squares through statsmodels, with the checks and the result shape shared by
the difference-in-differences and the baseline-adjusted QALY analyses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import statsmodels.api as sm

from linkwork.evaluation.results import Coefficient
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

SE_TYPES = ("classical", "hc1", "cluster")


def check_se(se: str, cluster: str | None) -> None:
    if se not in SE_TYPES:
        raise EvaluationInputError(
            f"se must be one of {', '.join(SE_TYPES)}; got {se!r}", column="se"
        )
    if se == "cluster" and cluster is None:
        raise EvaluationInputError(
            "se='cluster' needs cluster= naming the column that holds the clusters "
            "(for example the GP practice)",
            column="cluster",
        )
    if se != "cluster" and cluster is not None:
        raise EvaluationInputError(
            f"cluster= is only used with se='cluster' (se is {se!r})", column="cluster"
        )


@dataclass(frozen=True)
class Fit:
    results: Any
    """statsmodels RegressionResults."""
    names: tuple[str, ...]
    frame: pd.DataFrame
    dropped: int
    n_clusters: int | None
    se_type: str


def check_rank(x: npt.NDArray[np.float64], names: Sequence[str]) -> None:
    """Name the first column that the columns before it already explain.

    Ranks are taken of the small cross-product matrix X'X (same rank as X), not of X.
    """
    gram = x.T @ x
    if np.linalg.matrix_rank(gram) == x.shape[1]:
        return
    for k in range(2, x.shape[1] + 1):
        if np.linalg.matrix_rank(gram[:k, :k]) < k:
            raise EvaluationInputError(
                f"column {names[k - 1]!r} is constant or a combination of the other "
                "columns in the model, so its effect cannot be estimated",
                column=names[k - 1],
            )


def fit_ols(
    df: pd.DataFrame,
    *,
    outcome: str,
    binary_columns: Sequence[str],
    covariates: Sequence[str] = (),
    interactions: Sequence[tuple[str, str]] = (),
    se: str,
    cluster: str | None,
    what: str,
    check: Callable[[pd.DataFrame], None] | None = None,
) -> Fit:
    df = require_frame(df)
    check_se(se, cluster)
    covariates = tuple(covariates)
    used = [outcome, *binary_columns, *covariates]
    require_columns(df, [*used, cluster])
    for column in covariates:
        if column in (outcome, *binary_columns):
            raise EvaluationInputError(
                f"column {column!r} is given as a covariate and as a model term", column=column
            )
    frame, dropped = complete_rows(df, used + ([cluster] if cluster else []))
    names = ("const", *binary_columns, *(f"{a}:{b}" for a, b in interactions), *covariates)
    require_rows(len(frame), len(names) + 1, what, column=outcome)
    y = numeric(frame, outcome)
    indicators = {column: binary(frame, column) for column in binary_columns}
    columns = [np.ones(len(frame)), *indicators.values()]
    columns += [indicators[a] * indicators[b] for a, b in interactions]
    columns += [numeric(frame, column) for column in covariates]
    if check is not None:
        check(frame)
    x = np.column_stack(columns)
    check_rank(x, names)
    model = sm.OLS(y, x)
    n_clusters = None
    if se == "cluster":
        assert cluster is not None
        groups, n_clusters = codes(frame, cluster)
        require_clusters(n_clusters, cluster)
        results = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        se_type = f"cluster-robust by {cluster} (CR1, Stata's small-sample correction)"
    elif se == "hc1":
        results = model.fit(cov_type="HC1", use_t=True)
        se_type = "heteroskedasticity-robust (HC1)"
    else:
        results = model.fit()
        se_type = "classical"
    return Fit(results, names, frame, dropped, n_clusters, se_type)


def coefficients(fit: Fit) -> tuple[Coefficient, ...]:
    res = fit.results
    intervals = np.asarray(res.conf_int(alpha=0.05))
    return tuple(
        Coefficient(
            name=name,
            estimate=float(res.params[i]),
            se=float(res.bse[i]),
            ci_low=float(intervals[i, 0]),
            ci_high=float(intervals[i, 1]),
            p_value=float(res.pvalues[i]),
            n=int(res.nobs),
        )
        for i, name in enumerate(fit.names)
    )


def regression_fields(fit: Fit, term: str) -> dict[str, Any]:
    """The RegressionResult fields for the coefficient on ``term``."""
    coefs = coefficients(fit)
    chosen = coefs[fit.names.index(term)]
    df_t = getattr(fit.results, "df_resid_inference", None) or fit.results.df_resid
    return {
        "estimate": chosen.estimate,
        "se": chosen.se,
        "ci_low": chosen.ci_low,
        "ci_high": chosen.ci_high,
        "n": int(fit.results.nobs),
        "term": term,
        "p_value": chosen.p_value,
        "se_type": fit.se_type,
        "df": float(df_t),
        "n_clusters": fit.n_clusters,
        "n_dropped": fit.dropped,
        "coefficients": coefs,
    }
