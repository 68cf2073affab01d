"""Buildings and their units: from a floors x stacks template, in bulk, and unit edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from loupan.core.audit import audit_bulk, audit_record, diff, snapshot
from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.policy import require

from ..choices import UnitStatus
from ..models import Building, Project, Unit
from ._common import (
    DEAL_LOCKED_FIELDS,
    MAX_BULK_UNITS,
    MAX_STACKS,
    UNIT_AUDITED,
    UNIT_FIELDS,
    clean_int,
    clean_text,
    clean_unit_data,
    total_for,
)

# --- buildings and units ----------------------------------------------------------------------


@dataclass(frozen=True)
class StackSpec:
    """One stack (column) of a building template: every floor has one such unit."""

    layout: str
    area: Decimal
    bedrooms: int | None = None
    inner_area: Decimal | None = None
    orientation: str = ""


@dataclass(frozen=True)
class BuildingTemplate:
    """Floors ``first_floor``..``floors`` x ``stacks``; unit "1801" = floor 18, stack 01."""

    stacks: list[StackSpec] = field(default_factory=list)
    first_floor: int = 1
    unit_price: Decimal | None = None  # optional starting price per m² for every unit


def unit_number(floor: int, stack: int) -> str:
    """The usual Chinese numbering: floor then a two-digit stack, ``1801``; ``B101`` below ground."""
    return f"{floor}{stack:02d}" if floor > 0 else f"B{-floor}{stack:02d}"


def template_rows(floors: int, template: BuildingTemplate) -> list[dict[str, Any]]:
    """The unit rows a template generates for a building ``floors`` high."""
    rows = []
    for floor in range(template.first_floor, floors + 1):
        if floor == 0:
            continue
        for index, spec in enumerate(template.stacks, start=1):
            rows.append(
                {
                    "number": unit_number(floor, index), "floor": floor, "stack": index,
                    "layout": spec.layout, "bedrooms": spec.bedrooms, "area": spec.area,
                    "inner_area": spec.inner_area, "orientation": spec.orientation,
                    "unit_price": template.unit_price,
                }
            )  # fmt: skip
    return rows


def _check_template(template: BuildingTemplate, floors: int) -> None:
    errors: dict[str, list[str]] = {}
    if not template.stacks:
        errors["stacks"] = [_("Describe at least one unit per floor.")]
    elif len(template.stacks) > MAX_STACKS:
        errors["stacks"] = [_("At most %(n)d units per floor.") % {"n": MAX_STACKS}]
    if not 1 <= template.first_floor <= floors:
        errors["first_floor"] = [_("The first floor must be between 1 and the top floor.")]
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def building_create(
    *, actor: Any, project: Project, name: str, floors: int, template: BuildingTemplate | None = None
) -> Building:
    """Create a building of a project, and with a template its units (floors x stacks).

    All or nothing: a bad template row leaves no building behind.
    """
    require(actor, "inventory.manage", project)
    errors = {}
    try:
        name = clean_text(name, max_length=60, required=True)
    except ValueError as exc:
        errors["name"] = [str(exc)]
    try:
        floors = clean_int(floors, low=1, high=200)
    except ValueError as exc:
        errors["floors"] = [str(exc)]
    if errors:
        raise ValidationFailed(errors)
    if template is not None:
        _check_template(template, floors)
    if Building.objects.filter(project=project, name=name).exists():
        raise ValidationFailed({"name": [_("This project already has a building of this name.")]})
    try:
        with transaction.atomic():
            building = Building.objects.create(project=project, name=name, floors=floors)
    except IntegrityError:
        raise ValidationFailed({"name": [_("This project already has a building of this name.")]}) from None
    audit_record(
        actor=actor, action="create", obj=building,
        changes={"project": [None, project.pk], "name": [None, name], "floors": [None, floors]},
    )  # fmt: skip
    if template is not None:
        try:
            _units_insert(actor, building, template_rows(floors, template))
        except ValidationFailed as exc:
            raise ValidationFailed({"stacks": [exc.detail]}) from None
    return building


@transaction.atomic
def building_update(
    *, actor: Any, building: Building, name: str | None = None, floors: int | None = None
) -> Building:
    """Rename a building or change its height (not below its highest unit)."""
    require(actor, "inventory.manage", building)
    building = Building.objects.select_for_update().get(pk=building.pk)
    before = snapshot(building, ["name", "floors"])
    if name is not None:
        try:
            building.name = clean_text(name, max_length=60, required=True)
        except ValueError as exc:
            raise ValidationFailed({"name": [str(exc)]}) from None
        if (
            Building.objects.filter(project_id=building.project_id, name=building.name)
            .exclude(pk=building.pk)
            .exists()
        ):
            raise ValidationFailed({"name": [_("This project already has a building of this name.")]})
    if floors is not None:
        try:
            building.floors = clean_int(floors, low=1, high=200)
        except ValueError as exc:
            raise ValidationFailed({"floors": [str(exc)]}) from None
        top = building.units.aggregate(top=Max("floor"))["top"]
        if top is not None and building.floors < top:
            raise ValidationFailed({"floors": [_("Units exist up to floor %(n)d.") % {"n": top}]})
    building.save()
    if changes := diff(before, snapshot(building, ["name", "floors"])):
        audit_record(actor=actor, action="update", obj=building, changes=changes)
    return building


def _units_insert(
    actor: Any, building: Building, rows: list[dict[str, Any]], indexes: list[int] | None = None
) -> list[Unit]:
    """Validate rows for one building and insert them; errors keyed ``"<row>.<field>"``
    (``indexes`` gives each row's position in the caller's list)."""
    indexes = indexes or list(range(len(rows)))
    errors: dict[str, list[str]] = {}
    cleaned = []
    for i, row in enumerate(rows):
        try:
            cleaned.append(clean_unit_data(row, building=building))
        except ValidationFailed as exc:
            for name, messages in exc.errors.items():
                errors[f"{indexes[i]}.{name}"] = messages
            cleaned.append(None)
    seen: dict[str, int] = {}
    existing = set(building.units.values_list("number", flat=True))
    for i, data in enumerate(cleaned):
        if data is None:
            continue
        number = data["number"]
        if number in existing or number in seen:
            errors[f"{indexes[i]}.number"] = [
                _("Unit %(number)s already exists in this building.") % {"number": number}
            ]
        seen[number] = i
    if errors:
        raise ValidationFailed(errors)
    units = [Unit(building=building, project_id=building.project_id, **data) for data in cleaned]
    try:
        with transaction.atomic():
            created = Unit.objects.bulk_create(units, batch_size=500)
    except IntegrityError:
        raise ValidationFailed({"number": [_("A unit number is already taken; try again.")]}) from None
    if not all(u.pk for u in created):  # backends without RETURNING: read the ids back
        by_number = dict(building.units.filter(number__in=list(seen)).values_list("number", "pk"))
        for unit in created:
            unit.pk = unit.id = by_number[unit.number]
    audit_bulk(
        actor=actor, action="create", object_type="unit",
        changes_by_id={u.pk: {"building": [None, building.pk], "number": [None, u.number]} for u in created},
    )  # fmt: skip
    return created


@transaction.atomic
def units_bulk_create(*, actor: Any, rows: list[dict[str, Any]]) -> list[Unit]:
    """Create many units at once, all or nothing.

    Each row carries ``building`` (a Building the caller fetched through ``visible_to``)
    and the unit fields. Errors come back keyed ``"<row index>.<field>"``; nothing is
    written unless every row is valid, unique in its building and within its floors.
    """
    if not rows:
        raise ValidationFailed({"non_field_errors": [_("Send at least one unit.")]})
    if len(rows) > MAX_BULK_UNITS:
        raise ValidationFailed(
            {"non_field_errors": [_("At most %(n)d units at once.") % {"n": MAX_BULK_UNITS}]}
        )
    by_building: dict[int, tuple[Building, list[tuple[int, dict]]]] = {}
    for i, row in enumerate(rows):
        building = row.get("building")
        if not isinstance(building, Building):
            raise ValidationFailed({f"{i}.building": [_("This field is required.")]})
        by_building.setdefault(building.pk, (building, []))[1].append((i, row))
    for building, _rows in by_building.values():
        require(actor, "inventory.manage", building)
    created: list[Unit] = []
    errors: dict[str, list[str]] = {}
    for building, indexed in by_building.values():
        Building.objects.select_for_update().filter(pk=building.pk).first()  # one writer per building
        try:
            created.extend(
                _units_insert(actor, building, [row for _i, row in indexed], [i for i, _row in indexed])
            )
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)  # the atomic block rolls back every row
    return created


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, data: dict[str, Any]) -> Unit:
    """Edit a unit's description. Number, floor, area and prices are frozen once it is in a
    deal (subscribed, contracted, handed over): 409 ``unit_in_deal``. Status is not edited
    here (see :func:`unit_hold` and :func:`unit_set_status`)."""
    require(actor, "inventory.manage", unit)
    unit = Unit.objects.select_for_update().select_related("building").get(pk=unit.pk)
    data = {k: v for k, v in data.items() if k in UNIT_FIELDS}
    fields = clean_unit_data(data, building=unit.building, partial=True)
    if "total_price" not in fields and ("area" in fields or "unit_price" in fields):
        price = fields.get("unit_price", unit.unit_price)
        if price:  # the total follows price x area unless given
            fields["total_price"] = total_for(price, fields.get("area", unit.area))
    before = snapshot(unit, UNIT_AUDITED)
    changed = {k for k, v in fields.items() if before.get(k) != snapshot_value(unit, k, v)}
    if changed & DEAL_LOCKED_FIELDS and unit.status not in (UnitStatus.AVAILABLE, UnitStatus.HELD):
        raise Conflict("unit_in_deal", _("This unit is in a deal; its number, area and price are fixed."))
    if (
        "number" in changed
        and unit.building.units.filter(number=fields["number"]).exclude(pk=unit.pk).exists()
    ):
        raise ValidationFailed(
            {"number": [_("Unit %(number)s already exists in this building.") % {"number": fields["number"]}]}
        )
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.save()
    if changes := diff(before, snapshot(unit, UNIT_AUDITED)):
        audit_record(actor=actor, action="update", obj=unit, changes=changes)
    return unit


def snapshot_value(unit: Unit, name: str, value: Any) -> Any:
    """``value`` as :func:`snapshot` would show it for ``name``."""
    probe = Unit(**{name: value})
    return snapshot(probe, [name])[name]
