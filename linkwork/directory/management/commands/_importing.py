"""What the two lookup-table import commands share: open the file, run, report."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwork.directory.geography import ImportFileError, ImportReport

# Enough to find the pattern in a broken file without flooding the terminal.
SHOWN_REJECTIONS = 100


class ImportCommand(BaseCommand):
    noun = "rows"
    importer: Callable[[Iterable[str]], ImportReport]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file with a header row.")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        try:
            with path.open(encoding="utf-8-sig", newline="") as lines:
                report = type(self).importer(lines)
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file.") from None
        except (ImportFileError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        for rejection in report.rejected[:SHOWN_REJECTIONS]:
            self.stderr.write(f"line {rejection.line}: {rejection.reason}")
        hidden = len(report.rejected) - SHOWN_REJECTIONS
        if hidden > 0:
            self.stderr.write(f"... and {hidden} more rejected rows")
        self.stdout.write(
            f"Imported {report.imported} {self.noun}; rejected {len(report.rejected)} rows."
        )
