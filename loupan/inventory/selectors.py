"""Reads on inventory, always through ``visible_to``: lists and the sales-control grid."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from .choices import SOLD_STATUSES, UnitStatus
from .models import Building, PriceList, Project, Unit

UNIT_ORDERINGS = {
    "number": ("building_id", "number"),
    "floor": ("building_id", "floor", "stack"),
    "-floor": ("building_id", "-floor", "stack"),
    "total_price": ("total_price", "id"),
    "-total_price": ("-total_price", "id"),
    "area": ("area", "id"),
    "-area": ("-area", "id"),
}
GRID_FIELDS = (
    "id", "building_id", "project_id", "number", "floor", "stack", "layout", "bedrooms", "area",
    "orientation", "unit_price", "total_price", "status",
)  # fmt: skip


def project_list(*, user: Any) -> QuerySet[Project]:
    """The projects of the user's sites (all for company-wide roles), with building counts."""
    return Project.objects.visible_to(user).annotate(
        n_buildings=Count("buildings", distinct=True),
    )


def building_list(*, user: Any, project: Project | None = None) -> QuerySet[Building]:
    """Visible buildings with unit counts per status."""
    qs = Building.objects.visible_to(user).select_related("project")
    if project is not None:
        qs = qs.filter(project=project)
    return qs.annotate(
        n_units=Count("units"),
        n_available=Count("units", filter=Q(units__status=UnitStatus.AVAILABLE)),
        n_sold=Count("units", filter=Q(units__status__in=sorted(SOLD_STATUSES))),
    )


def unit_list(
    *,
    user: Any,
    building: int | None = None,
    project: int | None = None,
    status: str | None = None,
    bedrooms: int | None = None,
    floor: int | None = None,
    area_min: Decimal | None = None,
    area_max: Decimal | None = None,
    price_max: Decimal | None = None,
    ordering: str = "floor",
) -> QuerySet[Unit]:
    """Visible units, filtered; ordered as ``UNIT_ORDERINGS`` allows (default: by building, floor)."""
    qs = Unit.objects.visible_to(user)
    lookups = {
        "building_id": building, "project_id": project, "status": status, "bedrooms": bedrooms,
        "floor": floor, "area__gte": area_min, "area__lte": area_max, "total_price__lte": price_max,
    }  # fmt: skip
    qs = qs.filter(**{k: v for k, v in lookups.items() if v not in (None, "")})
    return qs.order_by(*UNIT_ORDERINGS.get(ordering, UNIT_ORDERINGS["floor"]))


@dataclass
class GridFloor:
    floor: int
    units: list[Unit] = field(default_factory=list)


@dataclass
class Grid:
    building: Building
    floors: list[GridFloor]
    counts: dict[str, int]
    stacks: int
    total: int

    @property
    def sell_through(self) -> float:
        """Share of units sold (subscribed or further) of all units, 0..1."""
        if not self.total:
            return 0.0
        return sum(self.counts[s] for s in SOLD_STATUSES) / self.total


def building_grid(building: Building) -> Grid:
    """The sales-control grid (销控表) of a building: floors from top to bottom with their
    units by stack, and the count of units per status. One query for the units.

    The caller fetched ``building`` through ``visible_to`` (the units follow its project).
    """
    units = list(
        Unit.objects.filter(building_id=building.pk).only(*GRID_FIELDS).order_by("-floor", "stack", "number")
    )
    floors: list[GridFloor] = []
    counts = dict.fromkeys(UnitStatus.values, 0)
    for unit in units:
        counts[unit.status] = counts.get(unit.status, 0) + 1
        if not floors or floors[-1].floor != unit.floor:
            floors.append(GridFloor(unit.floor))
        floors[-1].units.append(unit)
    stacks = max((len(f.units) for f in floors), default=0)
    return Grid(building=building, floors=floors, counts=counts, stacks=stacks, total=len(units))


def price_lists(*, building: Building) -> QuerySet[PriceList]:
    """A building's price list versions, newest first, with who made them."""
    return (
        PriceList.objects.filter(building=building)
        .select_related("created_by")
        .annotate(n_items=Count("items"))
        .order_by("-version")
    )
