"""Queue the daily directory upkeep: asking providers to confirm listings nobody has checked.

Run once a day from cron or a systemd timer; the task worker (`linkwork db_worker`) sends.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linkwork.directory.tasks import ask_providers_to_confirm_listings


class Command(BaseCommand):
    help = "Queue the request to providers to confirm listings that are due a check."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Run here and now instead of in the task worker."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            count = ask_providers_to_confirm_listings.call()
            self.stdout.write(f"Asked providers about {count} listings.")
            return
        result = ask_providers_to_confirm_listings.enqueue()
        self.stdout.write(f"Queued task {result.id}.")
