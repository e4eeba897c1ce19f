"""Tables as files: CSV (UTF-8, a header row of column keys) and XLSX (a sheet per table).

Everything written here has been through `suppression`: callers pass suppressed tables, and
`csv_text`/`xlsx_bytes` suppress again (suppressing twice changes nothing) so no path can
write an exact small number to a file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]

from linkwork.insights import suppression
from linkwork.insights.model import Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    return "" if value is None else value


def csv_text(table: Table) -> str:
    safe = suppression.table(table)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    keys = [column.key for column in safe.columns]
    writer.writerow(keys)
    for row in safe.rows:
        writer.writerow([_cell(row.get(key)) for key in keys])
    return out.getvalue()


def xlsx_bytes(tables: Iterable[Table]) -> bytes:
    """One workbook, a sheet for each table named after its slug, headed by the column keys."""
    book = Workbook(write_only=True)
    for table in tables:
        safe = suppression.table(table)
        sheet = book.create_sheet(title=safe.slug[:31])
        keys = [column.key for column in safe.columns]
        sheet.append(keys)
        for row in safe.rows:
            sheet.append([_cell(row.get(key)) for key in keys])
    if not book.worksheets:
        book.create_sheet(title="empty")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
