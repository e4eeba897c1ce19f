"""`linkwork import-care-use FILE`: health-care use (GP appointments, A&E attendances,
non-elective and elective admissions, outpatient attendances) per person and period,
matched to people by NHS number. Exits 0 when every row was read, 1 when some rows were
rejected, 2 when nothing was imported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linkwork.insights.clinical import import_care_use
from linkwork.insights.management.commands._clinical_import import run


class Command(BaseCommand):
    help = (
        "Load health-care use from a CSV with the columns nhs_number, setting, period_start, "
        "period_end (optional) and count (optional); see docs/guides/evaluation.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file.")

    def handle(self, *args: Any, **options: Any) -> None:
        run(self, options["file"], import_care_use, "counts")
