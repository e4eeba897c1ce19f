"""Letters: a printable A4 PDF, counted as sent once it exists."""

from __future__ import annotations

import re
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


def _drawn(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """Record the text of every cell the letter draws."""
    from fpdf import FPDF

    drawn: list[str] = []
    for name in ("cell", "multi_cell"):
        original = getattr(FPDF, name)

        def record(self, w=None, h=None, text="", *args, _original=original, **kwargs):  # type: ignore[no-untyped-def]
            drawn.append(text)
            return _original(self, w, h, text, *args, **kwargs)

        monkeypatch.setattr(FPDF, name, record)
    return drawn


def _characters_in_fonts(pdf: bytes) -> set[str]:
    """The characters the embedded fonts' ToUnicode maps cover: only those drawn, as fpdf2
    embeds a subset of the font."""
    return {chr(int(code, 16)) for code in re.findall(rb"<[0-9A-F]{4}> <([0-9A-F]{4,8})>", pdf)}


def test_welsh_letter_draws_w_and_y_circumflex_as_written(monkeypatch):
    drawn = _drawn(monkeypatch)
    message = letter_message(
        audience="person",
        language="cy",
        recipient_name="Gwŷn Siôn",
        recipient_address="1 Ffordd y Bŵth\nCaerdydd\nCF10 1AA",
        subject="Mae eich cymorth wedi dod i ben",
        body="Helo Gwŷn,\n\nMae\u2019r gŵr yn y tŷ.\n",
    )
    pdf = render_letter(message)
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf, "a TrueType font is embedded"
    assert {"ŵ", "ŷ", "ô", "\u2019"} <= _characters_in_fonts(pdf)
    for written in ["Gwŷn Siôn", "1 Ffordd y Bŵth", "Mae\u2019r gŵr yn y tŷ."]:
        assert written in drawn, written
    # The letter's own words are in Welsh too: the date's month and the page numbers.
    assert any(line.startswith("Tudalen 1 o") for line in drawn)
    assert not any(line.startswith("Page") for line in drawn)


def test_english_letter_keeps_english_words_and_names_as_written(monkeypatch):
    drawn = _drawn(monkeypatch)
    render_letter(letter_message(recipient_name="Zofia Łukasiewicz"))
    assert "Zofia Łukasiewicz" in drawn
    assert any(line.startswith("Page 1 of") for line in drawn)
