import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

DATA = Path(__file__).resolve().parents[3] / "tests" / "data"


@pytest.fixture(autouse=True)
def _imports_dir(settings, tmp_path):  # noqa: ANN001, ANN202
    settings.VAR_DIR = tmp_path


def csv_file(lines: list[str], encoding: str = "gb18030", name: str = "customers.csv", bom: bool = False):
    body = ("\n".join(lines) + "\n").encode(encoding)
    if bom:
        body = b"\xef\xbb\xbf" + body
    return SimpleUploadedFile(name, body, content_type="text/csv")


def xlsx_file(rows: list[list], name: str = "members.xlsx"):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue())
