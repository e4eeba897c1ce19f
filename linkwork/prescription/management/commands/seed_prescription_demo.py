"""`linkwork seed-prescription-demo`: the demo's prescriptions and feedback (run by
`seed-demo`; safe to run again: it loads once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from linkwork.prescription.demo import seed_prescription
from linkwork.prescription.models import FeedbackAnswer


class Command(BaseCommand):
    help = "Add made-up feedback answers and a live prescription link to the demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args: Any, **options: Any) -> None:
        if FeedbackAnswer.objects.exists():
            self.stdout.write("Prescription records are loaded already; nothing to do.")
            return
        with transaction.atomic():
            seeded = seed_prescription(seed=options["seed"], now=timezone.now())
        self.stdout.write(
            f"Loaded {seeded.answers} feedback answers ({seeded.services_shown} services with "
            f"five or more) and {seeded.contacts} scheme contacts."
        )
        if seeded.link_url:
            self.stdout.write(
                f"A person's own prescription (referral {seeded.reference}), opens once: "
                f"{seeded.link_url}  (in Welsh: {seeded.link_url}?lang=cy)"
            )
