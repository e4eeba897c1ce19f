"""HTML to PDF in core: a PDF when WeasyPrint is there, a clear PdfUnavailable when not."""

import logging
import sys

import pytest

from linkwork.core.pdf import PdfUnavailable, pdf_of


def test_pdf_of_lays_out_the_page_and_restores_log_levels() -> None:
    assert pdf_of("<p>Hello</p>", instead="print it").startswith(b"%PDF")
    # WeasyPrint sets its own level when first imported; the level after that is kept.
    logger = logging.getLogger("weasyprint")
    before = logger.level
    pdf_of("<p>Again</p>", instead="print it")
    assert logger.level == before


def test_missing_weasyprint_says_what_to_do_instead(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(PdfUnavailable, match=r"Pango libraries .*; print the page instead"):
        pdf_of("<p>Hello</p>", instead="print the page instead")
