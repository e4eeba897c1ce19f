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
        f"{rendered}\n"
    )
    print(f"wrote {report.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
