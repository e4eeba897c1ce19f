"""List the records due for review under the retention rules (`linkwork retention-review`).

The same job runs nightly with the daily reminders; this runs it now. It never deletes a
record: an admin decides on each one on the review page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwork.records import retention
from linkwork.records.models import RecordClass


class Command(BaseCommand):
    help = "List the records due for review under the retention rules. Deletes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on", help="Review as on this day (YYYY-MM-DD), such as to check a rule change."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["on"]:
            try:
                today = dt.date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError("--on must be a date as YYYY-MM-DD.") from None
        counts = retention.review(today)
        for record_class in RecordClass:
            self.stdout.write(f"{record_class.label}: {counts.get(record_class, 0)} due for review")
        self.stdout.write("Nothing was deleted: decide on each on the retention review page.")
