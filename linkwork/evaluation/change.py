"""Pre/post change within people: the simplest evaluation, and the one every scheme can run."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.weightstats import DescrStatsW

from linkwork.evaluation.results import ChangeResult
from linkwork.evaluation.validation import (
    EvaluationInputError,
    numeric,
    require_columns,
    require_frame,
    require_rows,
)


def paired_change(
    df: pd.DataFrame,
    before: str,
    after: str,
    *,
    mcid: float | None = None,
    higher_is_better: bool = True,
) -> ChangeResult:
    """Mean change from ``before`` to ``after`` over the people with both values.

    The interval is the t interval of the mean paired difference. People with a baseline but
    no follow-up are counted as attrition (and left out: the change assumes they would have
    changed as the others did). ``mcid`` is the minimal important difference, in the
    measure's units; ``higher_is_better=False`` for measures where lower is better (PHQ-9).
    """
    df = require_frame(df)
    require_columns(df, (before, after))
    if mcid is not None and not (np.isfinite(mcid) and mcid >= 0):
        raise EvaluationInputError(
            f"mcid must be a non-negative number, got {mcid!r}", column="mcid"
        )
    has_before = df[before].notna().to_numpy()
    has_after = df[after].notna().to_numpy()
    both = has_before & has_after
    pairs = df.loc[both]
    require_rows(len(pairs), 2, f"paired change of {before!r} to {after!r}", column=after)
    first = numeric(pairs, before)
    second = numeric(pairs, after)
    change = second - first
    stats = DescrStatsW(change)
    low, high = stats.tconfint_mean(alpha=0.05)
    _, p_value = stats.ttest_mean(0.0)[:2]
    sd_change = float(np.std(change, ddof=1))
    sd_before = float(np.std(first, ddof=1))
    mean = float(stats.mean)
    direction = 1.0 if higher_is_better else -1.0
    n_before = int(has_before.sum())
    attrition = int((has_before & ~has_after).sum())
    return ChangeResult(
        estimate=mean,
        se=float(stats.std_mean),
        ci_low=float(low),
        ci_high=float(high),
        n=len(change),
        p_value=float(p_value) if np.isfinite(p_value) else float("nan"),
        sd_change=sd_change,
        effect_size=mean / sd_before if sd_before > 0 else None,
        standardised_response_mean=mean / sd_change if sd_change > 0 else None,
        mcid=mcid,
        share_improved=(float(np.mean(direction * change >= mcid)) if mcid is not None else None),
        higher_is_better=higher_is_better,
        n_rows=len(df),
        n_before=n_before,
        n_after=int(has_after.sum()),
        attrition=attrition,
        attrition_rate=attrition / n_before if n_before else None,
    )
