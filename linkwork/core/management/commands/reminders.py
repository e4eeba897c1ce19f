"""Queue the daily reminders: referrals past their triage date, to scheme leads; listings due
a check, to providers; follow-ups and outcome measures due, to link workers; connection
requests unanswered at the reminder day, to providers, and after the deadline, to the link
worker and scheme lead. Run once a day from cron or a systemd timer; the task worker
(`linkwork db_worker`) sends them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_tasks.base import Task

from linkwork.casework.digest import remind_link_workers
from linkwork.casework.tasks import chase_connection_deadlines
from linkwork.directory.tasks import ask_providers_to_confirm_listings
from linkwork.referrals.tasks import remind_overdue_triage

DAILY: list[Task[[], Any]] = [
    remind_overdue_triage,
    ask_providers_to_confirm_listings,
    remind_link_workers,
    chase_connection_deadlines,
]


class Command(BaseCommand):
    help = "Queue the daily reminders to scheme leads and providers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Run them here and now instead of in the worker."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for daily in DAILY:
            if options["now"]:
                self.stdout.write(f"{daily.name}: {daily.call()}")
            else:
                self.stdout.write(f"{daily.name}: queued as {daily.enqueue().id}")
