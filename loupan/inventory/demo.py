"""Demo inventory: one project per demo site, two or three buildings each, priced.

Deterministic like the rest of the demo (``loupan.core.demo``): the same seed gives the
same buildings, units and prices. Buildings are 18-33 floors of 4-6 units, layouts from
2室1厅1卫 to 4室2厅2卫 (70-180 m²), a project base price of 2.5-6万/m² with floor
premiums, written as an active price list version 1. A few units are held back by the
site manager; everything else is on sale (the deal engineer's demo sells some).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# (layout, bedrooms, area range in m²)
LAYOUTS = [
    ("2室1厅1卫", 2, (70, 89)),
    ("2室2厅1卫", 2, (82, 95)),
    ("3室2厅1卫", 3, (95, 115)),
    ("3室2厅2卫", 3, (110, 135)),
    ("4室2厅2卫", 4, (140, 180)),
]
ORIENTATIONS = ["南", "南北", "东南", "西南", "东", "西"]
DISTRICT_OF = {"西湖区", "上城区", "余杭区", "滨江区", "萧山区"}
HELD_SHARE = 0.03


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def plan_buildings(rng: random.Random, base_price: int) -> list[dict[str, Any]]:
    """Two or three buildings of a project with their stacks and a price per stack."""
    buildings = []
    for index in range(rng.choice((2, 3))):
        floors = rng.randint(18, 33)
        n_stacks = rng.randint(4, 6)
        stacks = []
        for stack in range(n_stacks):
            # End stacks get the bigger layouts, the middle ones the smaller.
            end = stack in (0, n_stacks - 1)
            layout, bedrooms, (low, high) = LAYOUTS[rng.randint(2, 4) if end else rng.randint(0, 3)]
            area = Decimal(rng.randint(low * 10, high * 10)) / 10
            orientation = "南北" if end else rng.choice(ORIENTATIONS)
            # South-facing and end units sell a little higher.
            factor = Decimal("1.03") if orientation in ("南", "南北") else Decimal("0.99")
            stacks.append((layout, bedrooms, area, orientation, int(base_price * factor)))
        buildings.append({"name": f"{index + 1}号楼", "floors": floors, "stacks": stacks})
    return buildings


def floor_premium(floor: int, floors: int, base_price: int) -> Decimal:
    """Per m²: low floors cheaper, +0.6% a floor upwards, the top two floors a bit less."""
    step = Decimal(base_price) * Decimal("0.006")
    premium = step * (min(floor, floors - 2) - 6)
    if floor <= 2:
        premium -= step * 2
    return _money(premium)


def seed_inventory(
    sites: list[Any], seed: int, *, actor: Any, today: dt.date | None = None
) -> dict[str, int]:
    """Projects, buildings, units and an active price list for the demo ``sites``.

    Each site gets a project of its name (reused when it exists, so seeding twice adds
    nothing) and is linked to it. Returns counts. Runs inside the caller's transaction.
    """
    from loupan.core.models import AuditEvent

    from .choices import UnitStatus
    from .models import Building, PriceList, PriceListItem, Project, Unit

    rng = random.Random(f"inventory-{seed}")
    counts = {"projects": 0, "buildings": 0, "units": 0}
    for site in sites:
        address = site.address.removeprefix("杭州市")
        district = address[:3] if address[:3] in DISTRICT_OF else ""
        project, created = Project.objects.get_or_create(
            name=site.name, defaults={"city": "杭州", "district": district, "address": address}
        )
        if site.project_id != project.pk:
            site.project = project
            site.save(update_fields=["project"])
        base_price = rng.randint(25, 60) * 1000
        plans = plan_buildings(rng, base_price)
        if not created or project.buildings.exists():
            continue
        counts["projects"] += 1
        held_at = dt.datetime.combine(today or dt.date.today(), dt.time(9), tzinfo=dt.UTC) - dt.timedelta(
            days=3
        )
        for plan in plans:
            building = Building.objects.create(project=project, name=plan["name"], floors=plan["floors"])
            units = []
            for floor in range(1, plan["floors"] + 1):
                premium = floor_premium(floor, plan["floors"], base_price)
                for stack, (layout, bedrooms, area, orientation, price) in enumerate(plan["stacks"], start=1):
                    unit_price = _money(Decimal(price) + premium)
                    held = rng.random() < HELD_SHARE
                    units.append(
                        Unit(
                            building=building, project=project, number=f"{floor}{stack:02d}", floor=floor,
                            stack=stack, layout=layout, bedrooms=bedrooms, area=area,
                            inner_area=_money(area * Decimal("0.78")), orientation=orientation,
                            unit_price=unit_price,
                            total_price=_money((unit_price * area).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
                            status=UnitStatus.HELD if held else UnitStatus.AVAILABLE,
                            held_by=actor if held else None, held_at=held_at if held else None,
                            hold_reason="公司保留" if held else "",
                        )
                    )  # fmt: skip
            units = Unit.objects.bulk_create(units, batch_size=500)
            if not all(u.pk for u in units):
                ids = dict(building.units.values_list("number", "pk"))
                for u in units:
                    u.pk = u.id = ids[u.number]
            price_list = PriceList.objects.create(
                building=building, version=1, is_active=True, note="首次开盘价目表", created_by=actor,
                activated_at=held_at,
            )  # fmt: skip
            PriceListItem.objects.bulk_create(
                [
                    PriceListItem(
                        price_list=price_list,
                        unit_id=u.pk,
                        unit_price=u.unit_price,
                        total_price=u.total_price,
                    )
                    for u in units
                ],
                batch_size=500,
            )
            AuditEvent.objects.create(
                actor=actor, actor_name=actor.display_name, action="create", object_type="building",
                object_id=building.pk, changes={"name": [None, building.name], "floors": [None, building.floors]},
                detail={"seed_demo": True, "units": len(units)},
            )  # fmt: skip
            counts["buildings"] += 1
            counts["units"] += len(units)
    return counts
