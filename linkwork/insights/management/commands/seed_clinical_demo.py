"""`linkwork seed-clinical-demo`: synthetic clinical measures and health-care use for the
people of the demo (run by `seed-demo`; safe to run again: it loads once)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from linkwork.insights.demo import seed_clinical
from linkwork.insights.models import CareUse, ClinicalMeasure


class Command(BaseCommand):
    help = (
        "Add synthetic clinical measures and health-care use to the demo's people (made up, "
        "for showing an evaluation; never real records)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args: Any, **options: Any) -> None:
        if CareUse.objects.exists() or ClinicalMeasure.objects.exists():
            self.stdout.write("Clinical measures or care use are loaded already; nothing to do.")
            return
        started = time.monotonic()
        with transaction.atomic():
            measures, counts = seed_clinical(seed=options["seed"], today=timezone.localdate())
        self.stdout.write(
            f"Loaded {measures:,} synthetic clinical measures and {counts:,} counts of care "
            f"use in {time.monotonic() - started:.1f}s."
        )
