"""Inventory services: templates, bulk create, holds, the status door, price lists."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loupan.core.errors import Conflict, NotAllowed, ValidationFailed
from loupan.core.models import AuditEvent
from loupan.inventory import services
from loupan.inventory.models import Building, PriceList, Unit

pytestmark = pytest.mark.django_db

TEMPLATE = services.BuildingTemplate(
    stacks=[
        services.StackSpec(layout="3室2厅2卫", bedrooms=3, area=Decimal("118.5"), orientation="南"),
        services.StackSpec(layout="2室1厅1卫", bedrooms=2, area=Decimal("89")),
    ]
)


def test_building_from_template_numbers_floor_and_stack(world, inv):  # noqa: ANN001
    building = services.building_create(
        actor=world.sm1, project=inv.p1, name="8号楼", floors=18, template=TEMPLATE
    )
    units = Unit.objects.filter(building=building)
    assert units.count() == 36
    top = units.get(number="1801")
    assert (top.floor, top.stack, top.layout, top.bedrooms, top.area, top.orientation) == (
        18, 1, "3室2厅2卫", 3, Decimal("118.50"), "南",
    )  # fmt: skip
    assert units.get(number="102").layout == "2室1厅1卫"
    assert set(units.values_list("status", flat=True)) == {"available"}
    assert set(units.values_list("project_id", flat=True)) == {inv.p1.pk}
    assert AuditEvent.objects.filter(object_type="unit", action="create").count() == 36


def test_building_template_refused_leaves_nothing(world, inv):  # noqa: ANN001
    bad = services.BuildingTemplate(stacks=[services.StackSpec(layout="x", area=Decimal("-1"))])
    with pytest.raises(ValidationFailed):
        services.building_create(actor=world.sm1, project=inv.p1, name="9号楼", floors=3, template=bad)
    assert not Building.objects.filter(name="9号楼").exists()
    with pytest.raises(ValidationFailed) as exc:
        services.building_create(actor=world.sm1, project=inv.p1, name="1号楼", floors=3)
    assert "name" in exc.value.errors


def test_only_managers_of_the_project_create_buildings(world, inv):  # noqa: ANN001
    for user in (world.s1a, world.ag1, world.sm2):
        with pytest.raises(NotAllowed):
            services.building_create(actor=user, project=inv.p1, name="X", floors=3)
    services.building_create(actor=world.cm, project=inv.p1, name="X", floors=3)
    with pytest.raises(NotAllowed):
        services.project_create(actor=world.sm1, data={"name": "新项目"})
    assert services.project_create(actor=world.admin, data={"name": "新项目", "city": "杭州"}).city == "杭州"


def test_units_bulk_create_is_all_or_nothing(world, inv):  # noqa: ANN001
    building = services.building_create(actor=world.sm1, project=inv.p1, name="空楼", floors=10)
    good = {"building": building, "number": "101", "floor": 1, "area": "88.5", "layout": "2室1厅1卫"}
    rows = [
        good,
        {**good, "number": "102"},
        {**good, "number": "101"},  # duplicate in the batch
        {**good, "number": "1101", "floor": 11},  # above the top floor
        {**good, "number": "103", "area": "0"},
    ]
    with pytest.raises(ValidationFailed) as exc:
        services.units_bulk_create(actor=world.sm1, rows=rows)
    assert set(exc.value.errors) == {"2.number", "3.floor", "4.area"}
    assert not Unit.objects.filter(building=building).exists()
    created = services.units_bulk_create(actor=world.sm1, rows=rows[:2])
    assert [u.number for u in created] == ["101", "102"] and all(u.pk for u in created)
    with pytest.raises(ValidationFailed) as exc:  # already exists
        services.units_bulk_create(actor=world.sm1, rows=[{**good, "number": "102"}])
    assert "0.number" in exc.value.errors
    with pytest.raises(NotAllowed):
        services.units_bulk_create(actor=world.s1a, rows=[{**good, "number": "105"}])


def test_unit_price_gives_total(world, inv):  # noqa: ANN001
    building = inv.b1
    [unit] = services.units_bulk_create(
        actor=world.sm1,
        rows=[{"building": building, "number": "501A", "floor": 5, "area": "100", "unit_price": "30000.5"}],
    )
    assert unit.total_price == Decimal("3000050.00")


def test_hold_and_release_rights_and_conflicts(world, inv):  # noqa: ANN001
    unit = Unit.objects.get(building=inv.b1, number="101")
    for user in (world.s1a, world.ag1, world.sm2):
        with pytest.raises(NotAllowed):
            services.unit_hold(actor=user, unit=unit)
    held = services.unit_hold(actor=world.sm1, unit=unit, reason="领导保留")
    assert (held.status, held.held_by_id, held.hold_reason) == ("held", world.sm1.pk, "领导保留")
    with pytest.raises(Conflict) as exc:
        services.unit_hold(actor=world.cm, unit=unit)
    assert exc.value.code == "unit_unavailable"
    with pytest.raises(NotAllowed):
        services.unit_release(actor=world.s1a, unit=unit)
    released = services.unit_release(actor=world.cm, unit=unit)
    assert (released.status, released.held_by_id, released.hold_reason) == ("available", None, "")
    with pytest.raises(Conflict) as exc:
        services.unit_release(actor=world.sm1, unit=unit)
    assert exc.value.code == "unit_not_held"
    events = AuditEvent.objects.filter(object_type="unit", object_id=unit.pk).order_by("id")
    assert [e.action for e in events] == ["hold", "release"]
    assert events[0].changes["status"] == ["available", "held"]


def test_a_sold_unit_cannot_be_held(world, inv):  # noqa: ANN001
    unit = Unit.objects.get(building=inv.b1, number="201")
    services.unit_set_status(unit=unit, to="subscribed", actor=world.s1a, expected_from={"available"})
    with pytest.raises(Conflict) as exc:
        services.unit_hold(actor=world.admin, unit=unit)
    assert exc.value.code == "unit_unavailable" and exc.value.extra["status"] == "subscribed"


def test_unit_set_status_checks_expected_from(world, inv):  # noqa: ANN001
    unit = Unit.objects.get(building=inv.b1, number="301")
    stale = Unit.objects.get(pk=unit.pk)
    moved = services.unit_set_status(unit=unit, to="subscribed", actor=world.s1a, expected_from={"available"})
    assert moved.status == "subscribed" and unit.status == "subscribed"
    with pytest.raises(Conflict) as exc:  # a second subscription of the same unit
        services.unit_set_status(unit=stale, to="subscribed", actor=world.s1b, expected_from={"available"})
    assert exc.value.code == "unit_unavailable"
    services.unit_set_status(unit=unit, to="contracted", actor=world.s1a, expected_from={"subscribed"})
    services.unit_set_status(
        unit=unit, to="available", actor=world.sm1, expected_from={"subscribed", "contracted"}, reason="退房"
    )
    unit.refresh_from_db()
    assert unit.status == "available"
    with pytest.raises(ValidationFailed):
        services.unit_set_status(unit=unit, to="sold", actor=world.sm1, expected_from={"available"})
    with pytest.raises(ValidationFailed):
        services.unit_set_status(unit=unit, to="held", actor=world.sm1, expected_from=set())
    actions = list(
        AuditEvent.objects.filter(object_type="unit", object_id=unit.pk).values_list("action", "changes")
    )
    assert [c["status"] for _a, c in actions][::-1] == [
        ["available", "subscribed"], ["subscribed", "contracted"], ["contracted", "available"],
    ]  # fmt: skip


def test_unit_in_deal_keeps_its_price(world, inv):  # noqa: ANN001
    unit = Unit.objects.get(building=inv.b1, number="401")
    services.unit_update(actor=world.sm1, unit=unit, data={"orientation": "南北", "area": "120"})
    unit.refresh_from_db()
    assert unit.area == Decimal("120.00") and unit.total_price == Decimal("3600000.00")
    services.unit_set_status(unit=unit, to="subscribed", actor=world.s1a, expected_from={"available"})
    with pytest.raises(Conflict) as exc:
        services.unit_update(actor=world.sm1, unit=unit, data={"area": "130"})
    assert exc.value.code == "unit_in_deal"
    services.unit_update(actor=world.sm1, unit=unit, data={"layout": "3室2厅1卫"})
    with pytest.raises(NotAllowed):
        services.unit_update(actor=world.s1a, unit=unit, data={"layout": "x"})


def _prices(building, value: str = "30000") -> dict:  # noqa: ANN001
    return {u.pk: value for u in building.units.all()}


def test_price_list_versions_and_activation(world, inv):  # noqa: ANN001
    b = inv.b1
    with pytest.raises(ValidationFailed) as exc:  # a unit without a price
        services.price_list_create(actor=world.sm1, building=b, prices=dict(list(_prices(b).items())[1:]))
    assert "prices" in exc.value.errors
    with pytest.raises(ValidationFailed):
        services.price_list_create(actor=world.sm1, building=b, prices=_prices(b, "0"))
    with pytest.raises(ValidationFailed):
        services.price_list_create(
            actor=world.sm1, building=b, prices={**_prices(b), inv.b2.units.first().pk: "1"}
        )
    with pytest.raises(NotAllowed):
        services.price_list_create(actor=world.s1a, building=b, prices=_prices(b))

    v1 = services.price_list_create(
        actor=world.sm1, building=b, prices=_prices(b, "25000"), floor_premiums={5: "1000"}
    )
    v2 = services.price_list_create(
        actor=world.sm1, building=b, prices={u.number: "28000" for u in b.units.all()}
    )
    assert (v1.version, v2.version, v1.is_active, v2.is_active) == (1, 2, False, False)
    top = Unit.objects.get(building=b, number="501")  # 118.50 m²
    held = Unit.objects.get(building=b, number="101")
    sold = Unit.objects.get(building=b, number="102")
    services.unit_hold(actor=world.sm1, unit=held)
    services.unit_set_status(unit=sold, to="subscribed", actor=world.s1a, expected_from={"available"})
    sold_price = sold.total_price

    services.price_list_activate(actor=world.sm1, price_list=v1)
    top.refresh_from_db()
    assert (top.unit_price, top.total_price) == (Decimal("26000.00"), Decimal("3081000.00"))
    held.refresh_from_db()
    assert held.unit_price == Decimal("25000.00")  # held units follow the list
    sold.refresh_from_db()
    assert sold.total_price == sold_price  # a unit in a deal keeps its price
    with pytest.raises(Conflict):
        services.price_list_activate(actor=world.sm1, price_list=v1)

    services.price_list_activate(actor=world.cm, price_list=v2)
    assert list(PriceList.objects.filter(building=b, is_active=True)) == [v2]
    top.refresh_from_db()
    assert top.total_price == Decimal("3318000.00")
    assert AuditEvent.objects.filter(object_type="unit", object_id=top.pk, action="reprice").count() == 2
    assert AuditEvent.objects.filter(object_type="pricelist", action="activate").count() == 2
