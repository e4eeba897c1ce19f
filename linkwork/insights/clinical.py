"""Clinical measures and health-care use from GP and hospital records, for evaluation
(issue 15, item 4): the file layouts, their checks, and the importers behind
`linkwork import-clinical FILE` and `linkwork import-care-use FILE`.

Both files are CSV with a header row (column names in any case; spaces and hyphens read as
underscores; other columns, such as a name a GP system adds, are ignored and never stored).
Each row names the person by NHS number, as GP systems send it (spaces or hyphens allowed);
it is matched to the person in Linkwork with that NHS number and then dropped: the tables
hold the person's id only, and the extract turns that into the same pseudonymised
`person_key` as the episodes.

Clinical measures, one row per measure:
    nhs_number, measure, value, unit (optional), measured_on
Health-care use, one row per kind of care and period (or one event on one day):
    nhs_number, setting, period_start, period_end (optional: one day), count (optional: 1)

Every row is checked before anything is written; rows with a problem are reported by line
and column and not written, and the rest are written in one transaction, so a file is never
half-loaded. Messages never quote a cell: a shifted column could put a name or an NHS number
in any of them. Loading the same file again changes nothing: a measure is one per person,
measure and day, a count one per person, setting and period (the natural keys), and a row
whose key is stored already replaces its value.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwork.audit import auditor
from linkwork.insights.models import (
    CareSetting,
    CareUse,
    ClinicalMeasure,
    ClinicalMeasureKind,
    SmokingStatus,
)
from linkwork.people.models import Person
from linkwork.people.nhs_number import is_valid, normalise

BATCH = 2_000
MAX_COUNT = 10_000
EARLIEST = dt.date(1900, 1, 1)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%b-%Y", "%d %b %Y", "%d-%m-%Y", "%Y%m%d")

# HbA1c as a DCCT/NGSP percentage to IFCC mmol/mol: the IFCC-NGSP master equation,
# NGSP (%) = 0.09148 x IFCC (mmol/mol) + 2.152 (Hoelzel W, Weykamp C, Jeppsson J-O et al.,
# "IFCC reference system for measurement of hemoglobin A1c in human blood and the national
# standardization schemes in the United States, Japan, and Sweden: a method-comparison
# study", Clin Chem 2004;50(1):166-174; in mmol/mol as the IFCC and NGSP publish it).
NGSP_SLOPE = 0.09148
NGSP_INTERCEPT = 2.152
# Total cholesterol in mg/dL to mmol/L: the molar mass of cholesterol is 386.65 g/mol, so
# 1 mmol/L is 38.665 mg/dL.
CHOLESTEROL_MG_PER_DL = 38.665


def hba1c_from_percent(percent: float) -> float:
    """IFCC HbA1c (mmol/mol) from a DCCT/NGSP percentage, by the master equation."""
    return (percent - NGSP_INTERCEPT) / NGSP_SLOPE


@dataclass(frozen=True)
class Measure:
    """One measure's stored unit, the range a real reading falls in, and the other units
    it is converted from."""

    unit: str
    low: float
    high: float
    decimals: int
    converted: dict[str, Callable[[float], float]] = field(default_factory=dict)


def _same(value: float) -> float:
    return value


MEASURES: dict[str, Measure] = {
    ClinicalMeasureKind.HBA1C: Measure(
        "mmol/mol", 20, 200, 0, {"%": hba1c_from_percent, "percent": hba1c_from_percent}
    ),
    ClinicalMeasureKind.BMI: Measure("kg/m2", 10, 80, 1),
    ClinicalMeasureKind.SYSTOLIC_BP: Measure("mmHg", 50, 300, 0),
    ClinicalMeasureKind.DIASTOLIC_BP: Measure("mmHg", 20, 200, 0),
    ClinicalMeasureKind.TOTAL_CHOLESTEROL: Measure(
        "mmol/L", 1, 20, 1, {"mg/dl": lambda mg: mg / CHOLESTEROL_MG_PER_DL}
    ),
}
# Spellings of units GP systems use, read as the stored unit's own.
UNIT_SPELLINGS = {
    "mmol/mol": "mmol/mol",
    "kg/m2": "kg/m2",
    "kg/m^2": "kg/m2",
    "kg/m\u00b2": "kg/m2",
    "mmhg": "mmhg",
    "mm[hg]": "mmhg",
    "mmol/l": "mmol/l",
}
SMOKING_SPELLINGS = {
    "never": SmokingStatus.NEVER,
    "never smoked": SmokingStatus.NEVER,
    "never smoker": SmokingStatus.NEVER,
    "ex": SmokingStatus.EX,
    "ex-smoker": SmokingStatus.EX,
    "ex smoker": SmokingStatus.EX,
    "former smoker": SmokingStatus.EX,
    "current": SmokingStatus.CURRENT,
    "current smoker": SmokingStatus.CURRENT,
    "smoker": SmokingStatus.CURRENT,
}
SETTING_SPELLINGS = {
    **{setting.value: setting.value for setting in CareSetting},
    "gp": CareSetting.GP_APPOINTMENT,
    "a&e": CareSetting.AE_ATTENDANCE,
    "ae": CareSetting.AE_ATTENDANCE,
    "emergency_admission": CareSetting.NON_ELECTIVE_ADMISSION,
    "planned_admission": CareSetting.ELECTIVE_ADMISSION,
    "outpatient": CareSetting.OUTPATIENT_ATTENDANCE,
}

CLINICAL_COLUMNS = ("nhs_number", "measure", "value", "measured_on")
CLINICAL_OPTIONAL = ("unit",)
CARE_USE_COLUMNS = ("nhs_number", "setting", "period_start")
CARE_USE_OPTIONAL = ("period_end", "count")


class ClinicalFileError(ValueError):
    """The file cannot be read as the layout at all; the message says why."""


class RowProblem(ValueError):
    """One row's problem, naming the column."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"{column}: {message}")
        self.column = column


