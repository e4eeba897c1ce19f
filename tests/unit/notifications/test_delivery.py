"""Sending after commit, retrying what failed for now, and never losing a message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from linkwork.audit.models import AuditEvent
from linkwork.notifications import lifecycle
from linkwork.notifications.lifecycle import InvalidMessageTransition
from linkwork.notifications.models import DeliveryChannel, Message, MessageStatus
from linkwork.notifications.tasks import CLAIM_HOLD, deliver, queue, retry_delay
from tests.unit.notifications import helpers

pytestmark = pytest.mark.django_db

FAKES = "tests.unit.notifications.helpers"


@pytest.fixture
def email_via(settings):
    def choose(name: str) -> None:
        settings.LINKWORK_MESSAGE_BACKENDS = {
            **settings.LINKWORK_MESSAGE_BACKENDS,
            "email": f"{FAKES}.{name}",
        }

    return choose


def new_message(referral=None, **fields) -> Message:  # type: ignore[no-untyped-def]
    values = {
        "referral": referral,
        "audience": "referrer",
        "event": "accepted",
        "channel": DeliveryChannel.EMAIL,
        "recipient_name": "Dr Rita Referrer",
        "recipient_address": "rita@example.org",
        "subject": "Referral accepted",
        "body": "Accepted.",
    }
    values.update(fields)
    return Message(**values)


def test_queue_sends_only_after_commit(world, email_via, django_capture_on_commit_callbacks):
    email_via("Flaky")
    helpers.Flaky.failures = 0
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = queue(new_message())
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert helpers.Flaky.calls == 0, "sent before the transaction committed"
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.provider_reference) == (
        MessageStatus.SENT,
        1,
        "flaky:1",
    )
    assert message.sent_at is not None


def queue_then_fail() -> None:
    with transaction.atomic():
        queue(new_message())
        raise RuntimeError("the referral action failed")


def test_queue_sends_nothing_when_the_transaction_rolls_back(
    world, email_via, django_capture_on_commit_callbacks
):
    email_via("Flaky")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        queue_then_fail()
    assert helpers.Flaky.calls == 0
    assert not Message.objects.exists()


def test_temporary_failures_are_retried_until_sent(
    world, email_via, django_capture_on_commit_callbacks
):
    email_via("Flaky")
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(new_message())
    message.refresh_from_db()
    assert helpers.Flaky.calls == 3
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 3, "")
    assert message.provider_reference == "flaky:3"


def test_a_message_that_keeps_failing_is_marked_failed_and_kept(
    world, email_via, settings, django_capture_on_commit_callbacks
):
    email_via("AlwaysDown")
    settings.LINKWORK_MESSAGE_MAX_ATTEMPTS = 5
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(new_message())
    message.refresh_from_db()
    assert helpers.AlwaysDown.calls == 5
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 5)
    assert message.last_error == "Could not reach Notify (URLError)"
    assert message.sent_at is None


def test_a_permanent_failure_is_marked_failed_at_once(
    world, email_via, django_capture_on_commit_callbacks
):
    email_via("Refusing")
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(new_message())
    message.refresh_from_db()
    assert helpers.Refusing.calls == 1
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert message.last_error == "Notify answered 400 (BadRequestError)"


def test_a_fault_in_our_code_keeps_the_message_and_no_personal_data(
    world, email_via, settings, django_capture_on_commit_callbacks
):
    email_via("Broken")
    settings.LINKWORK_MESSAGE_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(new_message())
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.last_error == "Unexpected error (RuntimeError)"
    assert "rita" not in message.last_error


def test_retries_wait_on_a_backend_that_can_wait(world, email_via, settings):
    email_via("AlwaysDown")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    message = new_message()
    message.save()
    before = timezone.now()
    assert deliver(message.pk) == "retrying"
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.next_attempt_at >= before + dt.timedelta(seconds=60)
    from linkwork.notifications.tasks import deliver_message

    [result] = deliver_message.get_backend().results  # type: ignore[attr-defined]
    assert result.args == [str(message.pk)]
    assert result.task.run_after == message.next_attempt_at


def test_retry_delay_grows_and_is_capped(settings):
    settings.LINKWORK_MESSAGE_RETRY_SECONDS = 60
    delays = [retry_delay(attempt) for attempt in range(1, 6)]
    assert delays[:4] == [dt.timedelta(minutes=m) for m in (1, 4, 16, 64)]
    assert retry_delay(20) == dt.timedelta(hours=6)


def test_deliver_skips_a_message_that_was_sent(world, email_via):
    email_via("Flaky")
    message = new_message(status=MessageStatus.SENT, sent_at=timezone.now())
    message.save()
    assert deliver(message.pk) == "skipped"
    assert helpers.Flaky.calls == 0


def test_two_workers_cannot_claim_one_message(world):
    message = new_message()
    message.save()
    assert lifecycle.claim(message.pk, hold=CLAIM_HOLD) is not None
    assert lifecycle.claim(message.pk, hold=CLAIM_HOLD) is None


def test_lifecycle_refuses_to_change_a_sent_message(world):
    queued = new_message()
    queued.save()
    claimed = lifecycle.claim(queued.pk, hold=CLAIM_HOLD)
    assert claimed is not None
    message = lifecycle.mark_sent(claimed.message, provider_reference="x")
    for change in (lifecycle.requeue, lifecycle.cancel):
        with pytest.raises(InvalidMessageTransition, match="sent cannot become"):
            change(message)


def test_lifecycle_refuses_a_change_someone_else_made_first(world):
    message = new_message()
    message.save()
    claimed = lifecycle.claim(message.pk, hold=CLAIM_HOLD)
    assert claimed is not None
    stale = Message.objects.get(pk=message.pk)
    lifecycle.mark_failed(claimed.message, error="Notify answered 400")
    with pytest.raises(InvalidMessageTransition, match="failed cannot become sent"):
        lifecycle.mark_sent(stale, provider_reference="x")


def test_retry_messages_command_sends_failed_and_stuck_messages(
    world, email_via, django_capture_on_commit_callbacks
):
    email_via("Flaky")
    helpers.Flaky.failures = 0
    failed = new_message(status=MessageStatus.FAILED, attempts=5, last_error="down")
    failed.save()
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    stuck = new_message(next_attempt_at=hour_ago)
    stuck.save()
    waiting = new_message(next_attempt_at=timezone.now())
    waiting.save()
    held = new_message(
        status=MessageStatus.SENDING,
        next_attempt_at=hour_ago,
        claimed_until=timezone.now() + CLAIM_HOLD,
    )
    held.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_messages")
    statuses = {
        name: Message.objects.get(pk=m.pk).status
        for name, m in [("failed", failed), ("stuck", stuck), ("waiting", waiting), ("held", held)]
    }
    assert statuses == {
        "failed": MessageStatus.SENT,
        "stuck": MessageStatus.SENT,
        "waiting": MessageStatus.QUEUED,
        "held": MessageStatus.SENDING,
    }
    assert AuditEvent.objects.filter(action="message.retried").count() == 2


def test_retry_messages_dry_run_changes_nothing(world, capsys):
    failed = new_message(status=MessageStatus.FAILED)
    failed.save()
    call_command("retry_messages", "--dry-run")
    assert "1 messages would be sent again" in capsys.readouterr().out
    failed.refresh_from_db()
    assert failed.status == MessageStatus.FAILED


def test_a_sent_message_records_when(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        new_message(status=MessageStatus.SENT).save()


def test_a_message_has_an_address(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        new_message(recipient_address="").save()


def test_settings_choose_the_backend_for_each_channel(settings):
    from linkwork.notifications.backends import (
        EmailBackend,
        LetterBackend,
        LocalTextBackend,
        backend_for,
    )

    settings.LINKWORK_MESSAGE_BACKENDS = {"email": "django", "text": "local", "letter": "pdf"}
    assert isinstance(backend_for("email"), EmailBackend)
    assert isinstance(backend_for("text"), LocalTextBackend)
    assert isinstance(backend_for("letter"), LetterBackend)
    settings.LINKWORK_MESSAGE_BACKENDS = {"email": f"{FAKES}.Flaky"}
    assert isinstance(backend_for("email"), helpers.Flaky)


def test_an_unknown_backend_is_reported_at_start_up(settings):
    from django.core.exceptions import ImproperlyConfigured

    from linkwork.notifications.backends import backend_for
    from linkwork.notifications.checks import message_backends

    settings.LINKWORK_MESSAGE_BACKENDS = {"email": "pigeon", "text": "local", "letter": "pdf"}
    [problem] = message_backends()
    assert problem.id == "notifications.E001"
    assert "LINKWORK_MESSAGE_EMAIL_BACKEND" in problem.hint
    with pytest.raises(ImproperlyConfigured, match="choose one of django, notify"):
        backend_for("email")
