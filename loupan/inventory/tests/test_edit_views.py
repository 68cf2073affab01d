"""Inventory edit pages: a project, a unit (fixed fields in a deal), a price list uploaded as a file."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from loupan.core.models import AuditEvent
from loupan.inventory.models import PriceList, Unit

pytestmark = pytest.mark.django_db


def _login(client, user):  # noqa: ANN001, ANN202
    client.force_login(user)
    return client


def test_project_edit(world, inv, client):  # noqa: ANN001
    url = reverse("inventory:project_edit", args=[inv.p1.pk])
    assert _login(client, world.s1a).get(url).status_code == 403
    assert _login(client, world.sm2).get(url).status_code == 404
    page = _login(client, world.sm1).get(url).content.decode()
    assert 'value="西溪云庐"' in page
    r = client.post(
        url, {"name": "西溪云庐二期", "city": "杭州", "district": "西湖区", "address": "文一西路1号"}
    )
    assert r.status_code == 302 and r["Location"] == reverse("inventory:project", args=[inv.p1.pk])
    inv.p1.refresh_from_db()
    assert (inv.p1.name, inv.p1.district) == ("西溪云庐二期", "西湖区")
    assert AuditEvent.objects.filter(object_type="project", object_id=inv.p1.pk, action="update").exists()
    taken = client.post(url, {"name": "钱江悦府"})
    assert taken.status_code == 200 and "error" in taken.content.decode()
    inv.p1.refresh_from_db()
    assert inv.p1.name == "西溪云庐二期"
    detail = client.get(reverse("inventory:project", args=[inv.p1.pk])).content.decode()
    assert url in detail


def _unit_data(unit: Unit, **changes: object) -> dict:
    data = {k: getattr(unit, k) for k in ("number", "floor", "layout", "bedrooms", "area", "inner_area",
                                          "orientation", "unit_price", "total_price")}  # fmt: skip
    data.update(changes)
    return {k: "" if v is None else v for k, v in data.items()}


def test_unit_edit_recomputes_the_total_and_keeps_deal_fields(world, inv, client):  # noqa: ANN001
    unit = Unit.objects.get(building=inv.b1, number="301")
    url = reverse("inventory:unit_edit", args=[unit.pk])
    assert _login(client, world.s1a).get(url).status_code == 403
    assert _login(client, world.sm2).get(url).status_code == 404
    _login(client, world.sm1)
    panel = client.get(reverse("inventory:unit_panel", args=[unit.pk])).content.decode()
    assert url in panel
    r = client.post(url, _unit_data(unit, unit_price="32000.00", layout="3室2厅1卫"))
    assert r.status_code == 302
    unit.refresh_from_db()
    assert unit.unit_price == Decimal("32000.00") and unit.layout == "3室2厅1卫"
    assert unit.total_price == (Decimal("32000") * unit.area).quantize(Decimal(1))  # follows the new price
    # In a deal: number, floor, areas and prices are fixed (shown disabled, ignored if posted).
    Unit.objects.filter(pk=unit.pk).update(status="contracted")
    page = client.get(url).content.decode()
    assert 'name="area"' in page and "disabled" in page
    r = client.post(url, _unit_data(unit, area="200.00", unit_price="1.00", orientation="南北"))
    assert r.status_code == 302
    unit.refresh_from_db()
    assert (
        unit.area != Decimal("200.00")
        and unit.unit_price == Decimal("32000.00")
        and unit.orientation == "南北"
    )
    other = Unit.objects.get(building=inv.b1, number="302")
    bad = client.post(reverse("inventory:unit_edit", args=[other.pk]), _unit_data(other, number="301"))
    assert bad.status_code == 200 and "has-error" in bad.content.decode()
    other.refresh_from_db()
    assert other.number == "302"


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("prices.csv", text.encode("utf-8-sig"), content_type="text/csv")


def _xlsx(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("价目表.xlsx", out.getvalue())


def test_price_upload_csv_creates_a_version_with_floor_premiums(world, inv, client):  # noqa: ANN001
    url = reverse("inventory:price_upload", args=[inv.b1.pk])
    assert _login(client, world.s1a).get(url).status_code == 403
    assert _login(client, world.sm2).get(url).status_code == 404
    _login(client, world.sm1)
    assert url in client.get(reverse("inventory:price_lists", args=[inv.b1.pk])).content.decode()
    lines = ["房号,单价,楼层,楼层差价"]
    for unit in Unit.objects.filter(building=inv.b1):
        premium = "500" if unit.floor == 5 else ""
        lines.append(f'{unit.number},"31,000",{unit.floor if premium else ""},{premium}')
    lines.append(",,4,300")  # a floor premium on its own line
    r = client.post(url, {"file": _csv("\n".join(lines)), "note": "二次调价"})
    assert r.status_code == 302, r.content.decode()[:2000]
    version = PriceList.objects.get(building=inv.b1, version=1)
    assert version.note == "二次调价" and not version.is_active and version.items.count() == 20
    prices = {i.unit.number: i.unit_price for i in version.items.select_related("unit")}
    assert prices["501"] == Decimal("31500.00") and prices["401"] == Decimal("31300.00")
    assert prices["101"] == Decimal("31000.00")


def test_price_upload_xlsx_row_errors_write_nothing(world, inv, client):  # noqa: ANN001
    url = reverse("inventory:price_upload", args=[inv.b1.pk])
    _login(client, world.sm1)
    numbers = list(Unit.objects.filter(building=inv.b1).values_list("number", flat=True))
    rows = [["房号", "单价"]] + [[int(n), 30000] for n in numbers]
    r = client.post(url, {"file": _xlsx(rows)})
    assert (
        r.status_code == 302 and PriceList.objects.filter(building=inv.b1).count() == 1
    )  # numbers as Excel numbers
    bad = [["房号", "单价", "楼层", "楼层差价"], [numbers[0], "abc"], [numbers[1], 30000], [numbers[1], 30000],
           ["", "", "", ""], [numbers[2], 30000, 3, 100], [numbers[3], 30000, 3, 200], ["9999", 30000]]  # fmt: skip
    r = client.post(url, {"file": _xlsx(bad)})
    page = r.content.decode()
    assert r.status_code == 200 and PriceList.objects.filter(building=inv.b1).count() == 1
    rows_shown = {int(n) for n in re.findall(r"<tr><td>(\d+)</td>", page)}
    assert rows_shown == {2, 4, 7, 8}  # the rows as Excel numbers them; 8: a unit the building lacks
    # Every unit known but some not priced: the service's error, nothing written either.
    missing = [["房号", "单价"], [numbers[0], 30000]]
    r = client.post(url, {"file": _xlsx(missing)})
    assert r.status_code == 200 and numbers[1] in r.content.decode()
    assert PriceList.objects.filter(building=inv.b1).count() == 1
    no_header = client.post(url, {"file": _csv("a,b\n1,2")})
    assert no_header.status_code == 200 and "房号" in no_header.content.decode()
    wrong_type = client.post(url, {"file": SimpleUploadedFile("prices.txt", b"x")})
    assert wrong_type.status_code == 200 and PriceList.objects.filter(building=inv.b1).count() == 1
