"""Inventory test data: a project linked to a site, buildings generated from a template."""

from __future__ import annotations

from decimal import Decimal

import factory

from loupan.inventory.models import Building, Project, Unit


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"云澜项目{n}")
    city = "杭州"


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"{n + 1}号楼")
    floors = 18


def make_building(
    project: Project, floors: int = 5, stacks: int = 4, name: str = "", price: str = "30000"
) -> Building:
    """A building with ``floors`` x ``stacks`` available units, numbered 101..(floors)(stacks)."""
    building = Building.objects.create(project=project, name=name or f"{floors}x{stacks}楼", floors=floors)
    layouts = [("3室2厅2卫", 3, "118.50"), ("2室1厅1卫", 2, "89.00"), ("4室2厅2卫", 4, "143.00")]
    units = []
    for floor in range(1, floors + 1):
        for stack in range(1, stacks + 1):
            layout, bedrooms, area = layouts[(stack - 1) % len(layouts)]
            unit_price = Decimal(price)
            units.append(
                Unit(
                    building=building, project=project, number=f"{floor}{stack:02d}", floor=floor, stack=stack,
                    layout=layout, bedrooms=bedrooms, area=Decimal(area), unit_price=unit_price,
                    total_price=(unit_price * Decimal(area)).quantize(Decimal(1)),
                )
            )  # fmt: skip
    Unit.objects.bulk_create(units)
    return building


def link(site, project: Project) -> None:  # noqa: ANN001
    site.project = project
    site.save(update_fields=["project"])
