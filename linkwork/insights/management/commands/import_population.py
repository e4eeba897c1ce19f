from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwork.insights.population_import import PopulationFileError, import_population


class Command(BaseCommand):
    help = (
        "Load the catchment's population (ONS mid-year estimates by LSOA, single year of age: "
        "LSOA code, LSOA name, All Ages, 0 ... 89, 90+), replacing what was loaded before."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file with a header row.")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        try:
            with path.open(encoding="utf-8-sig", newline="") as lines:
                loaded = import_population(lines)
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file.") from None
        except (PopulationFileError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(f"Loaded the population of {loaded} LSOAs.")
