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
