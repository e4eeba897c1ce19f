"""Run the benchmarks in `benchmarks/` and write `docs/performance.md`."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run the benchmarks (all, or those named) and write docs/performance.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", help="Benchmark modules to run, e.g. eq5d_scoring")

    def handle(self, *args: Any, **options: Any) -> None:
        # The benchmarks live beside the package in a source checkout, not inside it.
        root = str(settings.BASE_DIR)
        if root not in sys.path:
            sys.path.insert(0, root)
        try:
            from benchmarks.runner import main
        except ImportError as error:
            message = "Run `linkwork bench` from a source checkout of Linkwork."
            raise CommandError(message) from error
        main(options["names"] or None)
