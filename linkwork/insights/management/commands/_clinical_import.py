"""What `import-clinical` and `import-care-use` share: reading the file, the report, and
the exit codes of every Linkwork import: 0 when every row was read, 1 when some rows were
rejected, 2 when the file cannot be read or nothing was imported."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from linkwork.insights.clinical import ClinicalFileError, ImportReport

SHOWN_REJECTIONS = 100


def run(
    command: BaseCommand,
    path: Path,
    importer: Callable[[Iterable[str]], ImportReport],
    what: str,
) -> None:
    try:
        with path.open(encoding="utf-8-sig", newline="") as lines:
            report = importer(lines)
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.", returncode=2) from None
    except (ClinicalFileError, UnicodeDecodeError, OSError, csv.Error) as error:
        raise CommandError(f"{path}: {error}.", returncode=2) from None
    command.stdout.write(
        f"Read {report.rows_read:,} rows from {path}.\n"
        f"Imported {report.imported:,} {what}: {report.created:,} new, "
        f"{report.updated:,} changed, {report.unchanged:,} already stored.\n"
        f"Rejected {len(report.rejected):,} rows."
    )
    for line, _column, reason in report.rejected[:SHOWN_REJECTIONS]:
        command.stderr.write(f"line {line}: {reason}")
    hidden = len(report.rejected) - SHOWN_REJECTIONS
    if hidden > 0:
        command.stderr.write(f"... and {hidden:,} more rejected rows")
    if not report.imported:
        raise CommandError(
            f"{path}: nothing was imported"
            + (f" ({len(report.rejected):,} row(s) rejected)" if report.rejected else "")
            + ".",
            returncode=2,
        )
    if report.rejected:
        raise CommandError(f"{len(report.rejected):,} row(s) rejected.", returncode=1)
