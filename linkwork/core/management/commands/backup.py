"""`linkwork backup FILE`: copy the database to FILE, with its checksums beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwork.core.backup import BackupError, backup, manifest_path


class Command(BaseCommand):
    help = (
        "Back the database up to FILE (pg_dump --format=custom on PostgreSQL, the SQLite "
        "online backup on SQLite) and write each table's row count and checksum to "
        "FILE.checksums.json. Exit status 0 when done, 2 when it could not run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE", help="where to write the backup")
        parser.add_argument(
            "--database", default="default", help="the database to back up (default: default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"]
        try:
            sums = backup(target, alias=options["database"])
        except BackupError as exc:
            raise CommandError(f"backup: {exc}", returncode=2) from exc
        rows = sum(table.rows for table in sums.values())
        self.stdout.write(
            f"Backed up {len(sums)} tables ({rows} rows) to {target}; "
            f"checksums in {manifest_path(target)}."
        )
