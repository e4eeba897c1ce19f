"""The report as one self-contained HTML file (inline CSS and SVG, nothing fetched), and as a
PDF through WeasyPrint, which lays out that same HTML."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import jinja2

from linkwork.core import pdf
from linkwork.core.pdf import PdfUnavailable
from linkwork.evaluation_reports.analyses import Report

__all__ = ["PdfUnavailable", "html_of", "pdf_of", "write_atomically"]

TEMPLATES = Path(__file__).with_name("report")


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
    return pdf.pdf_of(html, instead="the HTML report is complete without it")


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
