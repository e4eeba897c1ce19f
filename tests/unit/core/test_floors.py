"""The floors contract (pyproject.toml [tool.importlinter]) passes on the code as it is, and
fails when an import points the wrong way: proof that `make check` would catch it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# import-linter is a pinned dev tool, installed beside pytest by `make test`.
# import-linter is a pinned dev tool, installed beside pytest by `make test`.
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own tool, fixed arguments
        [str(LINT_IMPORTS), str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _copy_of_the_code(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "linkwork",
        tmp_path / "linkwork",
        ignore=shutil.ignore_patterns("static", "node_modules", "__pycache__", "*.jinja"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_floors_contract_holds_for_the_code_as_it_is(tmp_path: Path) -> None:
    result = _lint_imports(_copy_of_the_code(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "wrong_way"),
    [
        ("core/env.py", "linkwork.casework.models"),  # the domain-free floor reaching the top
        ("matching/engine.py", "linkwork.referrals.models"),  # the library reaching the pathway
        ("directory/models.py", "linkwork.people.models"),  # two apps on one floor
    ],
)
def test_floors_contract_fails_on_an_import_the_wrong_way(
    tmp_path: Path, module: str, wrong_way: str
) -> None:
    root = _copy_of_the_code(tmp_path)
    path = root / "linkwork" / module
    path.write_text(path.read_text() + f"\nimport {wrong_way}  # deliberately the wrong way\n")

    result = _lint_imports(root)

    assert result.returncode != 0
    importer = "linkwork." + module.removesuffix(".py").replace("/", ".")
    assert f"{importer} -> {wrong_way}" in result.stdout
