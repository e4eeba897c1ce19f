"""Checks on the data frames the analyses take, with errors that name the column at fault.

Every analysis validates its inputs here first, so a bad extract fails with a sentence a
person can act on ("column 'hba1c' is not numeric") instead of a NumPy traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd


class EvaluationInputError(ValueError):
    """The data or the arguments given to an analysis cannot be used as they are.

    ``column`` names the column (or argument) at fault when there is one.
    """

    def __init__(self, message: str, *, column: str | None = None) -> None:
        super().__init__(message)
        self.column = column


def require_frame(df: object) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise EvaluationInputError(
            f"expected a pandas DataFrame, got {type(df).__name__}", column=None
        )
    return df


def require_columns(df: pd.DataFrame, columns: Iterable[str | None]) -> None:
    for column in columns:
        if column is not None and column not in df.columns:
            known = ", ".join(map(str, df.columns[:20]))
            raise EvaluationInputError(
                f"column {column!r} is not in the data (columns: {known})", column=column
            )


def complete_rows(df: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, int]:
    """The rows with a value in every one of ``columns``, and how many were dropped."""
    # NumPy integer and boolean columns cannot hold a missing value: no need to look.
    maybe_missing = [
        column
        for column in dict.fromkeys(columns)
        if not (isinstance(df[column].dtype, np.dtype) and df[column].dtype.kind in "biu")
    ]
    if not maybe_missing:
        return df, 0
    mask = np.logical_and.reduce([df[column].notna().to_numpy() for column in maybe_missing])
    dropped = int(len(df) - mask.sum())
    return (df if dropped == 0 else df.loc[mask]), dropped


def numeric(df: pd.DataFrame, column: str) -> npt.NDArray[np.float64]:
    """The column as floats; an error naming it if it holds text or infinite values."""
    series = df[column]
    if not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
        raise EvaluationInputError(
            f"column {column!r} is not numeric (dtype {series.dtype}); convert it first, "
            "for example with pandas.to_numeric",
            column=column,
        )
    if isinstance(series.dtype, np.dtype):
        values = series.to_numpy(dtype=np.float64)
    else:  # pandas' nullable and Arrow types need their missing values spelled out
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    if not np.isfinite(values).all():
        raise EvaluationInputError(
            f"column {column!r} has missing or infinite values", column=column
        )
    return values


def binary(df: pd.DataFrame, column: str) -> npt.NDArray[np.float64]:
    """A 0/1 indicator column (booleans count) as floats; an error naming it otherwise."""
    series = df[column]
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "biu" and len(series):
        # Integers and booleans: two reductions on the narrow column say whether all are 0/1.
        raw = series.to_numpy()
        if raw.min() >= 0 and raw.max() <= 1:
            return raw.astype(np.float64)
    values = numeric(df, column)
    bad = (values != 0.0) & (values != 1.0)
    if bad.any():
        examples = ", ".join(repr(v) for v in np.unique(values[bad])[:5].tolist())
        raise EvaluationInputError(
            f"column {column!r} must be 0 or 1 (found {examples})", column=column
        )
    return values


def codes(df: pd.DataFrame, column: str) -> tuple[npt.NDArray[np.intp], int]:
    """Integer codes 0..k-1 for a grouping column (unit, period, cluster) and k."""
    labels, counts = group_codes(df, column)
    return labels, len(counts)


def group_codes(df: pd.DataFrame, column: str) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Integer codes 0..k-1 for a grouping column, and the number of rows in each group."""
    series = df[column]
    if pd.api.types.is_integer_dtype(series.dtype) and len(series):
        # Integer identifiers (the usual pseudonymised keys) are coded by a table of the
        # values present, a few times faster than hashing; only while the table stays small.
        values = series.to_numpy()
        low, high = int(values.min()), int(values.max())
        if high - low <= 4 * len(values):
            shifted = (values - low if low else values).astype(np.intp, copy=False)
            counts = np.bincount(shifted, minlength=high - low + 1)
            present = counts > 0
            if present.all():
                return shifted, counts
            remap = np.cumsum(present, dtype=np.intp) - 1
            return remap[shifted], counts[present]
    labels, uniques = pd.factorize(series, sort=False, use_na_sentinel=True)
    if (labels < 0).any():
        raise EvaluationInputError(f"column {column!r} has missing values", column=column)
    labels = labels.astype(np.intp, copy=False)
    return labels, np.bincount(labels, minlength=len(uniques))


def require_rows(n: int, minimum: int, what: str, *, column: str | None = None) -> None:
    if n < minimum:
        raise EvaluationInputError(
            f"{what}: {n} usable rows, at least {minimum} needed", column=column
        )


def require_clusters(n_clusters: int, column: str, minimum: int = 2) -> None:
    if n_clusters < minimum:
        raise EvaluationInputError(
            f"column {column!r} has {n_clusters} cluster(s); cluster-robust errors need at "
            f"least {minimum}",
            column=column,
        )
