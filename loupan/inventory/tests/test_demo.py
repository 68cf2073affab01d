"""Demo inventory: every demo site sells a project of realistic, priced buildings."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min

from loupan.inventory.models import Building, PriceList, Unit
from loupan.org.models import Site

pytestmark = pytest.mark.django_db


def _seed(n: int = 50, seed: int = 3) -> None:
    call_command("seed_demo", "--customers", str(n), "--seed", str(seed), stdout=StringIO())


def test_demo_projects_buildings_and_prices() -> None:
    _seed()
    sites = list(Site.objects.select_related("project"))
    assert sites and all(s.project is not None and s.project.name == s.name for s in sites)
    for building in Building.objects.annotate(
        n=Count("units"), top=Max("units__floor"), stacks=Max("units__stack")
    ):
        assert 18 <= building.floors <= 33 and building.top == building.floors
        assert 4 <= building.stacks <= 6 and building.n == building.floors * building.stacks
        assert (
            PriceList.objects.filter(building=building, is_active=True, items__isnull=False)
            .distinct()
            .count()
            == 1
        )
    agg = Unit.objects.aggregate(a0=Min("area"), a1=Max("area"), p0=Min("unit_price"), p1=Max("unit_price"))
    assert Decimal(70) <= agg["a0"] and agg["a1"] <= Decimal(180)
    assert Decimal(20000) < agg["p0"] and agg["p1"] < Decimal(70000)
    assert {"available", "held"} <= set(
        Unit.objects.values_list("status", flat=True)
    )  # the deal demo sells some
    assert set(Unit.objects.values_list("bedrooms", flat=True)) == {2, 3, 4}
    top = Unit.objects.filter(stack=1).order_by("building", "-floor").first()
    low = Unit.objects.filter(building=top.building, stack=1, floor=3).get()
    assert top.unit_price > low.unit_price  # floor premiums


def test_demo_inventory_is_deterministic_and_seeds_once() -> None:
    import random

    from loupan.inventory.demo import plan_buildings

    assert plan_buildings(random.Random("a"), 30000) == plan_buildings(random.Random("a"), 30000)
    _seed(20, seed=9)
    first = list(
        Unit.objects.order_by("building__project__name", "building__name", "number").values_list(
            "building__project__name", "building__name", "number", "layout", "area", "total_price", "status"
        )
    )
    from loupan.inventory.demo import seed_inventory

    again = seed_inventory(list(Site.objects.all()), 9, actor=None)
    assert again["units"] == 0  # seeding twice adds nothing
    assert first and len(first) == Unit.objects.count()
