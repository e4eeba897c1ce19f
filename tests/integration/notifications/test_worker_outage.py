"""`linkwork worker` survives a database outage: it reconnects with growing pauses (2, 4, 8 ...
seconds, at most 60) and then runs the task that waited (issue 16, item 10).

The real command runs against the real task queue; only its pause is replaced, by a clock
that moves the outage on instead of sleeping, so the test is fast and the same every time.
While the outage lasts every new connection is refused, as when PostgreSQL is stopped.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django_tasks_db.models import DBTaskResult

from linkwork.core.management.commands import worker
from linkwork.notifications.models import DeliveryChannel, Message, MessageStatus
from linkwork.notifications.tasks import queue


class Outage:
    """The database is away until `seconds` of the worker's pauses have passed."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds
        self.pauses: list[float] = []

    @property
    def away(self) -> bool:
        return self.left > 0

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.left -= seconds


@contextmanager
def database_outage(monkeypatch: pytest.MonkeyPatch, outage: Outage) -> Iterator[None]:
    real_ensure = BaseDatabaseWrapper.ensure_connection

    def ensure_connection(connection: BaseDatabaseWrapper) -> None:
        if outage.away:
            raise OperationalError(
                'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
            )
        real_ensure(connection)

    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "ensure_connection", ensure_connection)
        patch.setattr(worker.Command, "pause", lambda command, seconds: outage.pause(seconds))
        yield


@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_out_a_three_minute_outage_then_sends(task_database, monkeypatch, caplog):
    with transaction.atomic():
        message = queue(
            Message(
                audience="referrer",
                event="accepted",
                channel=DeliveryChannel.EMAIL,
                recipient_name="Dr Rita Referrer",
                recipient_address="rita@example.org",
                subject="Referral accepted",
                body="Accepted.",
            )
        )
    assert DBTaskResult.objects.get().status == "READY"

    outage = Outage(seconds=180)
    with (
        database_outage(monkeypatch, outage),
        caplog.at_level(logging.WARNING, logger="linkwork.worker"),
    ):
        call_command("worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())

    # Seven refusals, each followed by a longer pause, capped at a minute: 182 s in all.
    assert outage.pauses == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
    assert [r.getMessage() for r in caplog.records] == [
        f"The database cannot be reached (OperationalError); the worker tries again in {s:g} s."
        for s in outage.pauses
    ]
    # Back: the same process ran the task that waited through the outage.
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert [m.to for m in mail.outbox] == [["rita@example.org"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
