"""Reading legacy files row by row, never whole: CSV (UTF-8 with or without BOM, GB18030/GBK)
and XLSX (openpyxl in read-only mode).

``open_table(path, file_name)`` returns a :class:`Table`: the header cells and an iterator
of ``(row_number, cells)`` where the header is row 1, like a spreadsheet shows it. Blank
rows are skipped. ``progress()`` tells how far through the file the iterator is (0..1).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

_CHUNK = 1 << 20


class UnreadableFile(ValueError):
    """The file is not a CSV or XLSX we can read; the message says why."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    progress: Callable[[], float] = field(default=lambda: 0.0)
    close: Callable[[], None] = field(default=lambda: None)


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` (BOM), ``utf-8`` when every byte decodes as UTF-8, else ``gb18030``
    (a superset of GBK and GB2312, what Chinese Excel and old systems write)."""
    with open(path, "rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8"


def _clean_header(value: Any) -> str:
    return "" if value is None else str(value).strip().lstrip("\ufeff")


def _csv_table(path: Path) -> Table:
    encoding = detect_encoding(path)
    raw = open(path, "rb")  # noqa: SIM115 - closed by Table.close
    size = max(path.stat().st_size, 1)
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    sample = text.read(8192)
    text.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text, dialect)
    try:
        headers = [_clean_header(h) for h in next(reader)]
    except StopIteration:
        text.close()
        raise UnreadableFile(_("The file is empty.")) from None
    except UnicodeDecodeError:
        text.close()
        raise UnreadableFile(_("The file is neither UTF-8 nor GB18030 text.")) from None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for cells in reader:
                if any(c.strip() for c in cells):
                    yield reader.line_num, cells
        except UnicodeDecodeError:
            raise UnreadableFile(_("The file is neither UTF-8 nor GB18030 text.")) from None

    return Table(headers, rows(), progress=lambda: min(raw.tell() / size, 1.0), close=text.close)


def _xlsx_table(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise UnreadableFile(_("This is not a readable XLSX file.")) from exc
    sheet = workbook.worksheets[0]
    total = max(sheet.max_row or 1, 1)
    values = sheet.iter_rows(values_only=True)
    try:
        headers = [_clean_header(h) for h in next(values)]
    except StopIteration:
        workbook.close()
        raise UnreadableFile(_("The file is empty.")) from None
    position = {"row": 1}

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, cells in enumerate(values, start=2):
            position["row"] = number
            if any(c not in (None, "") and str(c).strip() for c in cells):
                yield number, list(cells)

    return Table(headers, rows(), progress=lambda: min(position["row"] / total, 1.0), close=workbook.close)


def open_table(path: Path | str, file_name: str = "") -> Table:
    """Open a CSV or XLSX file (by its content, then its name) for streaming."""
    path = Path(path)
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic.startswith(b"PK\x03\x04") or file_name.lower().endswith((".xlsx", ".xlsm")):
        return _xlsx_table(path)
    return _csv_table(path)
