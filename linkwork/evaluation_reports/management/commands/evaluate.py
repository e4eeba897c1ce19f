"""`linkwork evaluate SPEC.toml`: run the evaluation a spec describes and write the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwork.evaluation_reports.analyses import build_report, load_files
from linkwork.evaluation_reports.render import PdfUnavailable, html_of, pdf_of, write_atomically
from linkwork.evaluation_reports.spec import SpecError, parse_spec

# Exit codes: 0 the report is complete; 1 it was written but an analysis could not run (each
# is named on stderr and in the report); 2 nothing was written (a bad spec, unreadable data).
INCOMPLETE = 1
NOT_WRITTEN = 2


class Command(BaseCommand):
    help = (
        "Run the evaluation SPEC describes (a TOML file: the data, the analyses, thresholds, "
        "subgroups, B and seed) and write a self-contained HTML report, or a PDF with --pdf "
        "or an --out ending in .pdf. Exit 0: complete; 1: written, but an analysis could not "
        "run; 2: not written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("spec", type=Path, metavar="SPEC.toml")
        parser.add_argument(
            "--out",
            type=Path,
            metavar="FILE",
            help="the report file (default: beside the spec, named after it, .html)",
        )
        parser.add_argument(
            "--pdf", action="store_true", help="also write a PDF beside the HTML (WeasyPrint)"
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            spec = parse_spec(options["spec"])
            out: Path = options["out"] or options["spec"].with_suffix(".html")
            if not out.parent.is_dir():
                raise SpecError("--out", f"the folder {out.parent} does not exist")
            if out.suffix.lower() not in (".html", ".htm", ".pdf"):
                raise SpecError("--out", f"{out.name}: the report file must end .html or .pdf")
            if spec.data.source == "database":
                from linkwork.evaluation_reports.live import extract_from_database

                extract, _ = extract_from_database(spec)
            else:
                extract = load_files(spec)
            report = build_report(spec, extract, progress=not options["quiet"])
        except SpecError as error:
            raise CommandError(str(error), returncode=NOT_WRITTEN) from None
        html = html_of(report)
        wants_pdf = options["pdf"] or out.suffix.lower() == ".pdf"
        html_path = out.with_suffix(".html")
        write_atomically(html_path, html.encode("utf-8"))
        written = [str(html_path)]
        if wants_pdf:
            try:
                write_atomically(out.with_suffix(".pdf"), pdf_of(html))
                written.append(str(out.with_suffix(".pdf")))
            except PdfUnavailable as error:
                self.stderr.write(f"linkwork evaluate: no PDF: {error}")
        sections = ", ".join(s.title for s in report.sections)
        self.stdout.write(f"Wrote {' and '.join(written)}: {sections}.")
        if report.problems:
            raise CommandError(
                "the report is incomplete: could not run " + "; ".join(report.problems),
                returncode=INCOMPLETE,
            )
