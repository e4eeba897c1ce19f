"""Printable A4 letters, drawn with fpdf2.

The address sits where a DL window envelope shows it (left, about 45 mm down). The built-in
PDF fonts cover Latin-1 only, so typographic punctuation is turned into its plain form and
any other character that Latin-1 lacks is shown as "?".
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.utils import timezone
from fpdf import FPDF

from linkwork.core.presenters import date_uk
from linkwork.notifications.models import Message

PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2022": "-",
        "\u2026": "...",
        "\u00a0": " ",
    }
)


def latin1(text: str) -> str:
    """Text the built-in PDF fonts can draw."""
    return "".join(_latin1_character(character) for character in text.translate(PLAIN))


def _latin1_character(character: str) -> str:
    if ord(character) < 256:
        return character
    # A letter with an accent that Latin-1 lacks keeps its base letter ("ę" becomes "e").
    base = "".join(
        part for part in unicodedata.normalize("NFKD", character) if not unicodedata.combining(part)
    )
    return base if base and all(ord(part) < 256 for part in base) else "?"


class _LetterPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 5, latin1(f"{self.footer_text}Page {self.page_no()} of {{nb}}"), align="C")


def render_letter(message: Message) -> bytes:
    """The message as a one-or-more-page A4 PDF letter."""
    sender = _sender(message)
    reference = message.referral.reference if message.referral is not None else ""

    pdf = _LetterPDF(orientation="portrait", unit="mm", format="A4")
    pdf.footer_text = f"Reference {reference} - " if reference else ""
    pdf.set_title(latin1(message.subject))
    pdf.set_author(latin1(sender[0]))
    pdf.set_margins(left=25, top=20, right=20)
    pdf.set_auto_page_break(auto=True, margin=25)
    pdf.add_page()

    pdf.set_font("Helvetica", size=10)
    for line in sender:
        pdf.cell(0, 5, latin1(line), align="R", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(45)
    pdf.set_font("Helvetica", size=11)
    address = [line.strip() for line in message.recipient_address.splitlines() if line.strip()]
    if message.recipient_name.strip() and message.recipient_name.strip() not in address[:1]:
        address.insert(0, message.recipient_name.strip())
    for line in address:
        pdf.cell(0, 5.5, latin1(line), new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(max(pdf.get_y() + 10, 85))
    pdf.cell(0, 6, latin1(date_uk(timezone.now())), new_x="LMARGIN", new_y="NEXT")
    if reference:
        pdf.cell(0, 6, latin1(f"Our reference: {reference}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    pdf.set_font("Helvetica", style="B", size=13)
    pdf.multi_cell(0, 7, latin1(message.subject), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    headings = _headings(message.body)
    for paragraph in message.body.strip().split("\n\n"):
        lines = paragraph.splitlines()
        if lines and lines[0] in headings:
            pdf.set_font("Helvetica", style="B", size=11)
            pdf.multi_cell(0, 6, latin1(lines[0]), align="L", new_x="LMARGIN", new_y="NEXT")
            lines = lines[1:]
        pdf.set_font("Helvetica", size=11)
        for line in lines:
            pdf.multi_cell(0, 6, latin1(line), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    return bytes(pdf.output())


def _sender(message: Message) -> list[str]:
    if message.referral is not None:
        scheme = message.referral.scheme
        return [scheme.name, scheme.host.name]
    return [settings.LINKWORK_SERVICE_NAME, settings.LINKWORK_ORGANISATION_NAME]


def _headings(body: str) -> set[str]:
    """The first lines of paragraphs that are headings: a short line followed by more lines."""
    found = set()
    for paragraph in body.split("\n\n"):
        lines = paragraph.strip().splitlines()
        if len(lines) > 1 and len(lines[0]) < 60 and not lines[0].endswith((".", ",")):
            found.add(lines[0])
    return found
