"""Inventory reads: scoped lists with filters and the grid."""

from __future__ import annotations

import pytest

from loupan.inventory import selectors
from loupan.inventory.models import Unit

pytestmark = pytest.mark.django_db


def test_unit_list_filters_within_scope(world, inv):  # noqa: ANN001
    Unit.objects.filter(building=inv.b1, number__in=["101", "201"]).update(status="held")
    assert selectors.unit_list(user=world.sm1).count() == 20
    assert selectors.unit_list(user=world.sm1, building=inv.b2.pk).count() == 0  # out of scope
    assert selectors.unit_list(user=world.cm, building=inv.b2.pk).count() == 6
    assert selectors.unit_list(user=world.s1a, status="held").count() == 2
    assert selectors.unit_list(user=world.s1a, bedrooms=2, floor=3).get().number == "302"
    assert selectors.unit_list(user=world.s1a, area_min=100, area_max=120).count() == 10
    assert [u.number for u in selectors.unit_list(user=world.s1a, ordering="-floor")[:2]] == ["501", "502"]


def test_building_list_counts_and_grid(world, inv):  # noqa: ANN001
    Unit.objects.filter(building=inv.b1, number="301").update(status="contracted")
    [b] = selectors.building_list(user=world.sm1)
    assert (b.n_units, b.n_available, b.n_sold) == (20, 19, 1)
    grid = selectors.building_grid(inv.b1)
    assert [f.floor for f in grid.floors] == [5, 4, 3, 2, 1] and grid.stacks == 4
    assert grid.counts["contracted"] == 1 and grid.sell_through == 0.05
    assert [p.name for p in selectors.project_list(user=world.s1a)] == ["西溪云庐"]
