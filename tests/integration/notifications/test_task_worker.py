"""Delivery through the real task queue: django-tasks' database backend and its worker
(`db_worker`), not the immediate backend the rest of the suite uses. A mail server that
fails once shows the retry going back into the queue, waiting its delay, and being sent."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from linkwork.notifications.models import DeliveryChannel, Message, MessageStatus
from linkwork.notifications.tasks import queue


class FailsOnceMailServer(LocmemEmailBackend):
    """Django's test outbox behind a mail server that drops the first connection."""

    calls = 0

    def send_messages(self, email_messages: Any) -> int:
        type(self).calls += 1
        if type(self).calls == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)


@pytest.fixture
def database_queue(task_database, settings) -> None:
    """The production task backend and a mail server that fails once."""
    settings.EMAIL_BACKEND = f"{__name__}.FailsOnceMailServer"
    settings.LINKWORK_MESSAGE_RETRY_SECONDS = 60
    FailsOnceMailServer.calls = 0


@pytest.mark.django_db(transaction=True)
def test_db_worker_sends_a_message_after_one_temporary_failure(
    database_queue, run_worker, time_machine
):
    start = dt.datetime(2027, 3, 3, 9, 0, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
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
    # Committed: the task waits in the database, and nothing is sent until a worker runs.
    first = DBTaskResult.objects.get()
    assert first.status == "READY"
    assert mail.outbox == []

    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert message.last_error == "Mail server error (SMTPServerDisconnected)"
    assert message.next_attempt_at == start + dt.timedelta(seconds=60)
    first.refresh_from_db()
    retry = DBTaskResult.objects.exclude(pk=first.pk).get()
    assert (first.status, first.return_value) == ("SUCCESSFUL", "retrying")
    assert (retry.status, retry.run_after) == ("READY", start + dt.timedelta(seconds=60))
    assert mail.outbox == []

    # Before its delay the retry is not due: the worker leaves it waiting.
    time_machine.move_to(start + dt.timedelta(seconds=59), tick=False)
    run_worker()
    retry.refresh_from_db()
    assert retry.status == "READY"

    time_machine.move_to(start + dt.timedelta(seconds=61), tick=False)
    run_worker()
    message.refresh_from_db()
    retry.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 2, "")
    assert message.sent_at == timezone.now()
    assert (retry.status, retry.return_value) == ("SUCCESSFUL", "sent")
    assert [(m.to, m.subject) for m in mail.outbox] == [(["rita@example.org"], "Referral accepted")]
    assert FailsOnceMailServer.calls == 2
