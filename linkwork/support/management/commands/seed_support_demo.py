"""`linkwork seed-support-demo`: the demo's link worker support records (run by
`seed-demo`; safe to run again: it loads once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from linkwork.support.demo import seed_support
from linkwork.support.models import RequiredCourse


class Command(BaseCommand):
    help = "Add made-up supervision, training, wellbeing and peer network records to the demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args: Any, **options: Any) -> None:
        if RequiredCourse.objects.exists():
            self.stdout.write("Support records are loaded already; nothing to do.")
            return
        with transaction.atomic():
            counts = seed_support(seed=options["seed"], today=timezone.localdate())
        self.stdout.write(
            f"Loaded {counts['sessions']} supervision sessions, {counts['training']} training "
            f"records, {counts['check_ins']} wellbeing check-ins and {counts['peers']} peer "
            "network entries."
        )
