"""Every message is written in the same transaction as the change it reports (an outbox) and
is delivered at least once (issue 16, item 10).

The change and its messages commit together or not at all; the task worker is handed each
message on commit, and when that hand-over is lost (a crash just after the commit, a cleared
queue) `linkwork retry-messages` finds the message and the worker sends it.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from linkwork.audit import auditor
from linkwork.notifications.models import DeliveryChannel, Message, MessageStatus
from linkwork.referrals import actions
from linkwork.referrals import messages as referral_messages
from linkwork.referrals.lifecycle import Status
from tests.conftest import World
from tests.unit.notifications import helpers


class AuditFails(Exception):
    pass


def test_messages_are_written_inside_the_change_before_it_commits(
    world: World, django_capture_on_commit_callbacks
):
    referral = helpers.referral(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.accept_referral(
            by=world.scheme_lead_a, referral=referral, link_worker=world.link_worker_a
        )
        # Not yet committed, and already there: written by the change itself.
        written = list(Message.objects.filter(referral=referral, event="accepted"))
    assert written, "the acceptance wrote no message"
    assert {m.status for m in written} == {MessageStatus.QUEUED}
    # What waits for the commit is only the hand-over to the task worker, one per message.
    assert len(callbacks) == len(written)


def test_a_change_that_rolls_back_leaves_no_message(world: World, monkeypatch):
    referral = helpers.referral(world)
    real_record = auditor.record

    def record(*, action: str, **fields: Any) -> Any:
        if action == "message.queued":
            raise AuditFails  # the last write of the acceptance fails
        return real_record(action=action, **fields)

    monkeypatch.setattr(referral_messages.auditor, "record", record)
    with pytest.raises(AuditFails):
        actions.accept_referral(
            by=world.scheme_lead_a, referral=referral, link_worker=world.link_worker_a
        )
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED
    assert not Message.objects.filter(referral=referral, event="accepted").exists()


@pytest.mark.django_db(transaction=True)
def test_a_message_whose_hand_over_was_lost_is_sent_by_the_sweep(
    world: World, run_worker, time_machine
):
    start = dt.datetime(2027, 3, 3, 9, 0, tzinfo=dt.UTC)
    time_machine.move_to(start, tick=False)
    referral = actions.accept_referral(
        by=world.scheme_lead_a, referral=helpers.referral(world), link_worker=world.link_worker_a
    )
    accepted = Message.objects.filter(referral=referral, event="accepted")
    emails = accepted.filter(channel=DeliveryChannel.EMAIL).count()
    assert emails, "no email to follow"
    # The queue loses every task (a worker that died holding them, a cleared queue).
    DBTaskResult.objects.all().delete()
    mail.outbox.clear()
    run_worker()
    assert set(accepted.values_list("status", flat=True)) == {MessageStatus.QUEUED}

    time_machine.move_to(start + dt.timedelta(minutes=31), tick=False)
    with transaction.atomic():
        call_command("retry_messages", stdout=io.StringIO())
    run_worker()
    assert set(accepted.values_list("status", flat=True)) == {MessageStatus.SENT}
    assert len(mail.outbox) == emails
