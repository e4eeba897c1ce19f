"""`linkwork seed-groups-demo`: the demo's group sessions (run by `seed-demo`; safe to run
again: it loads once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from linkwork.groups.demo import loaded, seed_groups


class Command(BaseCommand):
    help = "Add made-up groups, sessions and registers to the demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args: Any, **options: Any) -> None:
        if loaded():
            self.stdout.write("Groups are loaded already; nothing to do.")
            return
        with transaction.atomic():
            counts = seed_groups(seed=options["seed"])
        self.stdout.write(
            f"Loaded {counts['groups']} groups with {counts['sessions']} sessions, "
            f"{counts['finalised']} finalised registers and {counts['booked']} people booked "
            "this week."
        )
