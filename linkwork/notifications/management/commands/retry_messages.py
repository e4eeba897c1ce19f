"""Send again every failed message, and every queued message whose task was lost.

Run after fixing what made messages fail (a mail server, a Notify key), and from cron as a
safety net: `linkwork retry-messages`. The task worker (`linkwork worker`) sends them. A
message whose sender stopped part-way (still sending, its claim run out) is handed back to
the task worker as it is, never queued afresh: the worker asks whether it went before
sending it again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q

from linkwork.notifications import lifecycle
from linkwork.notifications.actions import retry_message
from linkwork.notifications.lifecycle import InvalidMessageTransition
from linkwork.notifications.models import Message, MessageStatus
from linkwork.notifications.tasks import enqueue, stuck


class Command(BaseCommand):
    help = "Queue failed messages, and queued messages whose task was lost, to be sent again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stuck-after",
            type=int,
            default=30,
            metavar="MINUTES",
            help="A queued message is stuck when its attempt is this many minutes overdue "
            "(default 30).",
        )
        parser.add_argument(
            "--stuck-only", action="store_true", help="Leave failed messages alone."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the messages that would be sent."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = stuck(grace=dt.timedelta(minutes=options["stuck_after"]))
        if not options["stuck_only"]:
            wanted |= Q(status=MessageStatus.FAILED)
        # Ids only: a message is read again, under a lock, as each is queued.
        found = list(
            Message.objects.filter(wanted).order_by("created_at", "id").values_list("pk", flat=True)
        )
        interrupted = list(
            Message.objects.filter(lifecycle.interrupted())
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
        )
        if options["dry_run"]:
            self.stdout.write(
                f"{len(found)} messages would be sent again; "
                f"{len(interrupted)} interrupted sends would be checked."
            )
            return
        for message_id in interrupted:
            enqueue(message_id)
        queued = 0
        for message_id in found:
            try:
                retry_message(by=None, message=Message(pk=message_id))
            except InvalidMessageTransition:
                continue  # Sent, cancelled or taken by a task worker since it was listed.
            queued += 1
        self.stdout.write(
            f"Queued {queued} messages to be sent again; "
            f"{len(interrupted)} interrupted sends to be checked."
        )
