"""Inventory pages: lists, the building form, the grid per role, and its query count."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from loupan.inventory.models import Building, Unit
from loupan.inventory.tests.factories import make_building

pytestmark = pytest.mark.django_db


def _client(client, user):  # noqa: ANN001, ANN202
    client.force_login(user)
    return client


def test_project_and_building_lists_follow_scope(world, inv, client):  # noqa: ANN001
    page = _client(client, world.s1a).get(reverse("inventory:projects")).content.decode()
    assert "西溪云庐" in page and "钱江悦府" not in page
    assert "New project" not in page and "新建项目" not in page
    assert client.get(reverse("inventory:project", args=[inv.p2.pk])).status_code == 404
    buildings = client.get(reverse("inventory:project", args=[inv.p1.pk])).content.decode()
    assert "1号楼" in buildings and reverse("inventory:building_create", args=[inv.p1.pk]) not in buildings
    assert client.get(reverse("inventory:building_create", args=[inv.p1.pk])).status_code == 403
    manager = _client(client, world.sm1).get(reverse("inventory:project", args=[inv.p1.pk])).content.decode()
    assert reverse("inventory:building_create", args=[inv.p1.pk]) in manager


def test_building_form_generates_units(world, inv, client):  # noqa: ANN001
    _client(client, world.sm1)
    data = {
        "name": "6号楼", "floors": "12", "first_floor": "2", "unit_price": "30000",
        "stacks-TOTAL_FORMS": "8", "stacks-INITIAL_FORMS": "0", "stacks-MIN_NUM_FORMS": "0", "stacks-MAX_NUM_FORMS": "20",
        "stacks-0-layout": "3室2厅2卫", "stacks-0-bedrooms": "3", "stacks-0-area": "120", "stacks-0-orientation": "南",
        "stacks-1-layout": "2室1厅1卫", "stacks-1-bedrooms": "2", "stacks-1-area": "88.5",
    }  # fmt: skip
    r = client.post(reverse("inventory:building_create", args=[inv.p1.pk]), data)
    building = Building.objects.get(project=inv.p1, name="6号楼")
    assert r.status_code == 302 and r["Location"] == reverse("inventory:grid", args=[building.pk])
    units = Unit.objects.filter(building=building)
    assert units.count() == 22  # floors 2..12 x 2
    assert units.get(number="1201").total_price == 3600000
    assert not units.filter(floor=1).exists()
    bad = client.post(
        reverse("inventory:building_create", args=[inv.p1.pk]), {**data, "name": "7号楼", "stacks-0-area": ""}
    )
    assert bad.status_code == 200 and not Building.objects.filter(name="7号楼").exists()
    dup = client.post(reverse("inventory:building_create", args=[inv.p1.pk]), data)
    assert dup.status_code == 200 and "error" in dup.content.decode()


def _actions(html: str) -> set[str]:
    return set(re.findall(r'name="action" value="(\w+)"', html))


def test_grid_page_per_role(world, inv, client):  # noqa: ANN001
    available = Unit.objects.get(building=inv.b1, number="101")
    held = Unit.objects.get(building=inv.b1, number="102")
    Unit.objects.filter(pk=held.pk).update(status="held")
    Unit.objects.filter(building=inv.b1, number="103").update(status="contracted")
    grid = reverse("inventory:grid", args=[inv.b1.pk])
    for user in (world.sm1, world.cm, world.admin):
        _client(client, user)
        page = client.get(grid).content.decode()
        assert page.index('id="unit-') and page.index(">501<") < page.index(">101<")  # top floor first
        assert 'class="cell st-held"' in page and 'class="cell st-contracted"' in page
        assert 'hx-trigger="every 5s"' in page
        assert _actions(client.get(grid, {"unit": available.pk}).content.decode()) == {"hold"}
        assert _actions(client.get(grid, {"unit": held.pk}).content.decode()) == {"release"}
    for user in (world.s1a, world.ag1):
        _client(client, user)
        assert client.get(grid).status_code == 200
        assert _actions(client.get(grid, {"unit": available.pk}).content.decode()) == set()
        assert _actions(client.get(grid, {"unit": held.pk}).content.decode()) == set()
        assert client.post(reverse("inventory:unit_hold", args=[available.pk])).status_code == 403
    _client(client, world.sm2)
    assert client.get(grid).status_code == 404
    assert client.get(reverse("inventory:grid_body", args=[inv.b1.pk])).status_code == 404
    assert client.post(reverse("inventory:unit_hold", args=[available.pk])).status_code == 404


def test_hold_and_release_from_the_page(world, inv, client):  # noqa: ANN001
    unit = Unit.objects.get(building=inv.b1, number="201")
    _client(client, world.sm1)
    r = client.post(reverse("inventory:unit_hold", args=[unit.pk]), {"reason": "保留"})
    assert r.status_code == 302 and r["Location"].endswith(f"?unit={unit.pk}")
    unit.refresh_from_db()
    assert unit.status == "held" and unit.hold_reason == "保留"
    again = client.post(reverse("inventory:unit_hold", args=[unit.pk]), follow=True)
    assert again.status_code == 200 and "msg-error" in again.content.decode()
    client.post(reverse("inventory:unit_release", args=[unit.pk]))
    unit.refresh_from_db()
    assert unit.status == "available"
    panel = client.get(reverse("inventory:unit_panel", args=[unit.pk])).content.decode()
    assert _actions(panel) == {"hold"}


def test_subscribe_link_only_when_the_deal_page_exists(world, inv, client, monkeypatch):  # noqa: ANN001
    from loupan.inventory import views

    unit = Unit.objects.get(building=inv.b1, number="301")
    _client(client, world.s1a)
    monkeypatch.setattr(views, "subscribe_url", lambda pk: f"/sales/subscriptions/new/?unit={pk}")
    page = client.get(reverse("inventory:unit_panel", args=[unit.pk])).content.decode()
    assert f"/sales/subscriptions/new/?unit={unit.pk}" in page
    monkeypatch.setattr(views, "subscribe_url", lambda pk: None)
    assert "subscribe" not in client.get(reverse("inventory:unit_panel", args=[unit.pk])).content.decode()


def test_grid_body_partial_refreshes(world, inv, client):  # noqa: ANN001
    _client(client, world.s1a)
    url = reverse("inventory:grid_body", args=[inv.b1.pk])
    first = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert first.lstrip().startswith('<div id="grid-body"') and "<html" not in first
    Unit.objects.filter(building=inv.b1, number="401").update(status="subscribed")
    assert 'data-status="subscribed"' in client.get(url).content.decode()


def test_grid_query_count_is_constant(world, inv, client, django_assert_max_num_queries):  # noqa: ANN001
    big = make_building(inv.p1, floors=40, stacks=8, name="40层")
    small = make_building(inv.p1, floors=5, stacks=2, name="5层")
    _client(client, world.sm1)
    client.get(reverse("inventory:grid", args=[small.pk]))  # warm up session and caches
    counts = []
    for building in (small, big):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            r = client.get(reverse("inventory:grid", args=[building.pk]))
        assert r.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert r.content.decode().count('class="cell ') == 320
    with django_assert_max_num_queries(counts[1]):
        client.get(reverse("inventory:grid_body", args=[big.pk]))


def test_price_list_page_create_and_activate(world, inv, client):  # noqa: ANN001
    url = reverse("inventory:price_lists", args=[inv.b1.pk])
    _client(client, world.s1a)
    assert client.get(url).status_code == 200
    assert 'name="default_price"' not in client.get(url).content.decode()
    assert client.post(url, {"default_price": "30000"}).status_code == 403
    _client(client, world.sm1)
    missing = client.post(url, {"prices": "101 30000"})
    assert (
        missing.status_code == 200
        and "has-error" in missing.content.decode()
        or "msg-error" in missing.content.decode()
    )
    bad_line = client.post(url, {"default_price": "30000", "prices": "101"})
    assert bad_line.status_code == 200 and not inv.b1.price_lists.exists()
    r = client.post(
        url, {"default_price": "30000", "prices": "501 35000", "floor_premiums": "4 1000", "note": "首开"}
    )
    assert r.status_code == 302
    r = client.post(reverse("inventory:price_list_activate", args=[inv.b1.pk, 1]))
    assert r.status_code == 302
    assert Unit.objects.get(building=inv.b1, number="501").unit_price == 35000
    assert Unit.objects.get(building=inv.b1, number="401").unit_price == 31000
    page = client.get(url).content.decode()
    assert "v1" in page and 'value="activate"' not in page
    _client(client, world.sm2)
    assert client.get(url).status_code == 404
