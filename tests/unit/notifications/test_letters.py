"""Letters: a printable A4 PDF, counted as sent once it exists."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail

from linkwork.notifications.backends import (
    EmailBackend,
    LetterBackend,
    LocalTextBackend,
    PermanentFailure,
    TemporaryFailure,
)
from linkwork.notifications.letters import latin1, render_letter
from linkwork.notifications.models import DeliveryChannel, Letter, Message
from tests.unit.notifications import helpers


def letter_message(referral=None, **fields) -> Message:  # type: ignore[no-untyped-def]
    values = {
        "referral": referral,
        "audience": "gp",
        "event": "closed",
        "channel": DeliveryChannel.LETTER,
        "recipient_name": "Alder Street Surgery",
        "recipient_address": "3 Alder Street\nMillbrook\nBK1 2AB",
        "subject": "Referral LW-ABCD-EFGH: social prescribing support has ended",
        "body": "Scheme A has ended support.\n\nNeeds identified\n- Loneliness or isolation\n",
    }
    values.update(fields)
    return Message(**values)


def test_letter_is_an_a4_pdf():
    pdf = render_letter(letter_message())
    assert pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert b"/MediaBox [0 0 595.28 841.89]" in pdf, "A4 portrait"


def test_letter_copes_with_characters_beyond_latin1():
    message = letter_message(
        recipient_name="Zofia Łukasiewicz",
        body="Dziękujemy \u2014 \u201cthank you\u201d \u2026 \U0001f600\n" * 80,
    )
    assert render_letter(message).startswith(b"%PDF")


def test_latin1_keeps_what_it_can():
    assert latin1("\u201cDziękujemy\u201d \u2014 café") == '"Dziekujemy" - café'
    assert latin1("Łódź") == "?ódz"


@pytest.mark.django_db
def test_letter_backend_stores_the_pdf_on_the_message(world):
    referral = helpers.referral(world)
    message = letter_message(referral)
    message.save()
    reference = LetterBackend().send(message)
    assert reference == f"letter:{message.pk}"
    assert bytes(Letter.objects.get(message=message).pdf).startswith(b"%PDF")


def test_local_text_backend_sends_nothing_anywhere():
    message = letter_message(channel=DeliveryChannel.TEXT, recipient_address="07700900123")
    assert LocalTextBackend().send(message) == f"local:{message.pk}"
    assert mail.outbox == []


def test_email_backend_uses_django_mail():
    message = letter_message(channel=DeliveryChannel.EMAIL, recipient_address="gp@example.org")
    reference = EmailBackend().send(message)
    [email] = mail.outbox
    assert email.to == ["gp@example.org"]
    assert email.subject == message.subject
    assert email.body == message.body
    assert email.extra_headers["Message-ID"] == reference


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (smtplib.SMTPServerDisconnected("gone"), TemporaryFailure),
        (ConnectionRefusedError(), TemporaryFailure),
        (smtplib.SMTPRecipientsRefused({"gp@example.org": (550, b"no")}), PermanentFailure),
    ],
)
def test_email_backend_sorts_mail_server_errors(monkeypatch, error, failure):
    def refuse(self, fail_silently=False):  # type: ignore[no-untyped-def]
        raise error

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    message = letter_message(channel=DeliveryChannel.EMAIL, recipient_address="gp@example.org")
    with pytest.raises(failure) as raised:
        EmailBackend().send(message)
    assert "gp@example.org" not in str(raised.value)
