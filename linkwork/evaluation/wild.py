"""The restricted wild cluster bootstrap (WCR) for one coefficient of a fixed-effects fit.

With few clusters (the 24 practices of a study like SPRING_NE) cluster-robust t tests
over-reject; the wild cluster bootstrap with the null imposed keeps its size (Cameron,
Gelbach and Miller 2008; MacKinnon and Webb 2017). Each draw flips (Rademacher) or scales
(Webb's six-point weights) the restricted residuals of whole clusters and recomputes the
cluster-robust t statistic.

Everything a draw needs is linear in the cluster weights, so the draws are one matrix product
(the closed form behind Roodman et al.'s boottest): with ``b`` the tested regressor and ``a``
the outcome, both net of the fixed effects and the other regressors, and ``m_g`` the full
model's residual-maker applied to ``b`` on cluster ``g`` only, the score of cluster ``g`` in a
draw ``w`` is ``sum_h w_h Q_gh`` with ``Q_gh = sum over h's rows of m_g (a - beta0 b)``. The
``m_g`` cost one demeaning per cluster, which is why this is for tens of clusters, not
thousands; the interval comes from inverting the test.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq

from linkwork.evaluation.fixed_effects import Groups, balanced, demean
from linkwork.evaluation.validation import EvaluationInputError

WEIGHTS = ("rademacher", "webb")
MAX_CLUSTERS = 200
_WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
_CHUNK = 16


def draw_weights(
    kind: str, n_clusters: int, B: int, rng: np.random.Generator
) -> tuple[npt.NDArray[np.float64], bool]:
    """Cluster weights, one column per draw; every sign pattern when there are few enough."""
    if kind == "rademacher" and 2**n_clusters <= B:
        patterns = np.array(list(itertools.product((-1.0, 1.0), repeat=n_clusters)))
        return patterns.T.copy(), True
    if kind == "rademacher":
        return rng.choice(np.array([-1.0, 1.0]), size=(n_clusters, B)), False
    return rng.choice(_WEBB, size=(n_clusters, B)), False


def _residual_maker(x: npt.NDArray[np.float64]) -> Any:
    pinv = np.linalg.pinv(x)

    def apply(v: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return v - x @ (pinv @ v)

    return apply


def wild_cluster_bootstrap_test(
    *,
    y: npt.NDArray[np.float64],
    x: npt.NDArray[np.float64],
    j: int,
    units: Groups,
    periods: Groups,
    clusters: npt.NDArray[np.intp],
    n_clusters: int,
    adjustment: float,
    weights: str,
    B: int,
    seed: int | None,
    alpha: float = 0.05,
) -> dict[str, Any]:
    """Bootstrap p-value of ``beta_j = 0`` and the 95% interval by test inversion.

    ``y`` and ``x`` are already demeaned by the unit and period effects.
    """
    if n_clusters > MAX_CLUSTERS:
        raise EvaluationInputError(
            f"the wild cluster bootstrap here is for few clusters (at most {MAX_CLUSTERS}); "
            f"with {n_clusters} the analytic cluster-robust interval is reliable",
            column="cluster",
        )
    if B < 99:
        raise EvaluationInputError(f"B must be at least 99, got {B}", column="B")
    others = np.delete(x, j, axis=1)
    partial = _residual_maker(others) if others.shape[1] else (lambda v: v)
    a = partial(y)
    b = partial(x[:, j])
    bb = float(b @ b)
    beta = float(b @ a) / bb
    full = _residual_maker(x)
    score = np.bincount(clusters, weights=b * (a - beta * b), minlength=n_clusters)
    se = float(np.sqrt(adjustment * np.sum(score**2))) / bb

    exact = balanced(units, periods)
    q_a = np.empty((n_clusters, n_clusters))
    q_b = np.empty((n_clusters, n_clusters))
    for start in range(0, n_clusters, _CHUNK):
        block = list(range(start, min(start + _CHUNK, n_clusters)))
        masked = np.column_stack([np.where(clusters == g, b, 0.0) for g in block])
        m, _ = demean(masked, units, periods, exact=exact)
        m = full(m)
        for col, g in enumerate(block):
            q_a[g] = np.bincount(clusters, weights=m[:, col] * a, minlength=n_clusters)
            q_b[g] = np.bincount(clusters, weights=m[:, col] * b, minlength=n_clusters)
    c_a = np.bincount(clusters, weights=b * a, minlength=n_clusters)
    c_b = np.bincount(clusters, weights=b * b, minlength=n_clusters)

    rng = np.random.default_rng(seed)
    w, enumerated = draw_weights(weights, n_clusters, B, rng)
    cw_a, cw_b = c_a @ w, c_b @ w
    qw_a, qw_b = q_a @ w, q_b @ w
    root_adj = np.sqrt(adjustment)

    def p_value(beta0: float) -> float:
        t = (beta - beta0) / se
        numerator = cw_a - beta0 * cw_b
        spread = root_adj * np.sqrt(np.sum((qw_a - beta0 * qw_b) ** 2, axis=0))
        with np.errstate(divide="ignore", invalid="ignore"):
            t_star = np.abs(numerator) / spread
        t_star = np.where(spread > 0, t_star, np.inf)
        return float(np.mean(t_star >= abs(t) - 1e-12 * max(abs(t), 1.0)))

    def bound(direction: float) -> float:
        step = 2.0 * se
        for _ in range(60):
            far = beta + direction * step
            if p_value(far) < alpha:
                return float(brentq(lambda b0: p_value(b0) - alpha, beta, far, xtol=se * 1e-6))
            step *= 2.0
        return float(direction * np.inf)

    return {
        "weights": weights,
        "B": int(w.shape[1]),
        "enumerated": enumerated,
        "seed": seed,
        "n_clusters": n_clusters,
        "t": beta / se,
        "p_value": p_value(0.0),
        "ci_low": bound(-1.0),
        "ci_high": bound(1.0),
    }
