"""The health check as a PDF, laid out by WeasyPrint from a self-contained HTML page (inline
CSS, nothing fetched), as the subject access export and the evaluation report are."""

from __future__ import annotations

from linkwork.core import pdf
from linkwork.core.pdf import PdfUnavailable

__all__ = ["PdfUnavailable", "pdf_of"]


def pdf_of(html: str) -> bytes:
    return pdf.pdf_of(html, instead="print the page instead.")
