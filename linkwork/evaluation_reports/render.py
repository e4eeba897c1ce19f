"""The report as one self-contained HTML file (inline CSS and SVG, nothing fetched), and as a
PDF through WeasyPrint, which lays out that same HTML."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import jinja2

from linkwork.evaluation_reports.analyses import Report

TEMPLATES = Path(__file__).with_name("report")


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs (Pango) are missing."""


def html_of(report: Report) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return environment.get_template("report.html.jinja").render(report=report, css=css)


def pdf_of(html: str) -> bytes:
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise PdfUnavailable(
            f"PDF needs WeasyPrint and the Pango libraries ({error}); the HTML report is "
            "complete without it"
        ) from None
    # WeasyPrint logs each CSS property of the inline SVGs it reads as an HTML property it
    # does not know (fill, stroke): noise for a report, so only its errors are let through.
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


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the target and rename into place, so no half-written report is left."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
