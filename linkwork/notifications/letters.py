"""Printable A4 letters, drawn with fpdf2.

The address sits where a DL window envelope shows it (left, about 45 mm down). Letters are set
in DejaVu Sans, embedded in the PDF: it draws Welsh (ŵ, ŷ) and most European names as written,
never transliterated. The font is the one matplotlib (a pinned dependency) ships; nothing is
fetched at run time. A character the font lacks (an emoji, say) is shown as "?". Should the
font be missing, letters fall back to the built-in Helvetica, which covers Latin-1 only.

A letter's own words (the date, "Our reference", page numbers) are in the message's language.
"""

from __future__ import annotations

import importlib.util
import logging
import unicodedata
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import TTFFont

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


# fontTools reports each glyph it keeps when the font is subset: noise in the worker's log.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


@cache
def unicode_font() -> Path | None:
    """DejaVu Sans from matplotlib's own data, found without importing matplotlib."""
    spec = importlib.util.find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.is_file():
            return path
    return None


class _LetterPDF(FPDF):
    footer_text = ""
    family = "Helvetica"
    # The characters the embedded font draws; None while the built-in (Latin-1) font is used.
    characters: frozenset[int] | None = None

    def use_unicode_font(self, path: Path) -> None:
        self.add_font("DejaVu", style="", fname=str(path))
        self.add_font("DejaVu", style="B", fname=str(path.with_name("DejaVuSans-Bold.ttf")))
        self.family = "DejaVu"
        self.set_font("DejaVu")
        font = self.fonts["dejavu"]
        assert isinstance(font, TTFFont)
        self.characters = frozenset(font.cmap)

    def drawable(self, text: str) -> str:
        """Text the font can draw: as it is, but "?" for what the font lacks."""
        if self.characters is None:
            return latin1(text)
        return "".join(c if ord(c) in self.characters or c == "\n" else "?" for c in text)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(self.family, size=9)
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(0, 5, self.drawable(f"{self.footer_text}{page}"), align="C")


def render_letter(message: Message) -> bytes:
    """The message as a one-or-more-page A4 PDF letter, its own words in its language."""
    with translation.override(message.language or "en-gb"):
        return _render(message)


def _render(message: Message) -> bytes:
    sender = _sender(message)
    reference = message.referral.reference if message.referral is not None else ""

    pdf = _LetterPDF(orientation="portrait", unit="mm", format="A4")
    font = unicode_font()
    if font is not None:
        pdf.use_unicode_font(font)
    text, family = pdf.drawable, pdf.family
    pdf.footer_text = (
        (_("Reference %(reference)s") % {"reference": reference} + " - ") if reference else ""
    )
    pdf.set_title(text(message.subject))
    pdf.set_author(text(sender[0]))
    pdf.set_margins(left=25, top=20, right=20)
    pdf.set_auto_page_break(auto=True, margin=25)
    pdf.add_page()

    pdf.set_font(family, size=10)
    for line in sender:
        pdf.cell(0, 5, text(line), align="R", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(45)
    pdf.set_font(family, size=11)
    address = [line.strip() for line in message.recipient_address.splitlines() if line.strip()]
    if message.recipient_name.strip() and message.recipient_name.strip() not in address[:1]:
        address.insert(0, message.recipient_name.strip())
    for line in address:
        pdf.cell(0, 5.5, text(line), new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(max(pdf.get_y() + 10, 85))
    pdf.cell(0, 6, text(date_uk(timezone.now())), new_x="LMARGIN", new_y="NEXT")
    if reference:
        ours = _("Our reference: %(reference)s") % {"reference": reference}
        pdf.cell(0, 6, text(ours), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)

    pdf.set_font(family, style="B", size=13)
    pdf.multi_cell(0, 7, text(message.subject), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    headings = _headings(message.body)
    for paragraph in message.body.strip().split("\n\n"):
        lines = paragraph.splitlines()
        if lines and lines[0] in headings:
            pdf.set_font(family, style="B", size=11)
            pdf.multi_cell(0, 6, text(lines[0]), align="L", new_x="LMARGIN", new_y="NEXT")
            lines = lines[1:]
        pdf.set_font(family, size=11)
        for line in lines:
            pdf.multi_cell(0, 6, text(line), align="L", new_x="LMARGIN", new_y="NEXT")
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
