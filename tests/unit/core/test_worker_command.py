"""`linkwork worker` waits out a database outage and carries on (issue 16, item 10)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import OperationalError
from django_tasks_db.management.commands import db_worker

from linkwork.core.management.commands import worker


class Outage:
    """The inner worker as it behaves when the database goes away `times` times and then
    comes back: it raises, and after the outage runs to its end (a batch, say)."""

    def __init__(self, times: int) -> None:
        self.left = times
        self.runs = 0

    def __call__(self, command: Any, *args: Any, **options: Any) -> None:
        self.runs += 1
        if self.left:
            self.left -= 1
            raise OperationalError("connection to server on socket failed: No such file")


def test_the_worker_waits_out_an_outage_with_growing_pauses(monkeypatch, caplog):
    outage = Outage(times=4)
    monkeypatch.setattr(db_worker.Command, "handle", lambda self, *a, **k: outage(self, *a, **k))
    pauses: list[float] = []
    monkeypatch.setattr(worker.Command, "pause", lambda self, seconds: pauses.append(seconds))
    with caplog.at_level(logging.WARNING, logger="linkwork.worker"):
        worker.Command().handle(batch=True)
    assert outage.runs == 5  # four failures, then the run that finished
    assert pauses == [2.0, 4.0, 8.0, 16.0]
    assert len(caplog.records) == 4
    # The log names the kind of failure, never the connection's text.
    assert all("socket" not in record.getMessage() for record in caplog.records)


def test_pauses_stop_growing_at_a_minute(monkeypatch):
    outage = Outage(times=8)
    monkeypatch.setattr(db_worker.Command, "handle", lambda self, *a, **k: outage(self, *a, **k))
    pauses: list[float] = []
    monkeypatch.setattr(worker.Command, "pause", lambda self, seconds: pauses.append(seconds))
    worker.Command().handle(batch=True)
    assert pauses == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]


def test_a_signal_still_stops_the_worker(monkeypatch):
    def stopped(command: Any, *args: Any, **options: Any) -> None:
        raise SystemExit(0)

    monkeypatch.setattr(db_worker.Command, "handle", stopped)
    with pytest.raises(SystemExit):
        worker.Command().handle(batch=True)


def test_other_errors_are_not_swallowed(monkeypatch):
    def broken(command: Any, *args: Any, **options: Any) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(db_worker.Command, "handle", broken)
    with pytest.raises(ValueError, match="a bug"):
        worker.Command().handle(batch=True)