@dataclass
class ImportReport:
    """What an import did: counts, and each rejected row as (line, column, reason)."""

    kind: str
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
        }


# --- Reading cells ---------------------------------------------------------------------------


def _heading(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", (text or "").strip().lower())


def parse_date(text: str, column: str, *, today: dt.date) -> dt.date:
    cleaned = text.strip()
    if not cleaned:
        raise RowProblem(column, "is empty: give a date such as 2025-03-31")
    for pattern in DATE_FORMATS:
        try:
            day = dt.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
        if day > today:
            raise RowProblem(column, "is in the future")
        if day < EARLIEST:
            raise RowProblem(column, "is before 1900")
        return day
    raise RowProblem(column, "is not a date such as 2025-03-31 or 31/03/2025")


def parse_number(text: str, column: str) -> float:
    cleaned = text.strip().replace(",", "")
    try:
        number = float(cleaned)
    except ValueError:
        raise RowProblem(column, "is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise RowProblem(column, "is not a number")
    return number


def person_number(text: str) -> str:
    """The NHS number as stored (ten digits), or a problem that never quotes it."""
    number = normalise(text.strip())
    if not number:
        raise RowProblem("nhs_number", "is empty")
    if not is_valid(number):
        raise RowProblem("nhs_number", "is not a valid NHS number (10 digits, modulus 11)")
    return number


@dataclass(frozen=True)
class MeasureValue:
    measure: str
    value: float | None
    category: str
    as_given: str


def read_measure(measure_text: str, value_text: str, unit_text: str) -> MeasureValue:
    """A measure's value in its stored unit, converted where the conversion is standard; a
    problem naming the column otherwise."""
    measure = _heading(measure_text)
    if measure not in ClinicalMeasureKind.values:
        raise RowProblem("measure", f"is not one of {', '.join(ClinicalMeasureKind.values)}")
    as_given = f"{value_text.strip()} {unit_text.strip()}".strip()[:40]
    if measure == ClinicalMeasureKind.SMOKING_STATUS:
        status = SMOKING_SPELLINGS.get(" ".join(value_text.strip().lower().split()))
        if status is None:
            raise RowProblem(
                "value", "is not a smoking status: give never, ex or current for smoking_status"
            )
        return MeasureValue(measure, None, str(status), as_given)
    spec = MEASURES[measure]
    number = parse_number(value_text, "value")
    unit = unit_text.strip().lower().replace(" ", "")
    unit = UNIT_SPELLINGS.get(unit, unit)
    if unit and unit != spec.unit.lower():
        convert = spec.converted.get(unit)
        if convert is None:
            accepted = ", ".join([spec.unit, *spec.converted])
            raise RowProblem("unit", f"is not a unit of {measure}: give one of {accepted}")
        number = convert(number)
    number = round(number, spec.decimals)
    if not spec.low <= number <= spec.high:
        hint = ""
        if measure == ClinicalMeasureKind.HBA1C and not unit and 3 <= number <= 20:
            hint = " (if it is a percentage, give the unit %)"
        raise RowProblem(
            "value",
            f"is outside {spec.low:g} to {spec.high:g} {spec.unit} for {measure}{hint}",
        )
    return MeasureValue(measure, number, "", as_given)


def read_count(text: str) -> int:
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        return 1
    if not cleaned.isdigit():
        raise RowProblem("count", "is not a whole number of 0 or more")
    count = int(cleaned)
    if count > MAX_COUNT:
        raise RowProblem("count", f"is more than {MAX_COUNT:,}")
    return count


# --- Files -----------------------------------------------------------------------------------


def _rows(
    lines: Iterable[str], required: Sequence[str], optional: Sequence[str], layout: str
) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(lines)
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise ClinicalFileError("the file is empty: it needs a header row")
    names = [_heading(cell) for cell in header]
    missing = [name for name in required if name not in names]
    if missing:
        raise ClinicalFileError(
            f"the header row has no {', '.join(missing)} column (the {layout} layout is "
            f"{', '.join([*required, *(f'{name} (optional)' for name in optional)])})"
        )
    wanted = {name: names.index(name) for name in (*required, *optional) if name in names}
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        yield line, {name: cells[n] if n < len(cells) else "" for name, n in wanted.items()}


def _batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _people(numbers: Iterable[str]) -> dict[str, list[Any]]:
    """NHS number -> ids of the people with it (more than one is a duplicate record)."""
    found: dict[str, list[Any]] = {}
    for number, pk in Person._default_manager.filter(nhs_number__in=set(numbers)).values_list(
        "nhs_number", "pk"
    ):
        found.setdefault(number, []).append(pk)
    return found


def _match(number: str, people: dict[str, list[Any]]) -> Any:
    ids = people.get(number, [])
    if not ids:
        raise RowProblem("nhs_number", "matches no person in Linkwork")
    if len(ids) > 1:
        raise RowProblem(
            "nhs_number", "matches more than one person in Linkwork: merge their records first"
        )
    return ids[0]


def _import(
    lines: Iterable[str],
    *,
    kind: str,
    layout: tuple[str, Sequence[str], Sequence[str]],
    read_row: Callable[[dict[str, str]], tuple[str, tuple[Any, ...], Any]],
    repeated: Callable[[tuple[Any, ...], int], tuple[str, str]],
    store: Callable[[dict[tuple[Any, ...], Any], ImportReport], None],
) -> ImportReport:
    """The one loop both importers share: read and check each row (`read_row` gives the NHS
    number, the rest of the row's key and its value), match the person, refuse a key seen on an
    earlier line (`repeated` names the column and says why), and `store` each batch; every good
    row written, every bad row reported, in one transaction."""
    name, required, optional = layout
    report = ImportReport(kind=kind)
    seen: dict[tuple[Any, ...], int] = {}
    with transaction.atomic():
        for batch in _batched(_rows(lines, required, optional, name), BATCH):
            checked: list[tuple[int, str, tuple[Any, ...], Any]] = []
            for line, cells in batch:
                report.rows_read += 1
                try:
                    checked.append((line, *read_row(cells)))
                except RowProblem as problem:
                    report.rejected.append((line, problem.column, str(problem)))
            people = _people(row[1] for row in checked)
            found: dict[tuple[Any, ...], Any] = {}
            for line, number, rest, value in checked:
                try:
                    key = (_match(number, people), *rest)
                except RowProblem as problem:
                    report.rejected.append((line, problem.column, str(problem)))
                    continue
                if key in seen:
                    report.rejected.append((line, *repeated(key, seen[key])))
                    continue
                seen[key] = line
                found[key] = value
            store(found, report)
        if report.imported:
            auditor.record(action=f"insights.{kind}_imported", detail=report.as_dict())
    return report


def import_clinical(lines: Iterable[str], *, today: dt.date | None = None) -> ImportReport:
    """Load clinical measures from the CSV `lines`; every good row written, every bad row
    reported, in one transaction."""
    today = today or timezone.localdate()

    def read_row(cells: dict[str, str]) -> tuple[str, tuple[Any, ...], MeasureValue]:
        number = person_number(cells["nhs_number"])
        value = read_measure(cells["measure"], cells["value"], cells.get("unit", ""))
        measured_on = parse_date(cells["measured_on"], "measured_on", today=today)
        return number, (value.measure, measured_on), value

    def repeated(key: tuple[Any, ...], line: int) -> tuple[str, str]:
        return (
            "measured_on",
            f"measured_on: the same person's {key[1]} on this day is on line {line} too",
        )

    return _import(
        lines,
        kind="clinical",
        layout=("clinical measures", CLINICAL_COLUMNS, CLINICAL_OPTIONAL),
        read_row=read_row,
        repeated=repeated,
        store=_store_measures,
    )


def _store_measures(found: dict[tuple[Any, ...], MeasureValue], report: ImportReport) -> None:
    if not found:
        return
    stored = {
        (row.person_id, row.measure, row.measured_on): row
        for row in ClinicalMeasure._default_manager.filter(
            person_id__in={key[0] for key in found},
            measure__in={key[1] for key in found},
            measured_on__in={key[2] for key in found},
        )
    }
    now = timezone.now()
    new, changed = [], []
    for (person_id, measure, measured_on), value in found.items():
        row = stored.get((person_id, measure, measured_on))
        if row is None:
            new.append(
                ClinicalMeasure(
                    person_id=person_id,
                    measure=measure,
                    measured_on=measured_on,
                    value=value.value,
                    category=value.category,
                    as_given=value.as_given,
                    imported_at=now,
                )
            )
        elif (row.value, row.category) != (value.value, value.category):
            row.value, row.category, row.as_given, row.imported_at = (
                value.value,
                value.category,
                value.as_given,
                now,
            )
            changed.append(row)
        else:
            report.unchanged += 1
    ClinicalMeasure._default_manager.bulk_create(new, batch_size=BATCH)
    ClinicalMeasure._default_manager.bulk_update(
        changed, ["value", "category", "as_given", "imported_at"], batch_size=BATCH
    )
    report.created += len(new)
    report.updated += len(changed)


def import_care_use(lines: Iterable[str], *, today: dt.date | None = None) -> ImportReport:
    """Load health-care use from the CSV `lines`; every good row written, every bad row
    reported, in one transaction."""
    today = today or timezone.localdate()

    def read_row(cells: dict[str, str]) -> tuple[str, tuple[Any, ...], int]:
        number = person_number(cells["nhs_number"])
        setting = SETTING_SPELLINGS.get(_heading(cells["setting"]))
        if setting is None:
            raise RowProblem("setting", f"is not one of {', '.join(CareSetting.values)}")
        start = parse_date(cells["period_start"], "period_start", today=today)
        end = start
        if cells.get("period_end", "").strip():
            end = parse_date(cells["period_end"], "period_end", today=today)
        if end < start:
            raise RowProblem("period_end", "is before period_start")
        return number, (str(setting), start, end), read_count(cells.get("count", ""))

    def repeated(key: tuple[Any, ...], line: int) -> tuple[str, str]:
        return (
            "period_start",
            f"period_start: the same person's {key[1]} for this period is on line {line} too",
        )

    return _import(
        lines,
        kind="care_use",
        layout=("health-care use", CARE_USE_COLUMNS, CARE_USE_OPTIONAL),
        read_row=read_row,
        repeated=repeated,
        store=_store_care_use,
    )


def _store_care_use(found: dict[tuple[Any, ...], int], report: ImportReport) -> None:
    if not found:
        return
    stored = {
        (row.person_id, row.setting, row.period_start, row.period_end): row
        for row in CareUse._default_manager.filter(
            person_id__in={key[0] for key in found},
            setting__in={key[1] for key in found},
            period_start__in={key[2] for key in found},
        )
    }
    now = timezone.now()
    new, changed = [], []
    for (person_id, setting, start, end), count in found.items():
        row = stored.get((person_id, setting, start, end))
        if row is None:
            new.append(
                CareUse(
                    person_id=person_id,
                    setting=setting,
                    period_start=start,
                    period_end=end,
                    count=count,
                    imported_at=now,
                )
            )
        elif row.count != count:
            row.count, row.imported_at = count, now
            changed.append(row)
        else:
            report.unchanged += 1
    CareUse._default_manager.bulk_create(new, batch_size=BATCH)
    CareUse._default_manager.bulk_update(changed, ["count", "imported_at"], batch_size=BATCH)
    report.created += len(new)
    report.updated += len(changed)
