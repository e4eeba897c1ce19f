"""HTML to PDF through WeasyPrint, for pages that are self-contained (inline CSS and SVG,
nothing fetched): the health check, the evaluation report and the subject access export."""

from __future__ import annotations

import logging


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs (Pango) are missing."""


def pdf_of(html: str, *, instead: str) -> bytes:
    """The page as PDF; `instead` ends the PdfUnavailable message with what to do without it."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise PdfUnavailable(
            f"The PDF needs WeasyPrint and the Pango libraries ({error}); {instead}"
        ) from None
    # WeasyPrint logs each CSS property of inline SVGs it reads as an HTML property it does
    # not know (fill, stroke): noise for a report, so only its errors are let through.
    quiet = [logging.getLogger(name) for name in ("weasyprint", "fontTools")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    try:
        result: bytes = weasyprint.HTML(string=html).write_pdf()
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    return result
