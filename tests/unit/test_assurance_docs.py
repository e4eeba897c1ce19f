"""The assurance pack cannot rot: every test and file it cites exists (issue 16, item 17).

The documents in `docs/assurance/` prove each control with a named test. A test renamed or
removed would leave a claim with nothing behind it, so this reads every citation written in
backticks and fails on one that no longer exists:

- `tests/path/test_x.py::test_name`, or the same without `tests/` (the hazard log's style);
- `::test_name`, a further test in the test file cited last before it;
- `test_x.py::test_name` or `test_x.py`, a test file named without its folder (one of that
  name holding the test);
- `test_name` alone, a test somewhere in the suite;
- a source file such as `linkwork/core/logs.py` or `core/logs.py`.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
DOCS = sorted((ROOT / "docs" / "assurance").glob("*.md"))
SPAN = re.compile(r"`([^`\n]+)`")
FILE = re.compile(r"^([\w./-]+\.py)(?:::(\w+))?(?:\[[^\]]*\])?$")
MORE = re.compile(r"^::(\w+)(?:\[[^\]]*\])?$")
BARE_TEST = re.compile(r"^(test_\w+)(?:\[[^\]]*\])?$")


@cache
def functions_of(path: Path) -> frozenset[str]:
    """The test functions of one file, at module level or in classes."""
    tree = ast.parse(path.read_text())
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    )


@cache
def every_test() -> frozenset[str]:
    return frozenset().union(*(functions_of(path) for path in TESTS.rglob("test_*.py")))


def candidates(cited: str) -> list[Path]:
    """The files a citation may name: from the repository, `tests/` or `linkwork/`, or for a
    test file named alone, every file of that name under `tests/`."""
    for base in (ROOT, TESTS, ROOT / "linkwork"):
        if (base / cited).is_file():
            return [base / cited]
    return sorted(TESTS.rglob(cited)) if "/" not in cited else []


def problems_in(doc: Path) -> tuple[list[str], int]:
    """What the document cites that does not exist, and how many citations it checked."""
    problems, checked = [], 0
    last: Path | None = None
    for number, line in enumerate(doc.read_text().splitlines(), start=1):
        for span in SPAN.findall(line):
            span = span.strip()
            where = f"{doc.name}:{number}: `{span}`"
            if cited := FILE.match(span):
                path, test = cited.groups()
                found = candidates(path)
                checked += 1
                if not found:
                    problems.append(f"{where}: no such file")
                    continue
                holding = [file for file in found if not test or test in functions_of(file)]
                if not holding:
                    problems.append(f"{where}: no such test in {path}")
                elif holding[0].name.startswith("test_"):
                    last = holding[0]
            elif more := MORE.match(span):
                checked += 1
                if last is None:
                    problems.append(f"{where}: no test file cited before it")
                elif more.group(1) not in functions_of(last):
                    problems.append(f"{where}: no such test in {last.relative_to(ROOT)}")
            elif bare := BARE_TEST.match(span):
                checked += 1
                if bare.group(1) not in every_test():
                    problems.append(f"{where}: no test of that name anywhere")
    return problems, checked


@pytest.mark.parametrize("doc", DOCS, ids=[doc.name for doc in DOCS])
def test_every_test_and_file_cited_exists(doc: Path) -> None:
    problems, checked = problems_in(doc)
    assert checked, f"{doc.name} cites no test: the citations are no longer recognised"
    assert not problems, "\n".join(problems)


def test_the_pack_has_each_document_the_issue_asks_for() -> None:
    names = {doc.name for doc in DOCS}
    assert {"hazard-log.md", "security.md", "dpia.md", "dtac.md", "asvs.md"} <= names


def test_a_missing_citation_is_found(tmp_path: Path) -> None:
    """The check can fail: a renamed test, a missing file and a stray `::` are each caught."""
    doc = tmp_path / "cited.md"
    doc.write_text(
        "`::test_alone` before any file, then\n"
        "`tests/unit/test_assurance_docs.py::test_a_missing_citation_is_found` and\n"
        "`unit/test_assurance_docs.py::test_renamed_long_ago`, `::test_also_gone`,\n"
        "`::test_every_test_and_file_cited_exists` (there), `linkwork/core/logs.py` (there),\n"
        "`tests/unit/no_such_file.py`, `test_nowhere_at_all` and `test_logs.py::test_gone`\n"
    )
    problems, checked = problems_in(doc)
    assert checked == 9
    assert [problem.split(": `")[1].split("`")[0] for problem in problems] == [
        "::test_alone",
        "unit/test_assurance_docs.py::test_renamed_long_ago",
        "::test_also_gone",
        "tests/unit/no_such_file.py",
        "test_nowhere_at_all",
        "test_logs.py::test_gone",
    ]
