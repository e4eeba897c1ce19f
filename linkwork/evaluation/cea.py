"""Cost-effectiveness: the ICER and net monetary benefit, and the non-parametric bootstrap
that puts intervals on them (Briggs, Wonderling and Mooney 1997)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from linkwork.evaluation.results import IcerResult, NmbResult, Result
from linkwork.evaluation.validation import (
    EvaluationInputError,
    binary,
    codes,
    complete_rows,
    numeric,
    require_columns,
    require_frame,
    require_rows,
)

THRESHOLDS = (20_000.0, 30_000.0)
"""NICE's range in GBP per QALY (NICE PMG36, 2022, section 4.10)."""
_INDEX = np.int32
"""Resample indices: 32 bits draw faster than 64 and hold any arm a scheme will have."""
_CHUNK_ELEMENTS = 2_000_000
"""Resampled rows held at once: replicates are drawn in chunks of about this many values."""


def _status(delta_cost: float, delta_qaly: float) -> str:
    if delta_qaly == 0 and delta_cost == 0:
        return "no_difference"
    if delta_qaly >= 0 and delta_cost <= 0:
        return "dominant"
    if delta_qaly <= 0 and delta_cost >= 0:
        return "dominated"
    return "cost_per_qaly_gained" if delta_qaly > 0 else "saving_per_qaly_lost"


def icer(delta_cost: float, delta_qaly: float) -> IcerResult:
    """Incremental cost per QALY, with the quadrant named rather than a misleading ratio.

    A negative ratio means either "cheaper and better" or "dearer and worse": two opposite
    findings, so those cases (and a zero QALY difference) come back as ``dominant`` or
    ``dominated`` with ``estimate`` None.
    """
    for name, value in (("delta_cost", delta_cost), ("delta_qaly", delta_qaly)):
        if not isinstance(value, int | float | np.number) or not math.isfinite(float(value)):
            raise EvaluationInputError(
                f"{name} must be a finite number, got {value!r}", column=name
            )
    dc, dq = float(delta_cost), float(delta_qaly)
    status = _status(dc, dq)
    ratio = dc / dq if status in ("cost_per_qaly_gained", "saving_per_qaly_lost") else None
    return IcerResult(
        estimate=ratio,
        se=None,
        ci_low=None,
        ci_high=None,
        n=0,
        status=status,
        delta_cost=dc,
        delta_qaly=dq,
    )


def nmb(delta_cost: float, delta_qaly: float, threshold: float) -> NmbResult:
    """Net monetary benefit ``threshold x delta_qaly - delta_cost``: positive is cost-effective."""
    for name, value in (
        ("delta_cost", delta_cost),
        ("delta_qaly", delta_qaly),
        ("threshold", threshold),
    ):
        if not isinstance(value, int | float | np.number) or not math.isfinite(float(value)):
            raise EvaluationInputError(
                f"{name} must be a finite number, got {value!r}", column=name
            )
    if threshold < 0:
        raise EvaluationInputError("threshold must not be negative", column="threshold")
    value = float(threshold) * float(delta_qaly) - float(delta_cost)
    return NmbResult(
        estimate=value,
        se=None,
        ci_low=None,
        ci_high=None,
        n=0,
        threshold=float(threshold),
        probability_cost_effective=None,
    )


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class Difference(Result):
    """A between-arm difference with its bootstrap standard error and percentile interval."""


@dataclasses.dataclass(frozen=True, kw_only=True, eq=False)
class CeaResult(Result):
    """The bootstrap cost-effectiveness analysis.

    ``estimate`` is the point ICER (None when dominant or dominated: see ``status``), and its
    interval the 2.5th and 97.5th percentiles of the replicate ICERs, given only when every
    replicate lies on the same side of zero QALYs (otherwise a ratio's percentiles mean
    nothing: read ``nmb`` and ``ceac`` instead).
    """

    status: str
    delta_cost: Difference
    delta_qaly: Difference
    nmb: tuple[NmbResult, ...]
    quadrants: dict[str, float]
    """Share of replicates in each quadrant of the cost-effectiveness plane."""
    icer_ci_note: str
    B: int
    seed: int
    resampled: str
    n_intervention: int
    n_control: int
    n_clusters: int | None
    baseline_adjusted: bool
    replicate_delta_cost: npt.NDArray[np.float64] = dataclasses.field(
        metadata={"in_dict": False}, repr=False
    )
    replicate_delta_qaly: npt.NDArray[np.float64] = dataclasses.field(
        metadata={"in_dict": False}, repr=False
    )

    @property
    def replicates(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"delta_cost": self.replicate_delta_cost, "delta_qaly": self.replicate_delta_qaly}
        )

    def ceac(self, thresholds: Sequence[float]) -> pd.DataFrame:
        """Probability that the intervention is cost-effective at each threshold."""
        lam = np.asarray(thresholds, dtype=np.float64)
        if lam.ndim != 1 or not np.isfinite(lam).all() or (lam < 0).any():
            raise EvaluationInputError(
                "thresholds must be non-negative numbers", column="thresholds"
            )
        benefit = lam[:, None] * self.replicate_delta_qaly[None, :] - self.replicate_delta_cost
        return pd.DataFrame(
            {"threshold": lam, "probability_cost_effective": (benefit > 0).mean(axis=1)}
        )


