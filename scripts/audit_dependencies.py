"""Known vulnerabilities in the pinned packages, with pip-audit, when the network allows it.

`make check` runs this. pip-audit asks PyPI's vulnerability service about every package pinned
in `requirements/base.txt` (what a site installs). Where that service is out of reach (no
network, or only a package mirror), pip-audit reports each package as "not found" and
nothing as vulnerable; this script says plainly that nothing was checked instead of passing
in silence. Exit status: 1 when a pinned package has a known vulnerability, 0 otherwise
(checked, or could not check and said so).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements" / "base.txt"
TIMEOUT_SECONDS = 120


def audit() -> dict[str, object] | str:
    """pip-audit's JSON report, or why there is none."""
    command = [
        str(Path(sys.executable).with_name("pip-audit")),
        "--requirement",
        str(REQUIREMENTS),
        "--no-deps",  # the lock file pins every package, dependencies included
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
    ]
    try:
        done = subprocess.run(  # noqa: S603 - our own fixed command
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"pip-audit did not finish ({exc.__class__.__name__})"
    try:
        report: dict[str, object] = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return f"pip-audit gave no report ({last[:200]})"
    return report


def main() -> int:
    report = audit()
    if isinstance(report, str):
        print(f"dependency audit: NOT CHECKED: {report}")
        return 0
    dependencies = report.get("dependencies")
    assert isinstance(dependencies, list)
    skipped = [d for d in dependencies if d.get("skip_reason")]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dependency in vulnerable:
        ids = ", ".join(v["id"] for v in dependency["vulns"])
        print(f"dependency audit: {dependency['name']} {dependency.get('version')}: {ids}")
    if vulnerable:
        return 1
    if dependencies and len(skipped) == len(dependencies):
        print(
            f"dependency audit: NOT CHECKED: none of the {len(dependencies)} pinned packages "
            "could be looked up (the vulnerability service is out of reach from here)"
        )
        return 0
    checked = len(dependencies) - len(skipped)
    unchecked = f"; {len(skipped)} could not be looked up" if skipped else ""
    print(
        f"dependency audit: {checked} of {len(dependencies)} pinned packages checked, "
        f"no known vulnerabilities{unchecked}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
