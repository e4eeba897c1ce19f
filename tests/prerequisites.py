"""What the suite needs from outside the repository, and the one rule for when it is missing.

On a developer's machine a test whose prerequisite is missing skips, saying what to install or
where the files go. Under `CI=true` the same test fails: a run that skipped its conformance or
browser tests must not look green. Every such check in `tests/` goes through `missing()`; a
unit test guards that no test module calls `pytest.skip` for a missing file by itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
# The official standards (ORUK schemas and examples, EQ-5D value sets) are not ours to
# redistribute, so they sit in a `shared` folder beside the repository.
SHARED_STANDARDS = REPOSITORY.parent / "shared" / "standards"
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"


def in_ci() -> bool:
    """True when the CI environment variable says so, as GitHub Actions and `.ci/run` set it."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def missing(reason: str, *, module_level: bool = False) -> NoReturn:
    """Skip the test (locally) or fail it (under CI=true), saying what is missing."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing prerequisite fails the run)", pytrace=False)
    pytest.skip(reason, allow_module_level=module_level)


def require_path(path: Path, hint: str, *, module_level: bool = False) -> Path:
    """`path` itself when it exists; otherwise `missing()`, naming the path and the `hint`."""
    if not path.exists():
        missing(f"{path} not found: {hint}", module_level=module_level)
    return path


def shared_standard(relative: str, *, module_level: bool = False) -> Path:
    """A file or folder of the official standards in `../shared/standards`."""
    return require_path(
        SHARED_STANDARDS / relative,
        "the official standards sit in the `shared/standards` folder beside the repository",
        module_level=module_level,
    )
