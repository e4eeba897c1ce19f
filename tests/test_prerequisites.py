"""The rule for prerequisites from outside the repository: skip locally, fail in CI."""

from __future__ import annotations

import re
from pathlib import Path

import hypothesis
import pytest

from tests import prerequisites
from tests.prerequisites import in_ci, missing, require_path, shared_standard

TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes"])
def test_missing_prerequisite_fails_under_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI=true: a missing prerequisite fails"):
        missing("Chromium is not installed")


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_missing_prerequisite_skips_outside_ci(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed"):
        missing("Chromium is not installed")


def test_require_path_names_the_missing_path_and_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    absent = tmp_path / "chromium"
    with pytest.raises(pytest.fail.Exception, match=re.escape(f"{absent} not found: apt-get")):
        require_path(absent, "apt-get install chromium")


def test_require_path_returns_a_path_that_exists(monkeypatch, tmp_path):
    monkeypatch.setenv("CI", "true")
    assert require_path(tmp_path, "never shown") == tmp_path


def test_shared_standard_fails_in_ci_when_the_shared_folder_is_gone(monkeypatch, tmp_path):
    monkeypatch.setattr(prerequisites, "SHARED_STANDARDS", tmp_path / "shared" / "standards")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="shared/standards"):
        shared_standard("oruk-3.0/schema")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        shared_standard("oruk-3.0/schema")


def test_no_test_skips_for_a_missing_prerequisite_by_itself():
    """Every skip for something missing goes through `prerequisites.missing`, so CI fails
    instead. Marks that skip on the other database (`skipif(connection.vendor ...)`) are not
    about a missing prerequisite: CI runs the suite on both databases."""
    direct = re.compile(
        r"\bpytest\.skip\(|\bimportorskip\(|skipif\(\s*not [^,]*\.(exists|is_file|is_dir)\("
    )
    offenders = [
        str(path.relative_to(TESTS))
        for path in sorted(TESTS.rglob("*.py"))
        if path.name not in {"prerequisites.py", Path(__file__).name}
        and direct.search(path.read_text("utf-8"))
    ]
    assert offenders == []


def test_hypothesis_ci_profile_draws_the_same_examples_every_run():
    profile = hypothesis.settings.get_profile("ci")
    assert profile.derandomize is True
    assert profile.database is None
    # Loaded exactly when CI=true, so a local run still explores new examples.
    assert (hypothesis.settings.default.derandomize is True) == in_ci()
