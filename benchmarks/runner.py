"""Run every benchmark (or those named), print the tables, and write `docs/performance.md`.

Each benchmark module has `run() -> list[dict]`, one row per case with the keys
`benchmark, size, p50_ms, p95_ms, floor_p50_ms, ratio`: the floor is the same work done bare
(the SQL query alone, or a NumPy kernel), measured in the same run on the same machine.

A module may also define:

- `COLUMNS` (other than the runner's) and `TITLE`: its rows are not timings, so they get a
  table of their own under that title (the matching quality metrics, say); `DIGITS` sets the
  decimals shown for its numbers (2 unless given);
- `report() -> str`: markdown shown in its own section, called after `run()`;
- `NOTES`: markdown added to "How to read and reproduce this".

The last results of every module are kept in `benchmarks/results.json`, so running one module
(`linkwork bench matching_quality`) re-renders the page with the others' latest figures rather
than wiping them. Each module's figures say when and on what machine they were measured.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "benchmarks.eq5d_scoring",
    "benchmarks.directory_oruk",
    "benchmarks.search_quality",
    "benchmarks.casework",
    "benchmarks.extract",
    "benchmarks.demo_pages",
    "benchmarks.matching_quality",
    "benchmarks.matching_speed",
    "benchmarks.oruk10_import",
    "benchmarks.category_inference",
    "benchmarks.insights",
    "benchmarks.evaluation",
    "benchmarks.load",
]
COLUMNS = ["benchmark", "size", "p50_ms", "p95_ms", "floor_p50_ms", "ratio"]
RESULTS = ROOT / "benchmarks" / "results.json"
# `docs/performance.md` below this line is written by hand (the test suite's duration, which
# no benchmark measures); the runner keeps it when it rewrites the page.
KEPT_BELOW = "<!-- Written by hand below this line: make bench keeps it. -->"

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


def table(rows: list[dict[str, Any]], columns: list[str] = COLUMNS, digits: int = 2) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.{digits}f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row.get(key, "")) for key in columns) + " |" for row in rows]
    return "\n".join(lines)


def load_results(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """Each module's last results, by short name."""
    path = path or RESULTS
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return dict(data.get("modules") or {})


def save_results(results: dict[str, dict[str, Any]], path: Path | None = None) -> None:
    path = path or RESULTS
    text = json.dumps({"modules": results}, indent=1, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def measure(name: str) -> dict[str, Any]:
    """Run one benchmark module and gather what the page shows of it."""
    module = importlib.import_module(name)
    rows = module.run()
    report = getattr(module, "report", None)
    return {
        "measured": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "machine": machine(),
        "rows": rows,
        "columns": list(getattr(module, "COLUMNS", COLUMNS)),
        "title": getattr(module, "TITLE", ""),
        "digits": int(getattr(module, "DIGITS", 2)),
        "report": report() if callable(report) else "",
        "notes": getattr(module, "NOTES", ""),
    }


def render(results: dict[str, dict[str, Any]]) -> str:
    """The page: every timing row in one table, then each module's own section, then notes."""
    order = [name.rsplit(".", 1)[-1] for name in MODULES]
    shorts = [s for s in order if s in results] + sorted(set(results) - set(order))
    entries = [(short, results[short]) for short in shorts]
    timing = [(s, e) for s, e in entries if e["columns"] == COLUMNS]
    rows = [row for _, e in timing for row in e["rows"]]
    machines = {e["machine"] for _, e in entries}
    if len(machines) == 1:
        measured = f"Measured on: {machines.pop()}.\n\n" + "".join(
            f"- `{s}`: {e['measured']}\n" for s, e in entries
        )
    else:
        measured = "Measured:\n\n" + "".join(
            f"- `{s}`: {e['measured']} on {e['machine']}\n" for s, e in entries
        )
    sections = []
    for short, entry in entries:
        own_table = entry["columns"] != COLUMNS
        if not (own_table or entry["report"]):
            continue
        title = entry["title"] or short
        body = [f"## {title}\n"]
        if own_table:
            body.append(table(entry["rows"], entry["columns"], entry["digits"]) + "\n")
        if entry["report"]:
            body.append(entry["report"].rstrip() + "\n")
        sections.append("\n".join(body))
    notes = NOTES + "".join(
        "\n" + e["notes"].strip("\n") + "\n" for _, e in entries if e["notes"].strip()
    )
    return (
        "# Performance\n\n"
        "Written by `make bench` (`linkwork bench`). Each figure sits beside its floor: the same\n"
        "work done bare in the same run (the SQL query alone, or the NumPy kernel), and the ratio\n"
        "of the two. Times are milliseconds; p50 and p95 are over repeated runs. Running one\n"
        "benchmark (`linkwork bench NAME`) keeps the others' last figures\n"
        "(`benchmarks/results.json`).\n\n"
        f"{measured}\n"
        f"{table(rows)}\n\n" + "".join(f"{section}\n" for section in sections) + notes
    )


def main(selected: list[str] | None = None) -> int:
    known = [name.rsplit(".", 1)[-1] for name in MODULES]
    unknown = sorted(set(selected or ()) - set(known))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}")
        return 2
    results = load_results()
    for name in MODULES:
        short = name.rsplit(".", 1)[-1]
        if selected and short not in selected:
            continue
        print(f"running {short}...", file=sys.stderr)
        entry = measure(name)
        results[short] = entry
        save_results(results)
        own = entry["columns"] != COLUMNS
        print(table(entry["rows"], entry["columns"], entry["digits"] if own else 2))
        if entry["report"]:
            print(entry["report"])
    report = ROOT / "docs" / "performance.md"
    report.parent.mkdir(exist_ok=True)
    previous = report.read_text(encoding="utf-8") if report.exists() else ""
    kept = previous[previous.index(KEPT_BELOW) :] if KEPT_BELOW in previous else ""
    report.write_text(render(results) + (f"\n{kept}" if kept else ""), encoding="utf-8")
    print(f"wrote {report.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
