"""Delivery is at least once and never twice (issue 16, item 10).

A task worker claims a message (status sending) before handing it to the backend, with the
message's id as the key the provider keeps, and writes a receipt the moment the backend
accepts it. When the worker stops between sending and marking the message sent, the next
attempt finds the message still sending and asks (the receipt, then the backend by
reference) instead of sending again. Each test injects the crash at one step and counts the
sends at the backend itself: Django's mail outbox, or a GOV.UK Notify stand-in that keeps
notifications by reference as Notify does.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import urllib.error
import urllib.parse
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from linkwork.notifications import lifecycle, tasks
from linkwork.notifications.actions import retry_message
from linkwork.notifications.backends import NotifyBackend, email_message_id
from linkwork.notifications.lifecycle import InvalidMessageTransition
from linkwork.notifications.models import DeliveryChannel, Message, MessageStatus, Receipt
from linkwork.notifications.tasks import CLAIM_HOLD, deliver

pytestmark = pytest.mark.django_db

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
API_KEY = f"linkwork_test-{SERVICE_ID}-3d844edf-8d35-48ac-975b-e847b4f122b0"


class Answer(io.BytesIO):
    def __enter__(self) -> Answer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class NotifyService:
    """GOV.UK Notify as the backend sees it: POSTs create notifications, each keeping the
    `reference` it was sent with; `GET /v2/notifications?reference=` finds them. `down`
    makes it unreachable."""

    def __init__(self) -> None:
        self.notifications: list[dict[str, str]] = []
        self.down = False

    def open(self, request: Any, *, timeout: float) -> Answer:
        if self.down:
            raise urllib.error.URLError("Connection refused")
        url = urllib.parse.urlsplit(request.full_url)
        if request.get_method() == "POST":
            sent = json.loads(request.data)
            notification = {"id": f"notify-{len(self.notifications) + 1}", **sent}
            self.notifications.append(notification)
            return Answer(json.dumps({"id": notification["id"]}).encode())
        wanted = urllib.parse.parse_qs(url.query)["reference"][0]
        found = [n for n in self.notifications if n["reference"] == wanted]
        return Answer(json.dumps({"notifications": found, "links": {}}).encode())


SERVICE = NotifyService()


class NotifyStandIn(NotifyBackend):
    """The real Notify backend, talking to the stand-in service."""

    def __init__(self) -> None:
        super().__init__(
            api_key=API_KEY,
            base_url="https://api.notifications.service.gov.uk",
            email_template_id="f33517ff-2a88-4f6e-b855-c550268ce08a",
            text_template_id="0d1b8fd1-49b3-4a04-8d7c-4a1d4f3b1c2e",
            opener=SERVICE,
        )


@pytest.fixture
def via_django_mail(settings):
    settings.LINKWORK_MESSAGE_BACKENDS = {**settings.LINKWORK_MESSAGE_BACKENDS, "email": "django"}


@pytest.fixture
def via_notify(settings):
    global SERVICE
    SERVICE = NotifyService()
    settings.LINKWORK_MESSAGE_BACKENDS = {
        **settings.LINKWORK_MESSAGE_BACKENDS,
        "email": f"{__name__}.NotifyStandIn",
    }
    return SERVICE


def a_message() -> Message:
    message = Message(
        audience="referrer",
        event="accepted",
        channel=DeliveryChannel.EMAIL,
        recipient_name="Dr Rita Referrer",
        recipient_address="rita@example.org",
        subject="Referral accepted",
        body="Accepted.",
    )
    message.save()
    return message


def crash_once(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> None:
    """The next call of `owner.name` fails as a lost database connection does; later calls
    work."""
    real = getattr(owner, name)
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)


def after_the_claim_runs_out(time_machine) -> None:  # type: ignore[no-untyped-def]
    time_machine.move_to(timezone.now() + CLAIM_HOLD + dt.timedelta(seconds=1), tick=False)


def test_a_crash_after_sending_before_marking_sent_sends_once(
    world, via_django_mail, monkeypatch, time_machine
):
    time_machine.move_to(dt.datetime(2027, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)
    message = a_message()
    crash_once(monkeypatch, lifecycle, "mark_sent")
    with pytest.raises(OperationalError):
        deliver(message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    assert len(mail.outbox) == 1
    message_id = email_message_id(message)
    assert message_id.startswith(f"<{message.pk}@")
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id

    # While the crashed worker's claim lasts, nobody else touches the message.
    assert deliver(message.pk) == "skipped"
    after_the_claim_runs_out(time_machine)
    assert deliver(message.pk) == "sent"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    assert message.provider_reference == message_id
    assert len(mail.outbox) == 1, "sent twice"


def test_a_crash_before_the_receipt_asks_notify_by_reference(world, via_notify, time_machine):
    time_machine.move_to(dt.datetime(2027, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)
    message = a_message()
    with pytest.MonkeyPatch.context() as patch:
        crash_once(patch, tasks, "record_sent")
        with pytest.raises(OperationalError):
            deliver(message.pk)
    assert not Receipt.objects.filter(message=message).exists()
    assert [n["reference"] for n in via_notify.notifications] == [str(message.pk)]

    after_the_claim_runs_out(time_machine)
    assert deliver(message.pk) == "sent"
    message.refresh_from_db()
    assert (message.status, message.provider_reference) == (MessageStatus.SENT, "notify-1")
    assert len(via_notify.notifications) == 1, "sent twice"


def test_an_interrupted_send_that_never_reached_notify_is_sent(world, via_notify, time_machine):
    time_machine.move_to(dt.datetime(2027, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)
    message = a_message()
    assert lifecycle.claim(message.pk, hold=CLAIM_HOLD) is not None  # then the worker died
    after_the_claim_runs_out(time_machine)
    assert deliver(message.pk) == "sent"
    assert len(via_notify.notifications) == 1


def test_when_notify_cannot_say_the_message_waits_then_fails_for_a_person(
    world, via_notify, time_machine, settings
):
    settings.LINKWORK_MESSAGE_MAX_ATTEMPTS = 3
    time_machine.move_to(dt.datetime(2027, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)
    message = a_message()
    assert lifecycle.claim(message.pk, hold=CLAIM_HOLD) is not None  # attempt 1: then it died
    via_notify.down = True
    after_the_claim_runs_out(time_machine)
    assert deliver(message.pk) == "in doubt"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    assert message.last_error == (
        "Could not tell whether it was sent (Could not reach Notify (URLError))"
    )
    after_the_claim_runs_out(time_machine)
    assert deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.last_error.startswith("Could not tell whether it was sent: check first")
    assert via_notify.notifications == []


def test_two_workers_send_once(world, via_django_mail):
    message = a_message()
    assert lifecycle.claim(message.pk, hold=CLAIM_HOLD) is not None
    assert deliver(message.pk) == "skipped"
    assert mail.outbox == []


def test_try_again_by_hand_is_refused_while_a_message_may_have_gone(world, time_machine):
    time_machine.move_to(dt.datetime(2027, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)
    message = a_message()
    assert lifecycle.claim(message.pk, hold=CLAIM_HOLD) is not None
    after_the_claim_runs_out(time_machine)
    with pytest.raises(InvalidMessageTransition, match="sending cannot become queued"):
        retry_message(by=world.scheme_lead_a, message=message)
    with pytest.raises(InvalidMessageTransition, match="sending cannot become cancelled"):
        lifecycle.cancel(Message.objects.get(pk=message.pk))


def test_the_sweep_hands_an_interrupted_send_back_without_sending_again(
    world, via_django_mail, monkeypatch, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(dt.datetime(2027, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)
    message = a_message()
    crash_once(monkeypatch, lifecycle, "mark_sent")
    with pytest.raises(OperationalError):
        deliver(message.pk)
    after_the_claim_runs_out(time_machine)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_messages", stdout=io.StringIO())
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(mail.outbox) == 1


def test_a_backend_that_cannot_be_set_up_keeps_the_message(world, settings, time_machine):
    time_machine.move_to(dt.datetime(2027, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False)
    settings.LINKWORK_MESSAGE_BACKENDS = {**settings.LINKWORK_MESSAGE_BACKENDS, "email": "nope"}
    fresh = a_message()
    assert deliver(fresh.pk) == "retrying"
    # The test queue runs each retry at once, down to the last: kept, failed, never lost.
    fresh.refresh_from_db()
    assert (fresh.status, fresh.last_error) == (
        MessageStatus.FAILED,
        "Unexpected error (ImproperlyConfigured)",
    )
    interrupted = a_message()
    assert lifecycle.claim(interrupted.pk, hold=CLAIM_HOLD) is not None
    after_the_claim_runs_out(time_machine)
    assert deliver(interrupted.pk) == "in doubt"
    interrupted.refresh_from_db()
    assert interrupted.status == MessageStatus.SENDING