def _arm_sums(
    stats: npt.NDArray[np.float64], B: int, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    """Column sums of ``stats`` (units x statistics) over B resamples with replacement.

    The vectorised kernel: integer indices for a chunk of replicates at a time, one gather
    per statistic, summed along the resample. A statistic equal for every unit (the count of
    people, when people are resampled) is not gathered: its sum is known.
    """
    n_units, n_stats = stats.shape
    out = np.empty((B, n_stats))
    gathered = []
    for s in range(n_stats):
        column = np.ascontiguousarray(stats[:, s])
        if np.all(column == column[0]):
            out[:, s] = column[0] * n_units
        else:
            gathered.append((s, column))
    chunk = max(1, _CHUNK_ELEMENTS // n_units)
    for start in range(0, B, chunk):
        stop = min(B, start + chunk)
        index = rng.integers(0, n_units, size=(stop - start, n_units), dtype=_INDEX)
        for s, column in gathered:
            out[start:stop, s] = column[index].sum(axis=1)
    return out


def _differences(
    treated: npt.NDArray[np.float64], control: npt.NDArray[np.float64], adjusted: bool
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Cost and QALY differences from per-arm sums (rows are replicates).

    Columns: count, cost, qaly and, when adjusted, baseline, baseline^2, qaly x baseline.
    Adjusted QALYs are the arm coefficient of ``qaly ~ arm + baseline`` over both arms.
    """
    n1, n0 = treated[:, 0], control[:, 0]
    delta_cost = treated[:, 1] / n1 - control[:, 1] / n0
    if not adjusted:
        return delta_cost, treated[:, 2] / n1 - control[:, 2] / n0
    total = treated + control
    xtx = np.empty((len(n1), 3, 3))
    xtx[:, 0, 0], xtx[:, 0, 1], xtx[:, 0, 2] = total[:, 0], n1, total[:, 3]
    xtx[:, 1, 1], xtx[:, 1, 2], xtx[:, 2, 2] = n1, treated[:, 3], total[:, 4]
    xtx[:, 1, 0], xtx[:, 2, 0], xtx[:, 2, 1] = xtx[:, 0, 1], xtx[:, 0, 2], xtx[:, 1, 2]
    xty = np.stack([total[:, 2], treated[:, 2], total[:, 5]], axis=1)
    try:
        coefficients = np.linalg.solve(xtx, xty[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        coefficients = np.full((len(n1), 3), np.nan)
    return delta_cost, np.asarray(coefficients[:, 1], dtype=np.float64)


def _unit_stats(
    frame: pd.DataFrame,
    cost: str,
    qaly: str,
    baseline: str | None,
    cluster_codes: npt.NDArray[np.intp] | None,
) -> npt.NDArray[np.float64]:
    c = numeric(frame, cost)
    q = numeric(frame, qaly)
    columns = [np.ones(len(frame)), c, q]
    if baseline is not None:
        b = numeric(frame, baseline)
        columns += [b, b * b, q * b]
    stats = np.column_stack(columns)
    if cluster_codes is None:
        return stats
    # A cluster is resampled whole: its rows' sums are its statistics.
    _, dense = np.unique(cluster_codes, return_inverse=True)
    return np.column_stack([np.bincount(dense, weights=stats[:, s]) for s in range(stats.shape[1])])


def _summary(point: float, replicates: npt.NDArray[np.float64], n: int) -> Difference:
    low, high = np.percentile(replicates, [2.5, 97.5])
    return Difference(
        estimate=point,
        se=float(np.std(replicates, ddof=1)),
        ci_low=float(low),
        ci_high=float(high),
        n=n,
    )


def bootstrap_cea(
    df: pd.DataFrame,
    cost: str,
    qaly: str,
    arm: str,
    *,
    cluster: str | None = None,
    baseline_utility: str | None = None,
    B: int = 2000,
    seed: int | None = None,
    thresholds: Sequence[float] = THRESHOLDS,
) -> CeaResult:
    """Bootstrap the incremental cost and QALYs of ``arm`` 1 (intervention) over 0 (control).

    Each replicate resamples people with replacement within each arm (or, with ``cluster=``,
    whole clusters within each arm, the practices of a cluster trial), so arm sizes and the
    clustering are kept. With ``baseline_utility=`` the QALY difference in each replicate is
    the arm coefficient of ``qaly ~ arm + baseline_utility`` (Manca et al. 2005). ``seed``
    makes the run repeatable; without one a seed is drawn and reported in the result.
    """
    df = require_frame(df)
    if not isinstance(B, int) or B < 100:
        raise EvaluationInputError(
            f"B must be a whole number of at least 100, got {B!r}", column="B"
        )
    lam = np.asarray(thresholds, dtype=np.float64)
    if lam.ndim != 1 or not np.isfinite(lam).all() or (lam < 0).any():
        raise EvaluationInputError("thresholds must be non-negative numbers", column="thresholds")
    require_columns(df, (cost, qaly, arm, cluster, baseline_utility))
    used = [cost, qaly, arm] + [c for c in (cluster, baseline_utility) if c is not None]
    frame, _ = complete_rows(df, used)
    arms = binary(frame, arm).astype(bool)
    n1, n0 = int(arms.sum()), int((~arms).sum())
    require_rows(
        min(n1, n0), 2, f"each arm of {arm!r} (intervention {n1}, control {n0})", column=arm
    )
    cluster_codes = None
    n_clusters = None
    if cluster is not None:
        cluster_codes, n_clusters = codes(frame, cluster)
        arm_of = np.full(n_clusters, -1.0)
        arm_of[cluster_codes] = arms
        if np.any(arm_of[cluster_codes] != arms):
            raise EvaluationInputError(
                f"clusters in column {cluster!r} must each lie in one arm of {arm!r}",
                column=cluster,
            )
        for label, mask in (("intervention", arms), ("control", ~arms)):
            count = len(np.unique(cluster_codes[mask]))
            if count < 2:
                raise EvaluationInputError(
                    f"the {label} arm has {count} cluster(s) in column {cluster!r}; "
                    "resampling clusters needs at least 2 in each arm",
                    column=cluster,
                )
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(2, np.uint32).view(np.uint64)[0] >> 1)
    rng = np.random.default_rng(seed)
    adjusted = baseline_utility is not None
    sides = []
    for mask in (arms, ~arms):
        part = frame.loc[mask]
        part_codes = cluster_codes[mask] if cluster_codes is not None else None
        sides.append(_unit_stats(part, cost, qaly, baseline_utility, part_codes))
    point_cost, point_qaly = _differences(
        sides[0].sum(axis=0)[None, :], sides[1].sum(axis=0)[None, :], adjusted
    )
    if adjusted and not np.isfinite(point_qaly).all():
        raise EvaluationInputError(
            f"column {baseline_utility!r} does not vary, so it cannot adjust the QALYs",
            column=baseline_utility,
        )
    replicate_cost, replicate_qaly = _differences(
        _arm_sums(sides[0], B, rng), _arm_sums(sides[1], B, rng), adjusted
    )
    if not np.isfinite(replicate_qaly).all():
        raise EvaluationInputError(
            f"column {baseline_utility!r} is constant in some resamples, so it cannot adjust "
            "the QALYs; the sample is too small for a baseline-adjusted bootstrap",
            column=baseline_utility,
        )
    dc, dq = float(point_cost[0]), float(point_qaly[0])
    point = icer(dc, dq)
    quadrants = {
        "more_costly_more_effective": float(np.mean((replicate_cost > 0) & (replicate_qaly > 0))),
        "less_costly_more_effective": float(np.mean((replicate_cost <= 0) & (replicate_qaly > 0))),
        "more_costly_less_effective": float(np.mean((replicate_cost > 0) & (replicate_qaly <= 0))),
        "less_costly_less_effective": float(np.mean((replicate_cost <= 0) & (replicate_qaly <= 0))),
    }
    ci_low = ci_high = None
    if point.estimate is not None and np.all(np.sign(replicate_qaly) == np.sign(dq)):
        ratios = replicate_cost / replicate_qaly
        ci_low, ci_high = (float(v) for v in np.percentile(ratios, [2.5, 97.5]))
        note = "percentile interval of the replicate ICERs"
    elif point.estimate is None:
        note = f"no ICER: the point estimate is {point.status}"
    else:
        note = (
            "no ICER interval: replicates fall on both sides of zero QALY difference, where a "
            "ratio's percentiles mean nothing; read the NMB intervals and the CEAC"
        )
    benefits = []
    for threshold in lam:
        values = threshold * replicate_qaly - replicate_cost
        low, high = np.percentile(values, [2.5, 97.5])
        benefits.append(
            NmbResult(
                estimate=float(threshold * dq - dc),
                se=float(np.std(values, ddof=1)),
                ci_low=float(low),
                ci_high=float(high),
                n=n1 + n0,
                threshold=float(threshold),
                probability_cost_effective=float(np.mean(values > 0)),
            )
        )
    return CeaResult(
        estimate=point.estimate,
        se=None,
        ci_low=ci_low,
        ci_high=ci_high,
        n=n1 + n0,
        status=point.status,
        delta_cost=_summary(dc, replicate_cost, n1 + n0),
        delta_qaly=_summary(dq, replicate_qaly, n1 + n0),
        nmb=tuple(benefits),
        quadrants=quadrants,
        icer_ci_note=note,
        B=B,
        seed=seed,
        resampled=f"clusters ({cluster}) within arm" if cluster else "people within arm",
        n_intervention=n1,
        n_control=n0,
        n_clusters=n_clusters,
        baseline_adjusted=adjusted,
        replicate_delta_cost=replicate_cost,
        replicate_delta_qaly=replicate_qaly,
    )
