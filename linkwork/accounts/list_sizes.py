"""GP practice list sizes from NHS England's "Patients Registered at a GP Practice"
publication, the denominator of referral rates per 1,000 registered patients.

The publication's CSV has one row per practice, sex and age (band): PUBLICATION,
EXTRACT_DATE, TYPE, the commissioner's codes (CCG_CODE, or SUB_ICB_LOCATION_CODE since 2022,
with their ONS codes), CODE (the practice's ODS code), POSTCODE, SEX, AGE and
NUMBER_OF_PATIENTS. A practice's list size is its row for all sexes and all ages (SEX and
AGE both "ALL"); the other rows break it down and are skipped. Practices Linkwork does not
know (the file covers England) are counted and skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from linkwork.accounts.models import Organisation, OrganisationKind, PracticeListSize
from linkwork.audit import auditor

REQUIRED_COLUMNS = ("EXTRACT_DATE", "CODE", "SEX", "AGE", "NUMBER_OF_PATIENTS")
ALL = "ALL"
# Practice rows; aggregate files also hold rows for commissioners and regions.
PRACTICE_TYPES = {"GP", ""}
# The ways the publication has written its extract date over the years.
DATE_FORMATS = ("%d%b%Y", "%d-%b-%Y", "%d-%b-%y", "%Y-%m-%d", "%d/%m/%Y")


class ListSizeFileError(ValueError):
    """The file cannot be read as the publication's layout at all."""


@dataclass
class ListSizeReport:
    rows_read: int = 0
    # (ODS code, extract date, patients) stored.
    imported: list[tuple[str, dt.date, int]] = field(default_factory=list)
    unknown_practices: int = 0
    breakdown_rows: int = 0
    other_types: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    # Practices Linkwork knows that have no list size in the file, as (name, ODS code).
    missing: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "imported": len(self.imported),
            "unknown_practices": self.unknown_practices,
            "breakdown_rows": self.breakdown_rows,
            "other_types": self.other_types,
            "rejected": len(self.rejected),
            "missing": len(self.missing),
        }


def parse_extract_date(text: str) -> dt.date:
    cleaned = text.strip()
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise ValueError(f'EXTRACT_DATE "{cleaned}" is not a date like 01JAN2024 or 2024-01-01')


def _patients(text: str) -> int:
    cleaned = text.strip().replace(",", "")
    if not cleaned.isdigit():
        raise ValueError(f'NUMBER_OF_PATIENTS "{text.strip()}" is not a whole number')
    return int(cleaned)


def import_list_sizes(lines: Iterable[str]) -> ListSizeReport:
    """Read the publication's CSV and store each known practice's list size for its extract
    date, replacing one stored for the same date. All or nothing: rows are checked first,
    then written in one transaction."""
    reader = csv.DictReader(lines)
    header = [name.strip().upper() for name in reader.fieldnames or []]
    if not header:
        raise ListSizeFileError("the file is empty: expected a header row")
    missing_columns = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing_columns:
        raise ListSizeFileError(
            "this is not the \u201cPatients Registered at a GP Practice\u201d layout: "
            f"no {', '.join(missing_columns)} column"
        )
    reader.fieldnames = header
    practices = {
        org.ods_code.upper(): org
        for org in Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE).exclude(
            ods_code=""
        )
    }
    report = ListSizeReport()
    found: dict[tuple[str, dt.date], tuple[int, int]] = {}
    for line, row in enumerate(reader, start=2):
        report.rows_read += 1
        value = {key: (text or "").strip() for key, text in row.items() if key}
        if value.get("TYPE", "").upper() not in PRACTICE_TYPES:
            report.other_types += 1
            continue
        if value["SEX"].upper() != ALL or value["AGE"].upper() != ALL:
            report.breakdown_rows += 1
            continue
        code = value["CODE"].upper()
        if not code:
            report.rejected.append((line, "CODE is empty: it should be the practice's ODS code"))
            continue
        if code not in practices:
            # Most of England: not checked further, so its quirks never fail an import.
            report.unknown_practices += 1
            continue
        try:
            extract_date = parse_extract_date(value["EXTRACT_DATE"])
            patients = _patients(value["NUMBER_OF_PATIENTS"])
        except ValueError as error:
            report.rejected.append((line, str(error)))
            continue
        earlier = found.get((code, extract_date))
        if earlier is not None and earlier[1] != patients:
            report.rejected.append(
                (
                    line,
                    f"practice {code} has a second all ages, all sexes row for {extract_date} "
                    f"(line {earlier[0]}) with a different number",
                )
            )
            continue
        found[(code, extract_date)] = (line, patients)
    now = timezone.now()
    with transaction.atomic():
        for (code, extract_date), (_, patients) in sorted(found.items()):
            PracticeListSize.objects.update_or_create(
                practice=practices[code],
                extract_date=extract_date,
                defaults={"patients": patients, "imported_at": now},
            )
            report.imported.append((code, extract_date, patients))
        if report.imported:
            auditor.record(action="accounts.list_sizes_imported", detail=report.as_dict())
    listed = {code for code, _ in found}
    report.missing = sorted(
        (org.name, code) for code, org in practices.items() if code not in listed
    )
    return report
