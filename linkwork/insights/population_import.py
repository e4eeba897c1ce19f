"""Reading the ONS mid-year population estimates by LSOA (the "single year of age" CSV layout:
LSOA code, LSOA name, all ages, then one column for each age 0 to 89 and 90+; other columns,
such as the local authority's, are ignored).

The file is checked whole before anything is written: a bad row refuses the file with every
problem named by line and column, so the table never holds half a release.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from linkwork.insights.models import CatchmentPopulation

LSOA = re.compile(r"^[EW]0\d{7}$")
AGES = 91  # 0 to 89, then 90 and over


class PopulationFileError(ValueError):
    """The file cannot be loaded; the message names every problem found."""


@dataclass(frozen=True)
class Layout:
    code: int
    name: int
    all_ages: int
    ages: tuple[int, ...]


def _key(heading: str) -> str:
    return " ".join(heading.lower().replace("_", " ").split())


def layout(header: list[str]) -> Layout:
    keys = [_key(h) for h in header]

    def find(*wanted: str) -> int | None:
        return next((n for n, key in enumerate(keys) if all(w in key for w in wanted)), None)

    code = find("lsoa", "code")
    name = find("lsoa", "name")
    all_ages = find("all ages")
    if all_ages is None:
        all_ages = next((n for n, key in enumerate(keys) if key == "total"), None)
    ages: list[int | None] = [None] * AGES
    for n, key in enumerate(keys):
        bare = key.removeprefix("age ").replace(" ", "")
        if bare.isdigit() and int(bare) < AGES - 1:
            ages[int(bare)] = n
        elif bare in {"90+", "90andover", "90plus"}:
            ages[AGES - 1] = n
    missing = [
        label
        for label, found in (("LSOA code", code), ("LSOA name", name), ("All Ages", all_ages))
        if found is None
    ]
    missing += [("90+" if age == AGES - 1 else str(age)) for age, n in enumerate(ages) if n is None]
    if missing:
        raise PopulationFileError(
            "the header row has no column for: "
            + ", ".join(missing[:12])
            + (" and more" if len(missing) > 12 else "")
            + " (expected LSOA code, LSOA name, All Ages, then ages 0 to 89 and 90+)."
        )
    return Layout(code or 0, name or 0, all_ages or 0, tuple(n for n in ages if n is not None))


def _whole(text: str) -> int | None:
    cleaned = text.replace(",", "").strip()
    return int(cleaned) if cleaned.isdigit() else None


def import_population(lines: Iterable[str]) -> int:
    """Replace the catchment population with the file's rows; the number of LSOAs loaded."""
    reader = csv.reader(lines)
    header = next(reader, None)
    if not header:
        raise PopulationFileError("the file is empty; it needs a header row.")
    cols = layout(header)
    problems: list[str] = []
    rows: dict[str, CatchmentPopulation] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < len(header):
            problems.append(f"line {line}: {len(cells)} columns, the header has {len(header)}")
            continue
        code = cells[cols.code].strip().upper()
        if not LSOA.match(code):
            problems.append(
                f"line {line}: LSOA code {code!r} is not an LSOA code such as E01011229"
            )
            continue
        if code in rows:
            problems.append(f"line {line}: LSOA {code} appears twice")
            continue
        total = _whole(cells[cols.all_ages])
        ages = [_whole(cells[n]) for n in cols.ages]
        if total is None:
            problems.append(f"line {line}: All Ages is not a whole number")
            continue
        bad = [("90+" if age == AGES - 1 else str(age)) for age, v in enumerate(ages) if v is None]
        if bad:
            problems.append(f"line {line}: age {bad[0]} is not a whole number")
            continue
        counted = sum(v for v in ages if v is not None)
        if counted != total:
            problems.append(f"line {line}: the ages add up to {counted}, not All Ages {total}")
            continue
        rows[code] = CatchmentPopulation(
            lsoa=code, name=cells[cols.name].strip()[:200], all_ages=total, by_age=ages
        )
    if problems:
        shown = "; ".join(problems[:20])
        more = f"; and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise PopulationFileError(f"nothing loaded: {shown}{more}.")
    if not rows:
        raise PopulationFileError("nothing loaded: the file has no rows under its header.")
    with transaction.atomic():
        CatchmentPopulation.objects.all().delete()
        CatchmentPopulation.objects.bulk_create(rows.values(), batch_size=2000)
    return len(rows)
