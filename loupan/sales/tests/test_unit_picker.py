"""The 换房 unit picker: searchable by building and unit number (htmx, or a plain GET without
JS), capped for large projects, and scoped: only available units of the deal's project that
the user sees, for managers who may change the unit."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from loupan.core.testing.clients import client_for
from loupan.inventory.models import Building
from loupan.sales import services as ds
from loupan.sales.deal_forms import ChangeUnitForm
from loupan.sales.models import Subscription
from loupan.sales.selectors import available_units
from loupan.sales.tests.conftest import make_units

pytestmark = pytest.mark.django_db


@pytest.fixture
def picker(world, deals):  # noqa: ANN001, ANN201
    """A subscription of deals.units[0] (1号楼 301) and a second building 2号楼 (2 floors x 2
    units: 201, 202, 101, 102 in that order) in the same project."""
    b2 = Building.objects.create(project=deals.p1, name="2号楼", floors=2)
    units_b2 = make_units(b2, 2, 2, Decimal("900000.00"))
    sub = ds.subscription_create(actor=world.s1a, unit=deals.units[0], customer=deals.c1, deposit="1")
    return {
        "b2": b2,
        "units_b2": units_b2,
        "sub": sub,
        "url": reverse("sales:subscription_change_unit", args=[sub.pk]),
    }


def listed(response) -> set[int]:  # noqa: ANN001
    """The unit ids offered by the picker's <select> (page or htmx fragment)."""
    body = response.content.decode()
    start = body.index('<select name="unit"')
    select = body[start : body.index("</select>", start)]
    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', select)}


def test_the_selector_filters_by_building_and_unit_number(world, deals, picker) -> None:  # noqa: ANN001
    def numbers(**search) -> set[str]:  # noqa: ANN003
        units = available_units(user=world.sm1, project_id=deals.p1.pk, **search)
        return {f"{u.building.name} {u.number}" for u in units}

    assert numbers(q="2号楼") == {"2号楼 101", "2号楼 102", "2号楼 201", "2号楼 202"}
    assert numbers(q="101") == {"1号楼 101", "2号楼 101"}
    assert numbers(q="2号楼 101") == numbers(q="2号楼-101") == {"2号楼 101"}
    assert numbers(q="  ") == numbers()  # blank: everything available (301 is subscribed)
    assert "1号楼 301" not in numbers() and len(numbers()) == 5 + 4
    assert numbers(building_id=picker["b2"].pk, q="02") == {"2号楼 102", "2号楼 202"}
    assert numbers(q="A座") == set()  # p2's building: another project


def test_the_page_searches_without_javascript(world, deals, picker) -> None:  # noqa: ANN001
    client = client_for(world.sm1)
    page = client.get(picker["url"])
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="q"' in body and 'name="building"' in body and 'hx-get="' in body
    assert listed(page) == {u.pk for u in deals.units[1:]} | {u.pk for u in picker["units_b2"]}
    found = client.get(picker["url"], {"q": "2号楼 101"})
    assert listed(found) == {picker["units_b2"][2].pk}  # units come top floor first: 201, 202, 101, 102
    assert "1 个可选房源符合条件" in found.content.decode()
    by_building = client.get(picker["url"], {"building": picker["b2"].pk})
    assert listed(by_building) == {u.pk for u in picker["units_b2"]}
    nothing = client.get(picker["url"], {"q": "9999"})
    assert listed(nothing) == set() and "没有符合条件的可选房源" in nothing.content.decode()


def test_htmx_gets_only_the_picker(world, deals, picker) -> None:  # noqa: ANN001
    response = client_for(world.sm1).get(picker["url"], {"q": "102"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'name="price"' not in body
    assert listed(response) == {deals.units[5].pk, picker["units_b2"][3].pk}  # 1号楼 102, 2号楼 102
    # The contract's 换房 page has the same search.
    contract = ds.contract_create(actor=world.s1a, subscription=picker["sub"], payment_method="full")
    url = reverse("sales:contract_change_unit", args=[contract.pk])
    response = client_for(world.sm1).get(url, {"q": "2号楼 202"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and listed(response) == {picker["units_b2"][1].pk}


def test_large_projects_list_a_capped_number_and_any_available_unit_can_be_chosen(
    world, deals, picker, monkeypatch
) -> None:  # noqa: ANN001
    monkeypatch.setattr(ChangeUnitForm, "PICKER_LIMIT", 3)
    client = client_for(world.sm1)
    page = client.get(picker["url"])
    assert len(listed(page)) == 3 and "请缩小搜索范围" in page.content.decode()
    target = picker["units_b2"][-1]  # 2号楼 102: last in building order, not listed
    assert target.pk not in listed(page)
    # Sent anyway (or found by a search): valid; shown again on a page with errors.
    low = client.post(picker["url"], {"unit": target.pk, "price": "-5"})
    assert low.status_code == 200 and "price" in low.context["form"].errors and target.pk in listed(low)
    done = client.post(picker["url"], {"unit": target.pk, "reason": "换楼栋"})
    assert done.status_code == 302
    assert Subscription.objects.get(unit=target, status="active").customer == deals.c1


def test_the_picker_is_scoped(world, deals, picker) -> None:  # noqa: ANN001
    url = picker["url"]
    for outsider, status in ((world.sm2, 404), (world.s2a, 404), (world.s1a, 403), (world.ag1, 404)):
        assert client_for(outsider).get(url, {"q": "1"}, HTTP_HX_REQUEST="true").status_code == status
    client = client_for(world.sm1)
    # Another project's units are not offered, not even when the search names them ...
    assert listed(client.get(url, {"q": "A座"})) == set()
    # ... a building of another project is refused by the search and filters nothing ...
    other = client.get(url, {"building": deals.units2[0].building_id})
    assert other.status_code == 200 and "building" in other.context["search"].errors
    assert not listed(other) & {u.pk for u in deals.units2}
    # ... and choosing one anyway is a field error that changes nothing.
    refused = client.post(url, {"unit": deals.units2[0].pk})
    assert refused.status_code == 200 and "unit" in refused.context["form"].errors
    assert Subscription.objects.get(pk=picker["sub"].pk).status == "active"
