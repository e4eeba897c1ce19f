"""`linkwork evaluate`: 0 when the report is complete, 1 when it was written but an analysis
could not run, 2 when nothing was written; a bad spec is one line naming the key."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .synthetic import SPEC, write_extract

SMALL = SPEC.replace("B = 200", "B = 100").replace(
    "wild_cluster_bootstrap = true", "wild_cluster_bootstrap = false"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_extract(tmp_path, people=120)
    return tmp_path


def test_evaluate_writes_a_complete_report(folder):
    (folder / "spec.toml").write_text(SMALL)
    out = io.StringIO()
    call_command("evaluate", str(folder / "spec.toml"), "--quiet", stdout=out)
    html = (folder / "spec.html").read_text()
    assert "Cost-effectiveness plane" in html
    assert "Wrote" in out.getvalue()
    assert "Subgroups" in out.getvalue()


def test_evaluate_writes_a_pdf_when_the_out_path_ends_pdf(folder):
    (folder / "spec.toml").write_text(SMALL)
    call_command(
        "evaluate",
        str(folder / "spec.toml"),
        "--quiet",
        "--out",
        str(folder / "r.pdf"),
        stdout=io.StringIO(),
    )
    assert (folder / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert (folder / "r.html").is_file()


def test_evaluate_exits_1_when_an_analysis_cannot_run(folder):
    spec = SMALL.replace('instrument = "eq5d5l"\nmcid = 0.06', 'instrument = "phq9"')
    (folder / "spec.toml").write_text(spec)
    with pytest.raises(CommandError) as raised:
        call_command("evaluate", str(folder / "spec.toml"), "--quiet", stdout=io.StringIO())
    assert raised.value.returncode == 1
    assert "'phq9' is not an instrument of the extract" in str(raised.value)
    html = (folder / "spec.html").read_text()
    assert "Could not be run." in html


def test_evaluate_exits_2_and_writes_nothing_for_a_bad_spec(folder):
    (folder / "spec.toml").write_text(SMALL.replace("B = 100", "B = 0"))
    with pytest.raises(CommandError) as raised:
        call_command("evaluate", str(folder / "spec.toml"), "--quiet", stdout=io.StringIO())
    assert raised.value.returncode == 2
    assert str(raised.value).startswith("B: must be a whole number")
    assert not (folder / "spec.html").exists()


def test_evaluate_cli_prints_one_line_not_a_traceback(folder):
    (folder / "spec.toml").write_text(SMALL.replace('post_from = "2025-01"', "post_from = 2025"))
    done = subprocess.run(  # noqa: S603 - our own CLI, arguments from this test
        [sys.executable, "-m", "linkwork", "evaluate", str(folder / "spec.toml"), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "did[0].post_from: must be a month as YYYY-MM" in done.stderr
    assert "Traceback" not in done.stderr
