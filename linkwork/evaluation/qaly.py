"""Quality-adjusted life years from utilities over time, and their baseline-adjusted difference."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from linkwork.evaluation.regression import fit_ols, regression_fields
from linkwork.evaluation.results import RegressionResult
from linkwork.evaluation.validation import EvaluationInputError


def qaly_auc(
    utilities: Sequence[float] | npt.ArrayLike, times_years: Sequence[float] | npt.ArrayLike
) -> float | npt.NDArray[np.float64]:
    """QALYs as the area under the utility curve (trapezium rule), times in years.

    ``utilities`` is one person's values at ``times_years`` (a float back), or a 2-D array with
    one row per person and one column per time (an array of QALYs back). Times must increase.
    """
    times = np.asarray(times_years, dtype=np.float64)
    values = np.asarray(utilities, dtype=np.float64)
    if times.ndim != 1 or times.size < 2:
        raise EvaluationInputError("times_years needs at least two times", column="times_years")
    if not np.all(np.diff(times) > 0):
        raise EvaluationInputError("times_years must increase", column="times_years")
    if values.shape[-1] != times.size or values.ndim not in (1, 2):
        raise EvaluationInputError(
            f"utilities must have {times.size} values per person (one per time), "
            f"got shape {values.shape}",
            column="utilities",
        )
    if not np.isfinite(values).all():
        raise EvaluationInputError(
            "utilities has missing values; impute or drop them first", column="utilities"
        )
    areas = np.trapezoid(values, times, axis=-1)
    return float(areas) if values.ndim == 1 else np.asarray(areas, dtype=np.float64)


def incremental_qalys(
    df: pd.DataFrame,
    qaly: str,
    arm: str,
    *,
    baseline_utility: str,
    se: str = "hc1",
    cluster: str | None = None,
) -> RegressionResult:
    """QALY difference between arms adjusted for baseline utility (Manca et al. 2005).

    The regression ``qaly ~ arm + baseline_utility``; the estimate is the coefficient on the
    arm (1 = intervention). Adjusting matters because QALYs carry baseline imbalance forward.
    """
    fit = fit_ols(
        df,
        outcome=qaly,
        binary_columns=(arm,),
        covariates=(baseline_utility,),
        se=se,
        cluster=cluster,
        what="incremental QALYs",
    )
    return RegressionResult(**regression_fields(fit, arm))
