from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwork.insights.extract import ExtractError, write_extract
from linkwork.insights.tasks import audit_written
from linkwork.referrals.models import Referral


class Command(BaseCommand):
    help = (
        "Write the pseudonymised extract for evaluation: one row per person-episode, keyed by "
        "an HMAC of the person id under LINKWORK_PSEUDONYM_KEY. CSV when FILE ends in .csv, "
        "Parquet when it ends in .parquet."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, metavar="FILE")
        parser.add_argument(
            "--measures",
            type=Path,
            metavar="FILE",
            help="also write one row per outcome measure to FILE (.csv or .parquet)",
        )
        parser.add_argument(
            "--clinical",
            type=Path,
            metavar="FILE",
            help="also write one row per clinical measure (HbA1c, BMI, blood pressure, "
            "cholesterol, smoking status) to FILE (.csv or .parquet)",
        )
        parser.add_argument(
            "--care-use",
            type=Path,
            metavar="FILE",
            help="also write one row per count of health-care use in a period to FILE "
            "(.csv or .parquet)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = write_extract(
                Referral._default_manager.all(),
                out=options["out"],
                measures_out=options["measures"],
                clinical_out=options["clinical"],
                care_use_out=options["care_use"],
            )
        except ExtractError as error:
            raise CommandError(str(error)) from None
        audit_written(actor=None, written=written, via="command")
        measures = f" and {written.measures:,} measures to {options['measures']}"
        self.stdout.write(
            f"Wrote {written.episodes:,} episodes to {options['out']}"
            + (measures if options["measures"] else "")
            + (
                f", {written.clinical:,} clinical measures to {options['clinical']}"
                if options["clinical"]
                else ""
            )
            + (
                f", {written.care_use:,} counts of care use to {options['care_use']}"
                if options["care_use"]
                else ""
            )
            + f"; left out {written.left_out_without_consent:,} without consent to evaluation."
        )
