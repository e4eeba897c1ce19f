"""The health check as a PDF, laid out by WeasyPrint from a self-contained HTML page (inline
CSS, nothing fetched), as the subject access export and the evaluation report are."""

from __future__ import annotations

import logging


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs (Pango) are missing."""


def pdf_of(html: str) -> bytes:
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise PdfUnavailable(
            f"The PDF needs WeasyPrint and the Pango libraries ({error}); print the page instead."
        ) from None
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
