"""The task worker that waits out a database outage.

django-tasks' `db_worker` leaves its loop, and the process, on the first database error that
is not a lock: a PostgreSQL restart would stop every message and reminder until someone
restarted the worker by hand. `linkwork worker` takes the same options and runs the same
worker; when the database cannot be reached it closes its connections, waits (2 s, doubling
to at most 60 s) and starts again, for as long as it takes. A signal (SIGTERM, Ctrl+C) still
stops it at once, as it stops `db_worker`.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Final

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("linkwork.worker")

FIRST_WAIT_SECONDS: Final = 2.0
LONGEST_WAIT_SECONDS: Final = 60.0


class Command(db_worker.Command):
    help = (
        "Run background tasks from the database queue (django-tasks' db_worker), waiting out "
        "database outages instead of exiting."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        wait = FIRST_WAIT_SECONDS
        while True:
            started = time.monotonic()
            try:
                super().handle(*args, **options)
                return
            except (OperationalError, InterfaceError) as exc:
                if time.monotonic() - started > LONGEST_WAIT_SECONDS:
                    wait = FIRST_WAIT_SECONDS  # a new outage after a good run
                # The exception's class only: its text can hold the connection's address.
                logger.warning(
                    "The database cannot be reached (%s); the worker tries again in %g s.",
                    exc.__class__.__name__,
                    wait,
                )
                connections.close_all()
                self.pause(wait)
                wait = min(wait * 2, LONGEST_WAIT_SECONDS)

    def pause(self, seconds: float) -> None:
        time.sleep(seconds)
