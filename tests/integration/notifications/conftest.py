"""The production task queue (django-tasks' database backend) and its worker, for tests that
run `linkwork worker` for real instead of the immediate backend the rest of the suite uses."""

from __future__ import annotations

import io
import logging
import signal
from collections.abc import Callable, Iterator

import pytest
from django.core.management import call_command

WORKER_LOGGERS = ("django_tasks", "django_tasks_db.management.commands.db_worker")


@pytest.fixture
def task_database(settings) -> Iterator[None]:
    """Tasks wait in the database for a worker; the worker's global changes (signal
    handlers, log levels) are put back afterwards."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.LINKWORK_MESSAGE_BACKENDS = {**settings.LINKWORK_MESSAGE_BACKENDS, "email": "django"}
    signals = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    loggers = [logging.getLogger(name) for name in WORKER_LOGGERS]
    levels = [(lg, lg.level, list(lg.handlers)) for lg in loggers]
    try:
        yield
    finally:
        for number, handler in signals.items():
            signal.signal(number, handler)
        for lg, level, handlers in levels:
            lg.setLevel(level)
            lg.handlers[:] = handlers


@pytest.fixture
def run_worker(task_database) -> Callable[[], None]:
    """One `linkwork worker` pass (django-tasks' worker, waiting out outages): every task
    that is due, then exit."""

    def run() -> None:
        call_command("worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())

    return run
