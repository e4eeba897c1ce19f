"""Queue the daily reminders: referrals past their triage date, to scheme leads; listings due
a check, to providers; follow-ups and outcome measures due, to link workers; connection
requests unanswered at the reminder day, to providers, and after the deadline, to the link
worker and scheme lead. Run once a day from cron or a systemd timer; the task worker
(`linkwork worker`) sends them. Each app registers its own daily jobs (`core.daily`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linkwork.core import daily as daily_jobs


class Command(BaseCommand):
    help = "Queue the daily reminders to scheme leads and providers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Run them here and now instead of in the worker."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for daily in daily_jobs.jobs():
            if options["now"]:
                self.stdout.write(f"{daily.name}: {daily.call()}")
            else:
                self.stdout.write(f"{daily.name}: queued as {daily.enqueue().id}")
