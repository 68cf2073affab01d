"""Deal fixtures: a project linked to site s1 with one building of available units."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from loupan.customers.tests.factories import CustomerFactory
from loupan.inventory.models import Building, Project, Unit


def make_units(building: Building, floors: int, stacks: int, price: Decimal) -> list[Unit]:
    units = [
        Unit(
            building=building,
            project=building.project,
            number=f"{f}{s:02d}",
            floor=f,
            stack=s,
            layout="3室2厅2卫",
            bedrooms=3,
            area=Decimal("100.00"),
            unit_price=price / 100,
            total_price=price,
        )  # fmt: skip
        for f in range(floors, 0, -1)
        for s in range(1, stacks + 1)
    ]
    Unit.objects.bulk_create(units)
    return list(Unit.objects.filter(building=building).order_by("-floor", "stack"))


@pytest.fixture
def deals(world) -> SimpleNamespace:  # noqa: ANN001
    """p1 (sold at s1) with building b1 of 3 floors x 2 units at 1,000,000.00 each; p2 at s2;
    customers c1 (s1, owned by s1a), c2 (s1, owned by s1b), c3 (s2, owned by s2a)."""
    p1 = Project.objects.create(name="西溪云庐", city="杭州")
    p2 = Project.objects.create(name="钱江悦府", city="杭州")
    world.s1.project = p1
    world.s1.save()
    world.s2.project = p2
    world.s2.save()
    b1 = Building.objects.create(project=p1, name="1号楼", floors=3)
    b2 = Building.objects.create(project=p2, name="A座", floors=2)
    units = make_units(b1, 3, 2, Decimal("1000000.00"))
    return SimpleNamespace(
        p1=p1,
        p2=p2,
        b1=b1,
        units=units,
        units2=make_units(b2, 2, 1, Decimal("800000.00")),
        c1=CustomerFactory(site=world.s1, owner=world.s1a, status="visited"),
        c2=CustomerFactory(site=world.s1, owner=world.s1b, status="visited"),
        c3=CustomerFactory(site=world.s2, owner=world.s2a, status="visited"),
    )
