"""Rules the suite keeps so that it cannot pass by luck (STYLE rule 10)."""

from __future__ import annotations

import re
from pathlib import Path

FUNCTIONAL = Path(__file__).resolve().parents[1] / "functional"


def test_functional_tests_assert_with_auto_waiting_expect():
    """`assert locator.is_visible()` reads the page once, mid-navigation perhaps; Playwright's
    `expect(locator).to_be_visible()` waits for it."""
    bare = [
        f"{path.name}:{number}"
        for path in sorted(FUNCTIONAL.glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\.is_(visible|hidden|checked|enabled)\(\)", line)
    ]
    assert not bare, f"use expect(...) instead of a bare check: {bare}"


def test_no_symbolic_links_are_committed():
    """A committed link (a helper's `node_modules` pointing at one machine's checkout) breaks
    `make` on every other machine: the repository holds files only."""
    import shutil
    import subprocess

    root = FUNCTIONAL.parents[1]
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return  # an unpacked source archive: nothing to check
    listed = subprocess.run(  # noqa: S603 - git, with fixed arguments
        [git, "ls-files", "-s"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    links = [line.split("\t", 1)[1] for line in listed.splitlines() if line.startswith("120000")]
    assert not links, f"symbolic links are committed: {links}"
