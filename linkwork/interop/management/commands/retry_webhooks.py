"""Hand overdue webhook deliveries to the task worker again, and optionally replay dead ones.

Run from cron as the safety net for lost hand-overs (`linkwork retry-webhooks`, every few
minutes), and with `--dead` after a receiver is fixed. The task worker (`linkwork worker`)
sends them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linkwork.interop.webhooks import actions, tasks
from linkwork.interop.webhooks.models import DeliveryStatus, WebhookDelivery


class Command(BaseCommand):
    help = "Queue overdue webhook deliveries again; with --dead, replay those that gave up."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stuck-after",
            type=int,
            default=5,
            metavar="MINUTES",
            help="A pending delivery is stuck when its attempt is this many minutes overdue "
            "(default 5).",
        )
        parser.add_argument(
            "--dead", action="store_true", help="Also replay every delivery that gave up."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        replayed = 0
        if options["dead"]:
            dead = WebhookDelivery.objects.filter(status=DeliveryStatus.DEAD).order_by(
                "created_at", "id"
            )
            replayed = actions.replay_all(by=None, deliveries=dead)
        queued = tasks.sweep(grace=dt.timedelta(minutes=options["stuck_after"]))
        self.stdout.write(f"Queued {queued} overdue deliveries; replayed {replayed} dead ones.")
