"""`notifications.send`: the one way every app sends a message."""

from __future__ import annotations

import inspect

import pytest
from django.core import mail

from linkwork import notifications
from linkwork.notifications.addressing import Recipient
from linkwork.notifications.models import Audience, DeliveryChannel, Event, Message, MessageStatus

pytestmark = pytest.mark.django_db

TO = Recipient(Audience.LINK_WORKER, DeliveryChannel.EMAIL, "Lina Worker", "lina@example.org")


def test_send_takes_keywords_only():
    parameters = inspect.signature(notifications.send).parameters.values()
    assert {parameter.kind for parameter in parameters} == {inspect.Parameter.KEYWORD_ONLY}


def test_send_keeps_the_message_and_delivers_it_only_after_commit(
    referral_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = notifications.send(
            to=TO,
            event=Event.DUE_ITEMS,
            subject="2 casework items due",
            body="Due today.\n",
            referral_id=referral_a.pk,
        )
    kept = Message.objects.get(pk=message.pk)
    assert (kept.status, kept.referral_id, kept.audience, kept.channel) == (
        MessageStatus.QUEUED,
        referral_a.pk,
        "link_worker",
        "email",
    )
    assert (kept.recipient_name, kept.recipient_address) == ("Lina Worker", "lina@example.org")
    assert (kept.subject, kept.body) == ("2 casework items due", "Due today.\n")
    assert mail.outbox == [], "sent before the transaction committed"
    assert len(callbacks) == 1
    callbacks[0]()
    kept.refresh_from_db()
    assert kept.status == MessageStatus.SENT
    assert [email.to for email in mail.outbox] == [["lina@example.org"]]


def test_send_about_no_referral_and_cuts_long_names_and_subjects_to_fit(
    django_capture_on_commit_callbacks,
):
    long = Recipient(Audience.LINK_WORKER, DeliveryChannel.EMAIL, "N" * 250, "n@example.org")
    with django_capture_on_commit_callbacks(execute=False):
        message = notifications.send(to=long, event=Event.DUE_ITEMS, subject="S" * 250, body="B")
    kept = Message.objects.get(pk=message.pk)
    assert kept.referral_id is None
    assert (kept.recipient_name, kept.subject) == ("N" * 200, "S" * 200)
