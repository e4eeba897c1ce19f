"""Importing an ORUK 1.0 feed of 10,000 services (issue 13): target under 60 s with a peak
memory under 500 MB.

The feed is a bare array of full 1.0 records made by the test fixtures' generator
(`tests/fixtures/oruk10/make_fixtures.py`: HTML descriptions with scripts, tables and base64
images, non-UUID ids, bad addresses), written to a temporary file and imported with
`import_oruk` into a scratch test database. The floor is the same file read and every record
translated and checked, with nothing written: the ratio is what the database writes cost.
Peak memory is the process's maximum resident set (`resource.getrusage`), which includes
Django and the test database. Run with `linkwork bench oruk10_import`.
"""

from __future__ import annotations

import importlib.util
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZE = 10_000
TARGET_SECONDS = 60.0
TARGET_PEAK_MB = 500.0
TITLE = "ORUK 1.0 import (issue 13)"
COLUMNS = [
    "benchmark",
    "services",
    "seconds",
    "cpu_seconds",
    "floor_seconds",
    "ratio",
    "peak_mb",
    "imported",
]
GENERATOR = (
    Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "oruk10" / "make_fixtures.py"
)
NOTES = """
- ORUK 1.0 import: `linkwork bench oruk10_import` imports 10,000 generated 1.0 services (a bare
  array, about 40 MB of JSON) into a scratch SQLite or PostgreSQL database. Targets: under 60 s,
  peak resident memory under 500 MB. The floor reads and translates the same file without
  writing. `cpu_seconds` is the processor time the import itself used: on a shared machine
  the wall-clock `seconds` is longer by the time other processes had the processor.
  Records are written in batches of 200 (`importer.write_batch`): the rows a batch reads
  are loaded in one query per table, its new rows and their metadata inserted with one
  statement per table, and a batch the database refuses is written again record by record.
"""


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("oruk10_fixtures", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_feed(path: Path, size: int = SIZE) -> None:
    generator = _generator()
    rng = random.Random(13)
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for n in range(size):
            record = generator.service(n, rng)
            if not record["name"]:
                record["name"] = f"Service {n}"
            out.write(("," if n else "") + json.dumps(record, ensure_ascii=False))
        out.write("]")


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def floor(path: Path) -> float:
    from linkwork.directory.oruk.importer import Candidate, FileSource
    from linkwork.directory.oruk.validation import check

    started = time.perf_counter()
    for item in FileSource(path):
        if isinstance(item, Candidate) and not item.failure:
            check(item.record_type, item.data, lenient=item.lenient)
    return time.perf_counter() - started


def run(size: int = SIZE) -> list[dict[str, object]]:
    from benchmarks.directory_oruk import scratch_database
    from linkwork.directory.oruk.importer import import_oruk

    with tempfile.TemporaryDirectory() as folder, scratch_database():
        path = Path(folder) / "council.json"
        write_feed(path, size)
        floor_seconds = floor(path)
        started, cpu = time.perf_counter(), time.process_time()
        report = import_oruk(str(path))
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu
        peak = _peak_mb()
    return [
        {
            "benchmark": "import-oruk 1.0 array",
            "services": size,
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "floor_seconds": floor_seconds,
            "ratio": seconds / floor_seconds if floor_seconds else float("nan"),
            "peak_mb": peak,
            "imported": report.imported,
        }
    ]


def report() -> str:
    return (
        f"Targets: under {TARGET_SECONDS:g} s and under {TARGET_PEAK_MB:g} MB peak for "
        f"{SIZE:,} services."
    )


if __name__ == "__main__":
    import django

    django.setup()
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else SIZE))
