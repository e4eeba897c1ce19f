"""`linkwork import-clinical FILE`: clinical measures from GP records (HbA1c, BMI, blood
pressure, total cholesterol, smoking status), matched to people by NHS number. Exits 0 when
every row was read, 1 when some rows were rejected, 2 when nothing was imported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linkwork.insights.clinical import import_clinical
from linkwork.insights.management.commands._clinical_import import run


class Command(BaseCommand):
    help = (
        "Load clinical measures from a CSV with the columns nhs_number, measure, value, unit "
        "(optional) and measured_on; see docs/guides/evaluation.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file.")

    def handle(self, *args: Any, **options: Any) -> None:
        run(self, options["file"], import_clinical, "measures")
