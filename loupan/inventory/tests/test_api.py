"""Inventory API: status codes, scope, bulk create, the grid, holds and price lists."""

from __future__ import annotations

import pytest

from loupan.inventory.models import Building, PriceList, Unit

pytestmark = pytest.mark.django_db


def test_projects_follow_the_sites(world, inv, api):  # noqa: ANN001
    names = lambda user: {p["name"] for p in api(user).get("/api/v1/projects/").json()["results"]}  # noqa: E731
    assert names(world.cm) == {"西溪云庐", "钱江悦府"}
    assert names(world.sm1) == names(world.s1a) == {"西溪云庐"}
    assert api(world.sm2).get(f"/api/v1/projects/{inv.p1.pk}/").status_code == 404
    assert api(world.sm1).post("/api/v1/projects/", {"name": "新盘"}, format="json").status_code == 403
    created = api(world.cm).post("/api/v1/projects/", {"name": "新盘", "city": "杭州"}, format="json")
    assert created.status_code == 201 and created.json()["city"] == "杭州"
    assert api(world.cm).post("/api/v1/projects/", {"name": "新盘"}, format="json").status_code == 400
    r = api(world.sm1).patch(f"/api/v1/projects/{inv.p1.pk}/", {"district": "西湖区"}, format="json")
    assert r.status_code == 200 and r.json()["district"] == "西湖区"


