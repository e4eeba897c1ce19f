"""`linkwork import-list-sizes FILE`: GP practice list sizes from NHS England's "Patients
Registered at a GP Practice" CSV. Exits 0 when every list-size row was read, 1 when some
rows were rejected, 2 when the file cannot be read or names no practice Linkwork knows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwork.accounts.list_sizes import ListSizeFileError, ListSizeReport, import_list_sizes
from linkwork.core.presenters import date_uk

SHOWN_REJECTIONS = 100


class Command(BaseCommand):
    help = (
        "Load GP practice list sizes from the NHS \u201cPatients Registered at a GP Practice\u201d "
        "CSV (the all ages, all sexes row of each practice Linkwork knows)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The publication's CSV file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            with path.open(encoding="utf-8-sig", newline="") as lines:
                report = import_list_sizes(lines)
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file.", returncode=2) from None
        except (ListSizeFileError, UnicodeDecodeError, OSError) as error:
            raise CommandError(f"{path}: {error}.", returncode=2) from None
        self.stdout.write(render(report, path))
        for line, reason in report.rejected[:SHOWN_REJECTIONS]:
            self.stderr.write(f"line {line}: {reason}")
        hidden = len(report.rejected) - SHOWN_REJECTIONS
        if hidden > 0:
            self.stderr.write(f"... and {hidden} more rejected rows")
        if not report.imported:
            raise CommandError(
                f"{path}: no list size was imported: the file names no GP practice Linkwork "
                "knows by its ODS code"
                + (f" ({len(report.rejected)} row(s) rejected)" if report.rejected else "")
                + ".",
                returncode=2,
            )
        if report.rejected:
            raise CommandError(f"{len(report.rejected)} row(s) rejected.", returncode=1)


def render(report: ListSizeReport, path: Path) -> str:
    dates = sorted({extract_date for _, extract_date, _ in report.imported})
    lines = [
        f"Read {report.rows_read:,} rows from {path}.",
        f"Imported the list sizes of {len(report.imported):,} practices"
        + (f" (extract date {', '.join(date_uk(day) for day in dates)})" if dates else "")
        + ".",
        f"Skipped {report.unknown_practices:,} practices Linkwork does not know, "
        f"{report.breakdown_rows:,} rows by sex or age and {report.other_types:,} rows that "
        "are not about a practice.",
        f"Rejected {len(report.rejected):,} rows.",
    ]
    if report.missing:
        names = ", ".join(f"{name} ({code})" for name, code in report.missing)
        lines.append(f"No list size in the file for: {names}.")
    return "\n".join(lines)
