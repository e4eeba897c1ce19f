"""Bulk EQ-5D-5L scoring cost against the floor of a bare NumPy table lookup.

The floor is what any implementation must pay to fetch precomputed values for the same states;
the ratio shows what validation and code handling add on top. Run:
``PYTHONPATH=. python benchmarks/eq5d_scoring.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from linkwork.outcomes import eq5d_index_array
from linkwork.outcomes.eq5d import AGE_BANDS, SEXES, value_table

REPEATS = 7
SEED = 20240601
_BAND_STARTS = np.array([35, 45, 55, 65])


def _timings_ms(fn: Callable[[], object], repeats: int) -> list[float]:
    fn()  # warm caches (data tables, allocator) so every timed repeat does the same work
    out: list[float] = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def _random_inputs(
    n: int, rng: np.random.Generator
) -> tuple[
    npt.NDArray[np.int64], npt.NDArray[np.intp], npt.NDArray[np.str_], npt.NDArray[np.int64]
]:
    levels = rng.integers(1, 6, size=(n, 5))
    codes = levels @ np.array([10000, 1000, 100, 10, 1])
    positions = ((levels - 1) @ np.array([625, 125, 25, 5, 1])).astype(np.intp)
    sexes = rng.choice(np.array(SEXES), size=n)
    ages = rng.integers(18, 100, size=n)
    return codes, positions, sexes, ages


def run(n: int = 1_000_000, repeats: int = REPEATS) -> list[dict[str, object]]:
    """Time vectorised england_5l and dsu_2023 (one cohort, then per-person) on n random states."""
    rng = np.random.default_rng(SEED)
    codes, positions, sexes, ages = _random_inputs(n, rng)
    groups = (sexes == "male") * len(AGE_BANDS) + np.searchsorted(_BAND_STARTS, ages, "right")
    groups = groups.astype(np.intp)
    england = value_table("england_5l")[0]
    dsu = value_table("dsu_2023")

    cases: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        (
            "eq5d_index_array england_5l",
            lambda: eq5d_index_array(codes, "england_5l"),
            lambda: england[positions],
        ),
        (
            "eq5d_index_array dsu_2023 (one sex and age)",
            lambda: eq5d_index_array(codes, "dsu_2023", sex="female", age=70),
            lambda: dsu[4][positions],
        ),
        (
            "eq5d_index_array dsu_2023 (per-row sex, age)",
            lambda: eq5d_index_array(codes, "dsu_2023", sex=sexes, age=ages),
            lambda: dsu[groups, positions],
        ),
    ]
    rows: list[dict[str, object]] = []
    for name, scored, floor in cases:
        times = _timings_ms(scored, repeats)
        floor_times = _timings_ms(floor, repeats)
        p50 = float(np.percentile(times, 50))
        floor_p50 = float(np.percentile(floor_times, 50))
        rows.append(
            {
                "benchmark": name,
                "size": n,
                "p50_ms": round(p50, 3),
                "p95_ms": round(float(np.percentile(times, 95)), 3),
                "floor_p50_ms": round(floor_p50, 3),
                "ratio": round(p50 / floor_p50, 2),
            }
        )
    return rows


def to_markdown(rows: list[dict[str, object]]) -> str:
    keys = ["benchmark", "size", "p50_ms", "p95_ms", "floor_p50_ms", "ratio"]
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(row[k]) for k in keys) + " |" for row in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    print(to_markdown(run()))
