"""The same analysis in each subgroup (deprivation quintile, ethnic group, comorbidity count),
with a test of whether the effect differs between them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from linkwork.evaluation.results import InteractionTest, Subgroup, SubgroupsResult
from linkwork.evaluation.validation import (
    EvaluationInputError,
    require_columns,
    require_frame,
)


def subgroups(fn: Callable[[pd.DataFrame], Any], df: pd.DataFrame, by: str) -> SubgroupsResult:
    """Run ``fn`` on the rows of each level of ``by`` and test the estimates for interaction.

    ``fn`` takes a data frame and returns a result with ``estimate`` and ``se`` (for example
    ``lambda d: did(d, "hba1c", "treated", "post", cluster="practice")``). A level the
    analysis cannot run on (too few rows, a missing cell) is listed in ``skipped`` with the
    reason. The interaction test is Cochran's Q across the subgroup estimates (chi-squared on
    levels - 1 degrees of freedom; Altman and Bland 2003), which treats the subgroups as
    independent samples; ``estimate`` is their inverse-variance pooled effect.
    """
    df = require_frame(df)
    require_columns(df, (by,))
    if not callable(fn):
        raise EvaluationInputError("fn must be a function of a data frame", column="fn")
    present = df[by].notna()
    n_missing = int((~present).sum())
    groups: list[Subgroup] = []
    skipped: dict[str, str] = {}
    for level, part in df.loc[present].groupby(by, sort=True, observed=True):
        try:
            result = fn(part)
        except EvaluationInputError as error:
            skipped[str(level)] = str(error)
            continue
        groups.append(Subgroup(level=_plain(level), n=len(part), result=result))
    if not groups:
        raise EvaluationInputError(
            f"the analysis ran in no level of {by!r}: {skipped or 'no rows'}", column=by
        )
    usable = [
        g
        for g in groups
        if getattr(g.result, "se", None) is not None
        and getattr(g.result, "estimate", None) is not None
        and np.isfinite(g.result.se)
        and g.result.se > 0
    ]
    pooled: float | None = None
    pooled_se = low = high = None
    estimates = np.array([g.result.estimate for g in usable], dtype=np.float64)
    weights = 1.0 / np.array([g.result.se for g in usable], dtype=np.float64) ** 2
    if len(usable) >= 1:
        centre = float(np.sum(weights * estimates) / np.sum(weights))
        pooled_se = float(np.sqrt(1.0 / np.sum(weights)))
        half = float(stats.norm.ppf(0.975)) * pooled_se
        pooled, low, high = centre, centre - half, centre + half
    if len(usable) >= 2:
        q = float(np.sum(weights * (estimates - centre) ** 2))
        dof = len(usable) - 1
        test = InteractionTest(
            method="Cochran's Q (heterogeneity of subgroup estimates)",
            statistic=q,
            df=dof,
            p_value=float(stats.chi2.sf(q, dof)),
            note="assumes the subgroups are independent samples",
        )
    else:
        test = InteractionTest(
            method="Cochran's Q (heterogeneity of subgroup estimates)",
            statistic=None,
            df=None,
            p_value=None,
            note="needs at least two subgroups with a standard error",
        )
    return SubgroupsResult(
        estimate=pooled,
        se=pooled_se,
        ci_low=low,
        ci_high=high,
        n=int(present.sum()),
        by=by,
        subgroups=tuple(groups),
        skipped=skipped,
        n_missing=n_missing,
        interaction=test,
    )


def _plain(level: Any) -> Any:
    if isinstance(level, tuple) and len(level) == 1:
        level = level[0]
    return level.item() if isinstance(level, np.generic) else level
