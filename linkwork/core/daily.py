"""The daily jobs that `linkwork reminders` queues.

Each app registers its own jobs in its `AppConfig.ready()`, so the command names none of them
and core knows no domain. They run in the order they were registered, which is the order of
the apps in `INSTALLED_APPS`.
"""

from __future__ import annotations

from typing import Any

from django_tasks.base import Task

DailyJob = Task[[], Any]

_jobs: list[DailyJob] = []


def register(*jobs: DailyJob) -> None:
    """Add `jobs` to the daily list, each once, in the order given."""
    for job in jobs:
        if job not in _jobs:
            _jobs.append(job)


def jobs() -> list[DailyJob]:
    """The registered daily jobs, in the order they were registered."""
    return list(_jobs)
