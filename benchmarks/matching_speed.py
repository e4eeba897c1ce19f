"""Matching speed (issue 7): `engine.rank` at 1k, 10k and 100k services against the floor of
the candidate filter alone.

The services are copies of the Calderbrook catalogue (`benchmarks/matching/services.json`):
copy 0 is the town itself, every other copy gets fresh ids and is moved to a town of its own on
a grid (rows a quarter of a degree of latitude apart, columns 0.4 degrees of longitude, about
27 km each way), with each venue jittered by up to 200 m. So a persona in Calderbrook sees its
own town's services within reach and the rest of the region beyond it, as a regional directory
would. The index is built once per size (its time is reported separately); then `rank(k=10)`
is timed for the first 50 personas of `benchmarks/matching/personas.toml`, twice each. The floor
is `distances_km` plus `constraint_codes` for the same personas: the candidate filter every
ranking must run over all services. Target: p95 under 100 ms at 100,000 services.

Run with `linkwork bench matching_speed` or `PYTHONPATH=. python benchmarks/matching_speed.py`.
"""

from __future__ import annotations

import dataclasses
import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from benchmarks.matching import NAMESPACE

if TYPE_CHECKING:
    from linkwork.matching.facts import ServiceFacts
    from linkwork.matching.profile import Profile

SIZES: Final = (1_000, 10_000, 100_000)
PERSONAS: Final = 50
PASSES: Final = 2
WARM_UP: Final = 3
SEED: Final = 20261101
GRID_COLUMNS: Final = 25
TARGET_P95_MS: Final = 100.0
TITLE: Final = "Matching speed (issue 7)"

_BUILD_SECONDS: dict[int, float] = {}


def region(catalogue: Sequence[ServiceFacts], size: int) -> list[ServiceFacts]:
    """`size` services: the catalogue, then moved copies of it with new ids."""
    rng = random.Random(SEED)
    services: list[ServiceFacts] = []
    copy = 0
    while len(services) < size:
        row, column = divmod(copy, GRID_COLUMNS)
        dlat, dlon = 0.25 * row, 0.4 * column
        for original in catalogue:
            if len(services) == size:
                break
            if copy == 0:
                services.append(original)
                continue
            places = tuple(
                (
                    lat + dlat + rng.uniform(-0.0018, 0.0018),
                    lon + dlon + rng.uniform(-0.003, 0.003),
                )
                for lat, lon in original.places
            )
            services.append(
                dataclasses.replace(
                    original,
                    id=str(uuid.uuid5(NAMESPACE, f"speed/{copy}/{original.id}")),
                    organization_id=f"{original.organization_id}/{copy}",
                    places=places,
                )
            )
        copy += 1
    return services


def _percentiles(samples: list[float]) -> tuple[float, float]:
    values = np.array(samples)
    return float(np.percentile(values, 50)), float(np.percentile(values, 95))


def _timed(fn: Callable[[Profile], object], profiles: Sequence[Profile]) -> list[float]:
    for profile in profiles[:WARM_UP]:
        fn(profile)
    samples = []
    for _ in range(PASSES):
        for profile in profiles:
            start = time.perf_counter()
            fn(profile)
            samples.append((time.perf_counter() - start) * 1000.0)
    return samples


def run(sizes: Sequence[int] = SIZES) -> list[dict[str, Any]]:
    from benchmarks.matching_quality import load_collection
    from linkwork.matching.engine import constraint_codes, distances_km, rank
    from linkwork.matching.index import build_index
    from linkwork.matching.weights import DEFAULT_WEIGHTS

    collection = load_collection()
    profiles = [persona.profile for persona in collection.personas[:PERSONAS]]
    today, stale_days = collection.today, collection.stale_days
    rows: list[dict[str, Any]] = []
    for size in sizes:
        services = region(collection.services, size)
        start = time.perf_counter()
        index = build_index(services)
        _BUILD_SECONDS[size] = time.perf_counter() - start

        def ranking(profile: Profile, index: Any = index) -> object:
            return rank(
                index, profile, k=10, weights=DEFAULT_WEIGHTS, today=today, stale_days=stale_days
            )

        def candidate_filter(profile: Profile, index: Any = index) -> object:
            distance = distances_km(index, profile)
            return constraint_codes(
                index, profile, today=today, stale_days=stale_days, distance=distance
            )

        p50, p95 = _percentiles(_timed(ranking, profiles))
        floor50, _ = _percentiles(_timed(candidate_filter, profiles))
        rows.append(
            {
                "benchmark": "matching rank, k=10 (50 personas)",
                "size": size,
                "p50_ms": p50,
                "p95_ms": p95,
                "floor_p50_ms": floor50,
                "ratio": p50 / floor50 if floor50 else float("nan"),
            }
        )
    return rows


def report() -> str:
    """Index build times of the last run and the target."""
    if not _BUILD_SECONDS:
        return ""
    built = ", ".join(
        f"{size:,} services {seconds:.2f} s" for size, seconds in _BUILD_SECONDS.items()
    )
    return (
        f"`rank` (k = 10) is timed for 50 personas, twice each, at each size; the floor is "
        f"`distances_km` plus `constraint_codes` (the candidate filter alone) for the same "
        f"personas. Target: p95 under {TARGET_P95_MS:.0f} ms at 100,000 services. Building the "
        f"index, once per directory change, is not in the figures: {built}.\n"
    )


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkwork.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    import django

    django.setup()
    sizes = tuple(int(a) for a in sys.argv[1:]) or SIZES
    for row in run(sizes):
        print(row)
    print(report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
