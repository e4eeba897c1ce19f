"""`linkwork seed-health-check-demo`: the demo schemes' self-assessments and action plans
(run by `seed-demo`, which names it because web stands below the health check; safe to run
again: it loads once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from linkwork.healthcheck.demo import demo_loaded, seed_health_check


class Command(BaseCommand):
    help = "Add self-assessments and action plans for the demo schemes (made up)."

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_loaded():
            self.stdout.write("Health check demo is loaded already; nothing to do.")
            return
        with transaction.atomic():
            counts = seed_health_check(now=timezone.now())
        self.stdout.write(
            f"Loaded {counts['self_assessments']} self-assessments and "
            f"{counts['actions']} health check actions."
        )
