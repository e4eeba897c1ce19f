"""Forget idempotency keys older than a day (or `--hours`). Run it daily from cron or a timer.

A request retried with a forgotten key is treated as new, so keep keys for longer than any
client retries. Keys that are a message's own identifier (a FHIR `Bundle.identifier`) are
kept: a Bundle sent again, however late, must not make a second referral.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from linkwork.api.models import IdempotencyRecord

MINIMUM_HOURS = 24


class Command(BaseCommand):
    help = "Forget idempotency keys older than 24 hours."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=int,
            default=MINIMUM_HOURS,
            help=f"Forget keys older than this many hours (at least {MINIMUM_HOURS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["hours"]
        if hours < MINIMUM_HOURS:
            raise CommandError(f"Keep keys for at least {MINIMUM_HOURS} hours: clients rely on it.")
        cutoff = timezone.now() - timedelta(hours=hours)
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff, kept=False).delete()
        self.stdout.write(f"Forgot {deleted} idempotency keys older than {hours} hours.")
