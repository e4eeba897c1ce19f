"""Typed results: every analysis answers with a frozen dataclass, never a bare tuple.

Each result has ``estimate``, ``se`` (None where no standard error is defined), ``ci_low``,
``ci_high`` (a 95% interval unless the result says otherwise), ``n`` and ``to_dict()``, whose
output is JSON-safe: NumPy numbers become Python numbers, NaN and infinities become None, and
bulky arrays (bootstrap replicates) are left out.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np


def json_safe(value: Any) -> Any:
    """The value with NumPy scalars, NaN and tuples turned into what JSON can hold."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return [json_safe(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_dict(value)
    return value


def to_dict(result: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": type(result).__name__}
    for field in dataclasses.fields(result):
        if field.metadata.get("in_dict", True):
            out[field.name] = json_safe(getattr(result, field.name))
    return out


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class Result:
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class Coefficient(Result):
    """One regression coefficient with its inference."""

    name: str
    p_value: float | None


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class ChangeResult(Result):
    """Mean within-person change (after minus before) with a t interval."""

    p_value: float
    sd_change: float
    effect_size: float | None
    """Mean change over the baseline standard deviation (Kazis et al. 1989)."""
    standardised_response_mean: float | None
    """Mean change over the standard deviation of the change."""
    mcid: float | None
    share_improved: float | None
    """Share of complete pairs improving by at least ``mcid`` (None without one)."""
    higher_is_better: bool
    n_rows: int
    n_before: int
    n_after: int
    attrition: int
    """People with a baseline value but no follow-up."""
    attrition_rate: float | None


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class RegressionResult(Result):
    """An effect from a regression: the estimate is the coefficient named ``term``."""

    term: str
    p_value: float | None
    se_type: str
    df: float
    """Degrees of freedom of the t distribution behind the p-value and interval."""
    n_clusters: int | None
    n_dropped: int
    """Rows left out for a missing value in a column the analysis uses."""
    coefficients: tuple[Coefficient, ...]


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class DidResult(RegressionResult):
    cell_means: dict[str, float]
    """Mean outcome in each of the four treated x post cells."""


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class TwfeResult(RegressionResult):
    n_units: int
    n_periods: int
    absorbed: int
    """Fixed-effect parameters absorbed (units + periods - connected sets)."""
    dof_k: int
    """K in the (n - 1) / (n - K) adjustment (fixest's fixef.K = "nested")."""
    iterations: int
    """Alternating-projection sweeps the demeaning took."""
    inference: str
    """How ci_low, ci_high and p_value were made (analytic, or the wild cluster bootstrap)."""
    analytic_ci: tuple[float, float]
    analytic_p_value: float
    bootstrap: dict[str, Any] | None


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class EventStudyResult(Result):
    """Leads and lags around the first treated period; the reference period is -1.

    ``estimate`` and its interval are the mean of the lag coefficients (the average effect
    after treatment starts); the pre-trend test asks whether all leads are zero.
    """

    reference: int
    periods: tuple[Coefficient, ...]
    pretrend_f: float | None
    pretrend_df: tuple[float, float] | None
    pretrend_p_value: float | None
    se_type: str
    n_clusters: int | None
    n_units: int
    n_periods: int
    n_dropped: int


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class IcerResult(Result):
    """Incremental cost-effectiveness ratio with its quadrant named.

    ``status`` is one of ``cost_per_qaly_gained`` (costs more, gains QALYs),
    ``saving_per_qaly_lost`` (costs less, loses QALYs), ``dominant`` (no dearer and no worse,
    better or cheaper), ``dominated`` (no cheaper and no better, worse or dearer) and
    ``no_difference``. ``estimate`` is None when dominant, dominated or no different: a ratio
    there would mislead.
    """

    status: str
    delta_cost: float
    delta_qaly: float


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class NmbResult(Result):
    """Net monetary benefit at one threshold: threshold x dQALY - dCost."""

    threshold: float
    probability_cost_effective: float | None


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class InteractionTest:
    method: str
    statistic: float | None
    df: int | None
    p_value: float | None
    note: str

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class Subgroup:
    level: Any
    n: int
    result: Any
    """The analysis's own result for the rows of this level."""

    def to_dict(self) -> dict[str, Any]:
        return to_dict(self)


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class SubgroupsResult(Result):
    """Per-level results, the inverse-variance pooled estimate and a heterogeneity test."""

    by: str
    subgroups: tuple[Subgroup, ...]
    skipped: dict[str, str]
    """Levels the analysis could not run on, with the reason."""
    n_missing: int
    interaction: InteractionTest
