"""Absorbing unit and period fixed effects by demeaning, without a dummy column per unit.

Two-way demeaning is done by alternating projections (the method of reghdfe and fixest):
subtract unit means, then period means, and repeat until the unit means are zero. A balanced
panel (every unit once in every period) is exact after one sweep, so no second pass checks
it; an unbalanced one takes a few. The regression on the demeaned data then gives the same
coefficients as OLS with a dummy per unit and per period (the Frisch-Waugh-Lovell theorem),
in memory linear in the rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from linkwork.evaluation.validation import group_codes

TOLERANCE = 1e-12
MAX_SWEEPS = 10_000


@dataclass(frozen=True)
class Groups:
    """Integer codes 0..k-1 for one grouping, with the size of each group."""

    codes: npt.NDArray[np.intp]
    counts: npt.NDArray[np.float64]

    @classmethod
    def of(cls, codes: npt.NDArray[np.intp], k: int) -> Groups:
        return cls(codes, np.bincount(codes, minlength=k).astype(np.float64))

    @classmethod
    def of_column(cls, df: pd.DataFrame, column: str) -> Groups:
        codes, counts = group_codes(df, column)
        return cls(codes, counts.astype(np.float64))

    @property
    def size(self) -> int:
        return len(self.counts)

    def means(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Each group's mean of ``values`` (one row per observation), by column."""
        if values.ndim == 1:
            return np.bincount(self.codes, weights=values, minlength=self.size) / self.counts
        return np.column_stack([self.means(values[:, j]) for j in range(values.shape[1])])

    def nested_in(self, other: npt.NDArray[np.intp]) -> bool:
        """Whether every group lies inside one group of ``other`` (units within practices)."""
        if self.size < int(other.max()) + 1:
            return False  # fewer groups than clusters: some group must span two clusters
        first = np.full(self.size, -1, dtype=np.intp)
        first[self.codes] = other
        return bool(np.all(first[self.codes] == other))


def demean(
    values: npt.NDArray[np.float64],
    units: Groups,
    periods: Groups,
    *,
    in_place: bool = False,
    exact: bool | None = None,
) -> tuple[npt.NDArray[np.float64], int]:
    """``values`` (rows x columns, or one column) less their unit and period effects.

    Returns the demeaned copy (``values`` itself with ``in_place``, which needs a float64
    Fortran-ordered array) and the most sweeps any column took. Columns are swept one at a
    time as contiguous vectors, which keeps every step a single bincount or gather.
    ``exact`` is ``balanced(units, periods)`` when the caller knows it already.
    """
    out = values if in_place else np.array(values, dtype=np.float64, copy=True, order="F")
    columns = out.reshape(len(out), -1, order="F")
    if exact is None:
        exact = balanced(units, periods)
    most = 0
    for j in range(columns.shape[1]):
        most = max(most, _demean_column(columns[:, j], units, periods, exact=exact))
    return out, most


def balanced(units: Groups, periods: Groups) -> bool:
    """Whether every unit is seen exactly once in every period, where one sweep is exact.

    Subtracting period means then leaves each unit's mean at zero, since each unit's rows
    hold every period once; a sweep more would only confirm it.
    """
    n, k_units, k_periods = len(units.codes), units.size, periods.size
    if n == 0 or n != k_units * k_periods:
        return False
    if np.any(units.counts != k_periods) or np.any(periods.counts != k_units):
        return False
    # n rows and n possible unit-period pairs: balanced if every pair is seen.
    pairs = units.codes * k_periods
    pairs += periods.codes
    seen = np.zeros(n, dtype=bool)
    seen[pairs] = True
    return bool(seen.all())


def _demean_column(
    column: npt.NDArray[np.float64], units: Groups, periods: Groups, *, exact: bool
) -> int:
    """Demean one contiguous column in place; the number of sweeps taken."""
    unit_means = units.means(column)
    if exact:
        column -= unit_means[units.codes]
        column -= periods.means(column)[periods.codes]
        return 1
    scale = max(float(np.abs(column).max()) if column.size else 0.0, 1.0)
    for sweep in range(1, MAX_SWEEPS + 1):
        column -= unit_means[units.codes]
        column -= periods.means(column)[periods.codes]
        unit_means = units.means(column)
        if float(np.abs(unit_means).max()) <= TOLERANCE * scale:
            return sweep
    raise ArithmeticError(
        f"fixed-effect demeaning did not converge in {MAX_SWEEPS} sweeps; the panel may be "
        "very sparsely connected"
    )


def connected_sets(units: Groups, periods: Groups, *, exact: bool = False) -> int:
    """Connected sets of the unit-period graph: one redundant effect is lost in each.

    ``exact`` says the panel is balanced (every unit in every period): one set.
    """
    if exact:
        return 1
    busiest = int(np.argmax(periods.counts))
    seen = np.bincount(units.codes[periods.codes == busiest], minlength=units.size)
    if np.all(seen > 0):
        return 1  # every unit meets the others in that period
    n_units = units.size
    graph = coo_matrix(
        (
            np.ones(len(units.codes), dtype=np.int8),
            (units.codes, n_units + periods.codes),
        ),
        shape=(n_units + periods.size, n_units + periods.size),
    )
    count, _ = connected_components(graph, directed=False)
    return int(count)


def absorbed_parameters(units: Groups, periods: Groups, *, exact: bool = False) -> int:
    """Unit plus period effects less one per connected set (the exact count)."""
    return units.size + periods.size - connected_sets(units, periods, exact=exact)


def dof_k(
    k_regressors: int,
    units: Groups,
    periods: Groups,
    cluster: npt.NDArray[np.intp] | None,
    absorbed: int,
) -> int:
    """K in the small-sample factor (n - 1) / (n - K), as fixest's ``fixef.K = "nested"``.

    Without clusters every absorbed effect counts. With clusters, a fixed effect nested in the
    clusters (each unit inside one practice, say) is not counted: the cluster-robust variance
    already allows for it. If both are nested, one is kept for the intercept.
    """
    if cluster is None:
        return k_regressors + absorbed
    unit_nested = units.nested_in(cluster)
    period_nested = periods.nested_in(cluster)
    if unit_nested and period_nested:
        return k_regressors + 1
    if unit_nested:
        return k_regressors + periods.size
    if period_nested:
        return k_regressors + units.size
    return k_regressors + absorbed
