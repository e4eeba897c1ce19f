"""Run every benchmark, print one table, and write `docs/performance.md`.

Each benchmark module has `run() -> list[dict]`, one row per case with the keys
`benchmark, size, p50_ms, p95_ms, floor_p50_ms, ratio`: the floor is the same work done bare
(the SQL query alone, or a NumPy kernel), measured in the same run on the same machine.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODULES = ["benchmarks.eq5d_scoring", "benchmarks.directory_oruk"]
COLUMNS = ["benchmark", "size", "p50_ms", "p95_ms", "floor_p50_ms", "ratio"]
NOTES = """
## How to read and reproduce this

- Reproduce: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/test make bench` (PostgreSQL;
  directory sizes above 10k run on PostgreSQL only). `linkwork bench directory_oruk` runs one
  module. The directory benchmark builds its data in a scratch database: the demo directory
  copied town by town with bulk inserts, then `VACUUM ANALYZE`.
- Directory targets (issue 3): p95 under 100 ms at 100,000 services and under 3x the floor.
  The floor is the SQL the request issued, re-run bare on a cursor; the rest of a request is
  Django, the template or the JSON encoding. At small sizes that fixed cost dominates, so the
  ratio is higher at 1,000 services than at 100,000.
- The search UI request includes the signed-in session, two-factor check and the full NHS.UK
  page; its floor includes the session update Django makes on every request.
- EQ-5D: scoring 1 million states with `eq5d_index_array` against a bare NumPy table lookup of
  the same states. The per-row DSU case validates a sex and an age for every row.
"""


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def table(rows: list[dict[str, Any]]) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.2f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell(row.get(key, "")) for key in COLUMNS) + " |" for row in rows]
    return "\n".join(lines)


def main(selected: list[str] | None = None) -> int:
    rows: list[dict[str, Any]] = []
    for name in MODULES:
        short = name.rsplit(".", 1)[-1]
        if selected and short not in selected:
            continue
        print(f"running {short}...", file=sys.stderr)
        rows.extend(importlib.import_module(name).run())
    rendered = table(rows)
    print(rendered)
    report = ROOT / "docs" / "performance.md"
    report.parent.mkdir(exist_ok=True)
    report.write_text(
        "# Performance\n\n"
        "Written by `make bench` (`linkwork bench`). Each figure sits beside its floor: the same\n"
        "work done bare in the same run (the SQL query alone, or the NumPy kernel), and the ratio\n"
        "of the two. Times are milliseconds; p50 and p95 are over repeated runs.\n\n"
        f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on: {machine()}.\n\n"
        f"{rendered}\n" + NOTES
    )
    print(f"wrote {report.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
