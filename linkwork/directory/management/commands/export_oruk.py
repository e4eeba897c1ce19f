"""`linkwork export-oruk DIR`: the directory as Open Referral UK 3.0 JSON files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from linkwork.directory.oruk.export import DEFAULT_BATCH, ExportError, export


class Command(BaseCommand):
    help = (
        "Write the community directory as Open Referral UK 3.0 JSON files into DIR (new or "
        "empty): full services, organizations, taxonomies, taxonomy terms, and index.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="Folder to write; new or empty.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH,
            help=f"Records read at a time (default {DEFAULT_BATCH}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        batch_size: int = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more.")
        bars: list[tqdm[Any]] = []

        def progress(kind: str, total: int) -> Callable[[int], None]:
            bar = tqdm(total=total, desc=kind, unit=" records", disable=options["verbosity"] == 0)
            bars.append(bar)
            return bar.update

        try:
            counts = export(directory, batch_size=batch_size, progress=progress)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            for bar in bars:
                bar.close()
        summary = ", ".join(f"{count} {kind.replace('_', ' ')}" for kind, count in counts.items())
        self.stdout.write(f"Exported {summary} to {directory}.")