def test_building_with_template(world, inv, api):  # noqa: ANN001
    body = {
        "project": inv.p1.pk, "name": "3号楼", "floors": 18,
        "template": {"stacks": [{"layout": "3室2厅2卫", "bedrooms": 3, "area": "118.50"},
                                {"layout": "2室1厅1卫", "bedrooms": 2, "area": "89.00"}]},
    }  # fmt: skip
    r = api(world.sm1).post("/api/v1/buildings/", body, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["units_count"] == 36
    assert api(world.s1a).post("/api/v1/buildings/", body, format="json").status_code == 403
    other = api(world.sm2).post("/api/v1/buildings/", {**body, "name": "4号楼"}, format="json")
    assert other.status_code == 400 and "project" in other.json()  # a project out of scope does not exist
    bad = api(world.sm1).post("/api/v1/buildings/", {**body, "name": "5号楼", "floors": 0}, format="json")
    assert bad.status_code == 400 and "floors" in bad.json()


def test_units_bulk_create_with_a_json_list(world, inv, api):  # noqa: ANN001
    b = Building.objects.create(project=inv.p1, name="空楼", floors=20)
    rows = [
        {
            "building": b.pk,
            "number": f"{f}01",
            "floor": f,
            "area": "98.00",
            "layout": "3室2厅1卫",
            "bedrooms": 3,
        }
        for f in range(1, 11)
    ]
    r = api(world.sm1).post("/api/v1/units/", rows, format="json")
    assert r.status_code == 201, r.json()
    data = r.json()
    assert len(data) == 10 and data[0]["project"] == inv.p1.pk and data[0]["status"] == "available"
    again = api(world.sm1).post(
        "/api/v1/units/", [{**rows[0], "number": "1101", "floor": 11}, rows[1]], format="json"
    )
    assert again.status_code == 400
    assert again.json()[0] == {} and "number" in again.json()[1]
    assert not Unit.objects.filter(building=b, number="1101").exists()  # all or nothing
    typed = api(world.sm1).post("/api/v1/units/", [{**rows[0], "area": "abc"}], format="json")
    assert typed.status_code == 400 and "area" in typed.json()[0]
    one = api(world.sm1).post("/api/v1/units/", {**rows[0], "number": "1201", "floor": 12}, format="json")
    assert one.status_code == 201 and one.json()["number"] == "1201"
    assert (
        api(world.s1a)
        .post("/api/v1/units/", [{**rows[0], "number": "1301", "floor": 13}], format="json")
        .status_code
        == 403
    )
    out = api(world.sm2).post("/api/v1/units/", [{**rows[0], "number": "1401", "floor": 14}], format="json")
    assert out.status_code == 400 and "building" in out.json()[0]


def test_unit_fields_and_project_read_only(world, inv, api):  # noqa: ANN001
    unit = Unit.objects.get(building=inv.b1, number="101")
    r = api(world.s1a).get(f"/api/v1/units/{unit.pk}/")
    assert r.status_code == 200
    data = r.json()
    for key in ("id", "building", "project", "number", "floor", "layout", "bedrooms", "area", "unit_price",
                "total_price", "orientation", "status"):  # fmt: skip
        assert key in data
    assert data["area"] == "118.50" and data["total_price"] == "3555000.00"
    patched = api(world.sm1).patch(
        f"/api/v1/units/{unit.pk}/", {"project": inv.p2.pk, "orientation": "南"}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["project"] == inv.p1.pk
    assert (
        api(world.s1a).patch(f"/api/v1/units/{unit.pk}/", {"orientation": "北"}, format="json").status_code
        == 403
    )
    assert api(world.sm2).get(f"/api/v1/units/{unit.pk}/").status_code == 404
    listed = api(world.sm1).get("/api/v1/units/", {"building": inv.b1.pk, "floor": 5}).json()
    assert listed["count"] == 4
    assert api(world.sm2).get("/api/v1/units/", {"building": inv.b1.pk}).json()["count"] == 0


def test_hold_and_release_status_codes(world, inv, api):  # noqa: ANN001
    unit = Unit.objects.get(building=inv.b1, number="201")
    url = f"/api/v1/units/{unit.pk}/"
    assert api(world.s1a).post(url + "hold/").status_code == 403
    assert api(world.ag1).post(url + "hold/").status_code == 403
    assert api(world.sm2).post(url + "hold/").status_code == 404
    r = api(world.sm1).post(url + "hold/", {"reason": "保留给老业主"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "held"
    again = api(world.cm).post(url + "hold/")
    assert again.status_code == 409 and again.json()["code"] == "unit_unavailable"
    assert api(world.s1a).post(url + "release/").status_code == 403
    assert api(world.sm1).post(url + "release/").json()["status"] == "available"
    not_held = api(world.sm1).post(url + "release/")
    assert not_held.status_code == 409 and not_held.json()["code"] == "unit_not_held"


def test_grid_shape_floors_top_to_bottom(world, inv, api):  # noqa: ANN001
    Unit.objects.filter(building=inv.b1, number="302").update(status="subscribed")
    r = api(world.s1a).get(f"/api/v1/buildings/{inv.b1.pk}/grid/")
    assert r.status_code == 200
    data = r.json()
    assert data["building"]["id"] == inv.b1.pk
    assert [f["floor"] for f in data["floors"]] == [5, 4, 3, 2, 1]
    assert [u["number"] for u in data["floors"][0]["units"]] == ["501", "502", "503", "504"]
    cell = data["floors"][2]["units"][1]
    assert {"id", "number", "status", "layout", "area", "total_price"} <= set(cell)
    assert (cell["number"], cell["status"], cell["area"]) == ("302", "subscribed", "89.00")
    assert data["counts"]["subscribed"] == 1 and data["counts"]["available"] == 19
    assert api(world.sm2).get(f"/api/v1/buildings/{inv.b1.pk}/grid/").status_code == 404


def test_price_lists_create_and_activate(world, inv, api):  # noqa: ANN001
    b = inv.b1
    url = f"/api/v1/buildings/{b.pk}/price-lists/"
    prices = {u.number: "32000" for u in b.units.all()}
    assert api(world.s1a).post(url, {"prices": prices}, format="json").status_code == 403
    assert api(world.sm2).post(url, {"prices": prices}, format="json").status_code == 404
    missing = api(world.sm1).post(url, {"prices": dict(list(prices.items())[:3])}, format="json")
    assert missing.status_code == 400 and "prices" in missing.json()
    created = api(world.sm1).post(
        url, {"prices": prices, "floor_premiums": {"5": "500"}, "note": "首开"}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["version"] == 1 and created.json()["is_active"] is False
    assert api(world.s1a).post(url + "1/activate/").status_code == 403
    assert api(world.sm1).post(url + "9/activate/").status_code == 404
    r = api(world.sm1).post(url + "1/activate/")
    assert r.status_code == 200 and r.json()["is_active"] is True
    assert api(world.sm1).post(url + "1/activate/").status_code == 409
    top = Unit.objects.get(building=b, number="501")
    assert str(top.unit_price) == "32500.00"
    listed = api(world.s1a).get(url).json()
    assert [v["version"] for v in listed] == [1] and listed[0]["units"] == 20
    detail = api(world.s1a).get(url + "1/").json()
    assert len(detail["items"]) == 20 and detail["items"][0]["number"] == "501"
    assert PriceList.objects.filter(building=b, is_active=True).count() == 1
