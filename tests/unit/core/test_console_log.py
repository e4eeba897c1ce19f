"""The console log handler follows standard error as it is now, so a command run in-process
(which sets Django up again and so configures logging again) cannot leave it writing to a
stream that has since been closed."""

from __future__ import annotations

import io
import logging
import sys

import pytest

from linkwork.core.logs import Console


def test_writes_to_standard_error_as_it_is_when_each_line_is_written(monkeypatch):
    handler = Console()
    handler.setFormatter(logging.Formatter("%(message)s"))
    first, second = io.StringIO(), io.StringIO()

    monkeypatch.setattr(sys, "stderr", first)
    handler.emit(logging.makeLogRecord({"msg": "one"}))
    first.close()
    monkeypatch.setattr(sys, "stderr", second)
    handler.emit(logging.makeLogRecord({"msg": "two"}))

    assert second.getvalue() == "two\n"


def test_a_stream_given_is_kept_until_standard_error_is_given_back():
    handler = Console()
    own = io.StringIO()
    handler.stream = own
    assert handler.stream is own
    handler.stream = sys.stderr
    assert handler.stream is sys.stderr


def test_logging_still_prints_after_a_command_runs_in_process(tmp_path, monkeypatch):
    from linkwork.cli import main

    during, after = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", during)
    with pytest.raises(SystemExit):
        main(["import-oruk", str(tmp_path / "nowhere"), "--skip-checks", "--no-progress"])
    during.close()  # as a test's capture is closed when the test ends
    monkeypatch.setattr(sys, "stderr", after)

    logging.getLogger("linkwork.test").warning("still printing")

    assert "still printing" in after.getvalue()
    assert "Logging error" not in after.getvalue()
