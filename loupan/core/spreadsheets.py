"""Writing tables as CSV (UTF-8 with BOM, for Excel) and XLSX, safe from formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_table(
    fmt: str, *, title_lines: Sequence[str], header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> tuple[bytes, int]:
    """Render a table with a few title lines above it. Returns (content, row count)."""
    count = 0
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for line in title_lines:
            writer.writerow([neutralise(line)])
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralise("" if v is None else v) for v in row])
            count += 1
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), count
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for line in title_lines:
        sheet.append([neutralise(line)])
    sheet.append(list(header))
    for row in rows:
        sheet.append([neutralise(v) for v in row])
        count += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), count
