"""Reading a building's price list from an uploaded XLSX or CSV file (价目表上传).

The first row names the columns, in English or Chinese: the unit number (房号) and its
price per m² (单价); optionally a floor (楼层) and a floor premium per m² (楼层差价). A row
with a unit number prices that unit; a row with a floor and a premium but no unit number
sets that floor's premium. What comes out goes to ``services.price_list_create``, which
checks the prices against the building (every unit priced, floors that exist).
Errors name the row as a spreadsheet shows it (the header is row 1) and the column.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_ROWS = 5000
COLUMNS = {
    "number": ("number", "unit", "unit number", "房号", "房间号", "单元号"),
    "unit_price": ("unit_price", "price", "unit price", "单价", "价格", "单价（元/㎡）", "单价(元/㎡)"),
    "floor": ("floor", "楼层"),
    "floor_premium": ("floor_premium", "premium", "floor premium", "楼层差价", "楼层价差", "层差"),
}


@dataclass
class PriceFile:
    prices: dict[str, Decimal] = field(default_factory=dict)
    floor_premiums: dict[int, Decimal] = field(default_factory=dict)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)
    rows: int = 0
    unit_rows: dict[str, tuple[int, str]] = field(default_factory=dict)  # number -> (row, column)

    def check_units(self, numbers: set[str]) -> None:
        """Row errors for unit numbers the building does not have (sorted by row)."""
        for number, (row, column) in self.unit_rows.items():
            if number not in numbers:
                self.errors.append((row, column, _("Unit %(u)s is not in this building.") % {"u": number}))
        self.errors.sort(key=lambda e: e[0])


def _column_of(header: str) -> str | None:
    key = header.strip().lower()
    return next((name for name, names in COLUMNS.items() if key in names), None)


def _decimal(value: Any) -> Decimal:
    text = str(value).strip().replace(",", "").replace("，", "").replace("¥", "").replace("元", "")
    number = Decimal(text)
    if not number.is_finite():
        raise InvalidOperation
    return number


def _blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""


def _number(value: Any) -> str:
    """Unit numbers as written: an XLSX cell 1801 (a float 1801.0) is "1801"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_price_file(upload: UploadedFile) -> PriceFile:
    """The prices and floor premiums of an uploaded file, or its errors (nothing is written)."""
    from loupan.exchange.importing.readers import UnreadableFile, open_table

    result = PriceFile()
    suffix = Path(upload.name or "").suffix.lower() or ".csv"
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            table = open_table(tmp.name, upload.name or "")
        except UnreadableFile as exc:
            result.errors.append((1, "", str(exc)))
            return result
        try:
            _read_rows(table, result)
        except UnreadableFile as exc:
            result.errors.append((0, "", str(exc)))
        finally:
            table.close()
    return result


def _read_rows(table: Any, result: PriceFile) -> None:
    columns: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        name = _column_of(header)
        if name and name not in columns:
            columns[name] = i
    if "number" not in columns or "unit_price" not in columns:
        result.errors.append(
            (1, "", _("The first row must name the columns 房号 (unit number) and 单价 (price per m²)."))
        )
        return
    label = {name: table.headers[i] for name, i in columns.items()}
    seen_units: dict[str, int] = {}
    premium_rows: dict[int, int] = {}
    for row, cells in table.rows:
        result.rows += 1
        if result.rows > MAX_ROWS:
            result.errors.append((row, "", _("At most %(n)d rows.") % {"n": MAX_ROWS}))
            return
        values = {name: cells[i] if i < len(cells) else None for name, i in columns.items()}
        number, premium = values.get("number"), values.get("floor_premium")
        if not _blank(number):
            number = _number(number)
            if number in seen_units:
                message = _("Unit %(u)s is also on row %(r)d.") % {"u": number, "r": seen_units[number]}
                result.errors.append((row, label["number"], message))
                continue
            seen_units[number] = row
            result.unit_rows[number] = (row, label["number"])
            try:
                result.prices[number] = _decimal(values.get("unit_price"))
            except (InvalidOperation, ValueError):
                message = _("Enter a price per m² for unit %(u)s.") % {"u": number}
                result.errors.append((row, label["unit_price"], message))
        if _blank(premium):
            if _blank(number):
                result.errors.append(
                    (row, label["number"], _("Give a unit number, or a floor and its premium."))
                )
            continue
        _read_premium(result, row, values.get("floor"), premium, premium_rows, label)


def _read_premium(
    result: PriceFile, row: int, floor: Any, premium: Any, premium_rows: dict[int, int], label: dict[str, str]
) -> None:
    """A floor premium; the same floor may repeat it on every unit row, but not differ."""
    try:
        floor_number = int(_decimal(floor))
    except (InvalidOperation, ValueError):
        result.errors.append((row, label.get("floor", "楼层"), _("A floor premium needs its floor.")))
        return
    try:
        amount = _decimal(premium)
    except (InvalidOperation, ValueError):
        result.errors.append((row, label["floor_premium"], _("Enter the premium as an amount per m².")))
        return
    known = result.floor_premiums.get(floor_number)
    if known is not None and known != amount:
        message = _("Floor %(f)d has another premium on row %(r)d.") % {
            "f": floor_number,
            "r": premium_rows[floor_number],
        }
        result.errors.append((row, label["floor_premium"], message))
        return
    result.floor_premiums[floor_number] = amount
    premium_rows.setdefault(floor_number, row)
