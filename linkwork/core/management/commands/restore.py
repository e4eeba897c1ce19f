"""`linkwork restore FILE [--into DATABASE_URL]`: restore a backup and prove it.

Without `--into`, the configured database is replaced by the backup (stop the web and worker
processes first). With `--into`, the backup goes into an empty scratch database and nothing
else is touched: the restore drill. Either way each table's row count and checksum are then
compared with those written at backup time, in a table, and any difference exits with 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from linkwork.core.backup import BackupError, Comparison, restore, settings_from_url


class Command(BaseCommand):
    help = (
        "Restore a backup written by `linkwork backup` and compare every table's row count and "
        "checksum with the backup's. --into DATABASE_URL restores into an empty scratch "
        "database instead (the drill). Exit status 0 when they match, 1 on any difference, "
        "2 when it could not run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE", help="the backup to restore")
        parser.add_argument(
            "--into",
            metavar="DATABASE_URL",
            help="an EMPTY database to restore into, leaving the configured one alone",
        )
        parser.add_argument(
            "--database", default="default", help="the database to replace (default: default)"
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="replace the configured database without asking",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backup_file: Path = options["file"]
        if options["into"]:
            into = settings_from_url(options["into"])
            empty = True
        else:
            into = dict(connections[options["database"]].settings_dict)
            empty = False
            if options["interactive"] and not self.confirmed(into):
                raise CommandError("restore: not confirmed; nothing changed", returncode=2)
            connections.close_all()
        try:
            comparisons = restore(backup_file, into=into, empty=empty)
        except BackupError as exc:
            raise CommandError(f"restore: {exc}", returncode=2) from exc
        self.stdout.write(table(comparisons))
        differing = [line for line in comparisons if not line.same]
        if differing:
            raise CommandError(
                f"restore: {len(differing)} of {len(comparisons)} tables differ from the backup",
                returncode=1,
            )
        self.stdout.write(f"Restored {backup_file}: all {len(comparisons)} tables match.")

    def confirmed(self, into: dict[str, Any]) -> bool:
        answer = input(
            f"This replaces everything in the database {into.get('NAME')} with the backup. "
            "Type 'yes' to go on: "
        )
        return answer.strip() == "yes"


def table(comparisons: list[Comparison]) -> str:
    """Table name, rows in the backup, rows restored, and whether the checksums match."""

    def cells(line: Comparison) -> tuple[str, str, str, str]:
        expected = "-" if line.expected is None else str(line.expected.rows)
        actual = "-" if line.actual is None else str(line.actual.rows)
        if line.same:
            verdict = "same"
        elif line.expected is None:
            verdict = "DIFFERENT: not in the backup"
        elif line.actual is None:
            verdict = "DIFFERENT: not restored"
        else:
            verdict = "DIFFERENT"
        return (line.table, expected, actual, verdict)

    rows = [("Table", "Backup rows", "Restored rows", "Checksum"), *map(cells, comparisons)]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}"
        for row in rows
    )
