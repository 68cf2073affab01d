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


from loupan.sales.tests.conftest import deals  # noqa: E402,F401  (the deal fixtures)


def make_system(world, name="财务系统", scopes=("customers:read",), sites=None, **kw):  # noqa: ANN001, ANN201
    """A system with one token; returns (system, token, an APIClient using its key)."""
    from rest_framework.test import APIClient

    from loupan.exchange import integration

    system = integration.system_create(actor=world.admin, name=name)
    token, key = integration.system_token_create(
        actor=world.admin, system=system, name="prod", scopes=list(scopes), sites=sites, **kw
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return system, token, client
