"""The canonical two-group, two-period difference-in-differences regression."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from linkwork.evaluation.regression import fit_ols, regression_fields
from linkwork.evaluation.results import DidResult
from linkwork.evaluation.validation import EvaluationInputError

CELLS = {
    (0, 0): "control_pre",
    (0, 1): "control_post",
    (1, 0): "treated_pre",
    (1, 1): "treated_post",
}


def did(
    df: pd.DataFrame,
    outcome: str,
    treated: str,
    post: str,
    *,
    covariates: Sequence[str] = (),
    se: str = "cluster",
    cluster: str | None = None,
) -> DidResult:
    """``outcome ~ treated + post + treated:post (+ covariates)`` by OLS.

    The estimate is the coefficient on ``treated:post``: the change in the treated group
    beyond the change in the comparison group. ``se`` is ``"classical"``, ``"hc1"`` or
    ``"cluster"`` (with ``cluster=`` the column of clusters; the default, since outcomes of
    people in one practice move together). Rows missing any used column are left out and
    counted in ``n_dropped``.
    """
    cell_means: dict[str, float] = {}

    def check_cells(frame: pd.DataFrame) -> None:
        cells = frame.groupby([frame[treated].astype(int), frame[post].astype(int)])[outcome]
        means = cells.mean()
        missing = [name for key, name in CELLS.items() if key not in means.index]
        if missing:
            raise EvaluationInputError(
                f"no rows in the {', '.join(missing)} cell(s) of {treated!r} x {post!r}",
                column=treated,
            )
        cell_means.update({name: float(means[key]) for key, name in CELLS.items()})

    fit = fit_ols(
        df,
        outcome=outcome,
        binary_columns=(treated, post),
        covariates=covariates,
        interactions=((treated, post),),
        se=se,
        cluster=cluster,
        what="difference-in-differences",
        check=check_cells,
    )
    return DidResult(**regression_fields(fit, f"{treated}:{post}"), cell_means=cell_means)
