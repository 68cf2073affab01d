"""Writes on inventory: projects, buildings, units, holds (销控) and price lists.

Every function checks its policy, validates (``ValidationFailed`` per field, nothing
written), runs in one transaction and audits what changed. Unit status changes go
through exactly two doors: ``unit_hold``/``unit_release`` for the site manager's
sales control, and :func:`unit_set_status` for the deal services (subscribe,
contract, cancel, handover), which lock the row and compare the current status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_bulk, audit_record, diff, snapshot
from loupan.core.errors import Conflict, NotFound, ValidationFailed
from loupan.core.policy import require

from .choices import UnitStatus
from .models import Building, PriceList, PriceListItem, Project, Unit

PROJECT_FIELDS = ["name", "city", "district", "address"]
UNIT_FIELDS = [
    "number", "floor", "stack", "layout", "bedrooms", "area", "inner_area", "orientation",
    "unit_price", "total_price",
]  # fmt: skip
UNIT_AUDITED = [*UNIT_FIELDS, "status", "held_by", "hold_reason"]
DEAL_LOCKED_FIELDS = {"area", "inner_area", "unit_price", "total_price", "number", "floor"}
MAX_BULK_UNITS = 5000
MAX_STACKS = 20
CENT = Decimal("0.01")


def _unit_unavailable(unit: Unit) -> Conflict:
    return Conflict(
        "unit_unavailable",
        _("Unit %(number)s is not available (%(status)s).")
        % {"number": unit.number, "status": UnitStatus(unit.status).label},
        status=unit.status,
    )


# --- small validators -------------------------------------------------------------------------


def _decimal(value: Any, *, positive: bool = True, allow_none: bool = False) -> Decimal | None:
    """A Decimal from a number or string; raises ValueError with a message key."""
    if value in (None, ""):
        if allow_none:
            return None
        raise ValueError(_("This field is required."))
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(_("Enter a number.")) from None
    if not number.is_finite():
        raise ValueError(_("Enter a number."))
    if positive and number <= 0:
        raise ValueError(_("Must be greater than zero."))
    if number < 0:
        raise ValueError(_("Must not be negative."))
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def _int(value: Any, *, low: int, high: int, allow_none: bool = False) -> int | None:
    if value in (None, ""):
        if allow_none:
            return None
        raise ValueError(_("This field is required."))
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(_("Enter a whole number.")) from None
    if isinstance(value, float) and value != number:
        raise ValueError(_("Enter a whole number."))
    if not low <= number <= high:
        raise ValueError(_("Must be between %(low)d and %(high)d.") % {"low": low, "high": high})
    return number


def _text(value: Any, *, max_length: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValueError(_("This field is required."))
    if len(text) > max_length:
        raise ValueError(_("At most %(n)d characters.") % {"n": max_length})
    return text


def total_for(unit_price: Decimal, area: Decimal) -> Decimal:
    """Total price of a unit: price per m² times area, to the yuan."""
    return (unit_price * area).quantize(Decimal(1), rounding=ROUND_HALF_UP).quantize(CENT)


def clean_unit_data(data: dict[str, Any], *, building: Building, partial: bool = False) -> dict[str, Any]:
    """Validate unit fields; returns cleaned values. Raises ValidationFailed per field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    checks = {
        "number": lambda v: _text(v, max_length=20, required=True),
        "floor": lambda v: _int(v, low=-10, high=building.floors),
        "stack": lambda v: _int(v, low=1, high=99) if v not in (None, "") else 1,
        "layout": lambda v: _text(v, max_length=30),
        "bedrooms": lambda v: _int(v, low=0, high=20, allow_none=True),
        "area": lambda v: _decimal(v),
        "inner_area": lambda v: _decimal(v, allow_none=True),
        "orientation": lambda v: _text(v, max_length=20),
        "unit_price": lambda v: _decimal(v, allow_none=True),
        "total_price": lambda v: _decimal(v, allow_none=True),
    }
    for name, check in checks.items():
        if partial and name not in data:
            continue
        try:
            cleaned[name] = check(data.get(name))
        except ValueError as exc:
            errors[name] = [str(exc)]
    if cleaned.get("floor") == 0:
        errors["floor"] = [_("There is no floor 0.")]
    area, inner = cleaned.get("area"), cleaned.get("inner_area")
    if area is not None and inner is not None and inner > area:
        errors["inner_area"] = [_("The inner area cannot exceed the building area.")]
    if errors:
        raise ValidationFailed(errors)
    if cleaned.get("unit_price") is not None and cleaned.get("total_price") is None and area is not None:
        cleaned["total_price"] = total_for(cleaned["unit_price"], area)
    return cleaned


# --- projects ---------------------------------------------------------------------------------


def _clean_project(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    errors, cleaned = {}, {}
    limits = {"name": 120, "city": 40, "district": 40, "address": 200}
    for name, limit in limits.items():
        if partial and name not in data:
            continue
        try:
            cleaned[name] = _text(data.get(name), max_length=limit, required=name == "name")
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _name_taken() -> ValidationFailed:
    return ValidationFailed({"name": [_("This name is already taken.")]})


@transaction.atomic
def project_create(*, actor: Any, data: dict[str, Any]) -> Project:
    """Create a project (楼盘). Company-wide roles only; the name is unique."""
    require(actor, "inventory.manage", None, _("Only company managers can create projects."))
    fields = _clean_project(data, partial=False)
    if Project.objects.filter(name=fields["name"]).exists():
        raise _name_taken()
    try:
        with transaction.atomic():
            project = Project.objects.create(**fields)
    except IntegrityError:
        raise _name_taken() from None
    audit_record(
        actor=actor, action="create", obj=project, changes={k: [None, v] for k, v in fields.items() if v}
    )
    return project


@transaction.atomic
def project_update(*, actor: Any, project: Project, data: dict[str, Any]) -> Project:
    """Edit a project's name and address (managers of the project)."""
    require(actor, "inventory.manage", project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    fields = _clean_project(data, partial=True)
    if "name" in fields and Project.objects.filter(name=fields["name"]).exclude(pk=project.pk).exists():
        raise _name_taken()
    before = snapshot(project, PROJECT_FIELDS)
    for name, value in fields.items():
        setattr(project, name, value)
    project.save()
    if changes := diff(before, snapshot(project, PROJECT_FIELDS)):
        audit_record(actor=actor, action="update", obj=project, changes=changes)
    return project


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
        name = _text(name, max_length=60, required=True)
    except ValueError as exc:
        errors["name"] = [str(exc)]
    try:
        floors = _int(floors, low=1, high=200)
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
            building.name = _text(name, max_length=60, required=True)
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
            building.floors = _int(floors, low=1, high=200)
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
    if "area" in fields and "unit_price" not in fields and unit.unit_price and "total_price" not in fields:
        fields["total_price"] = total_for(unit.unit_price, fields["area"])
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


# --- sales control: holds and the one status door ---------------------------------------------


def _locked(unit: Unit) -> Unit:
    try:
        return Unit.objects.select_for_update().get(pk=unit.pk)
    except Unit.DoesNotExist:
        raise NotFound(_("No such unit.")) from None


@transaction.atomic
def unit_hold(*, actor: Any, unit: Unit, reason: str = "") -> Unit:
    """Hold back (保留) an available unit from sale: site managers of the project's sites,
    company managers, admins (others: NotAllowed, 403). A unit that is not available
    cannot be held: Conflict ``unit_unavailable`` (409); of many managers holding one
    unit at once, exactly one wins."""
    require(actor, "unit.hold", unit, _("Only managers can hold units."))
    reason = (reason or "").strip()[:200]
    return _transition(
        unit, to=UnitStatus.HELD, actor=actor, expected_from={UnitStatus.AVAILABLE}, action="hold",
        extra={"held_by_id": actor.pk, "held_at": timezone.now(), "hold_reason": reason},
    )  # fmt: skip


@transaction.atomic
def unit_release(*, actor: Any, unit: Unit, reason: str = "") -> Unit:
    """Put a held unit back on sale (same people as :func:`unit_hold`). Only a held unit can
    be released: Conflict ``unit_not_held`` (409) otherwise."""
    require(actor, "unit.release", unit, _("Only managers can release units."))
    try:
        return _transition(
            unit, to=UnitStatus.AVAILABLE, actor=actor, expected_from={UnitStatus.HELD}, action="release",
            detail={"reason": (reason or "").strip()[:200]} if reason else None,
        )  # fmt: skip
    except Conflict as exc:
        raise Conflict(
            "unit_not_held", _("Only a held unit can be released."), status=exc.extra.get("status")
        ) from None


@transaction.atomic
def unit_set_status(
    *,
    unit: Unit,
    to: str,
    actor: Any,
    expected_from: set[str],
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> Unit:
    """THE door for the deal services to move a unit (subscribe, contract, cancel, handover).

    Locks the unit row (``select_for_update``; on SQLite the IMMEDIATE transaction does),
    checks that its current status is one of ``expected_from``, sets ``to`` and audits the
    change (action ``status``). No policy check: the calling service has made it. Call it
    inside the caller's transaction so the deal and the unit commit together.

    Raises Conflict ``unit_unavailable`` (409, with ``status`` = the current status) when the
    unit is not in an expected status, for example a second subscription of one unit.
    Returns the unit as stored. A hold's ``held_by``/``hold_reason`` are cleared unless ``to``
    is ``held``.

    Example: ``unit_set_status(unit=u, to="subscribed", actor=user, expected_from={"available"})``.
    """
    if to not in UnitStatus.values:
        raise ValidationFailed({"status": [_("Unknown unit status %(s)s.") % {"s": to}]})
    unknown = set(expected_from) - set(UnitStatus.values)
    if not expected_from or unknown:
        raise ValidationFailed({"expected_from": [_("Name the statuses the unit may be in.")]})
    extra: dict[str, Any] = {}
    if to == UnitStatus.HELD:
        extra = {
            "held_by_id": getattr(actor, "pk", None),
            "held_at": timezone.now(),
            "hold_reason": reason[:200],
        }
    return _transition(
        unit, to=to, actor=actor, expected_from=set(expected_from), action="status", extra=extra,
        detail={**(detail or {}), **({"reason": reason[:200]} if reason else {})} or None,
    )  # fmt: skip


def _transition(
    unit: Unit,
    *,
    to: str,
    actor: Any,
    expected_from: set[str],
    action: str,
    extra: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
) -> Unit:
    locked = _locked(unit)
    if locked.status not in expected_from:
        raise _unit_unavailable(locked)
    before = snapshot(locked, UNIT_AUDITED)
    values = {
        "status": to,
        "held_by_id": None,
        "held_at": None,
        "hold_reason": "",
        "updated_at": timezone.now(),
    }
    values.update(extra or {})
    # Compare-and-set: even where the row lock is a no-op, only one writer moves the unit.
    moved = Unit.objects.filter(pk=locked.pk, status__in=sorted(expected_from)).update(**values)
    if moved != 1:
        locked.refresh_from_db()
        raise _unit_unavailable(locked)
    locked.refresh_from_db()
    audit_record(
        actor=actor,
        action=action,
        obj=locked,
        changes=diff(before, snapshot(locked, UNIT_AUDITED)),
        detail=detail,
    )
    unit.status, unit.held_by_id, unit.held_at, unit.hold_reason = (
        locked.status, locked.held_by_id, locked.held_at, locked.hold_reason,
    )  # fmt: skip
    return locked


# --- price lists ------------------------------------------------------------------------------


def _clean_prices(
    building: Building, prices: dict[Any, Any], floor_premiums: dict[Any, Any]
) -> tuple[list[PriceListItem], dict[str, list[str]]]:
    units = list(building.units.only("pk", "number", "floor", "area").order_by("-floor", "stack"))
    by_id = {u.pk: u for u in units}
    by_number = {u.number: u for u in units}
    errors: dict[str, list[str]] = {}
    per_unit: dict[int, Decimal] = {}
    for key, value in prices.items():
        unit = by_id.get(key) if isinstance(key, int) else by_number.get(str(key).strip())
        if unit is None:
            errors.setdefault("prices", []).append(_("Unit %(u)s is not in this building.") % {"u": key})
            continue
        try:
            per_unit[unit.pk] = _decimal(value)
        except ValueError as exc:
            errors.setdefault("prices", []).append(f"{unit.number}: {exc}")
    missing = [u.number for u in units if u.pk not in per_unit]
    if not units:
        errors.setdefault("prices", []).append(_("This building has no units yet."))
    elif missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        errors.setdefault("prices", []).append(
            _("Every unit needs a price; missing: %(units)s.") % {"units": shown}
        )
    premiums: dict[int, Decimal] = {}
    floors = {u.floor for u in units}
    for key, value in (floor_premiums or {}).items():
        try:
            floor = int(key)
        except (TypeError, ValueError):
            errors.setdefault("floor_premiums", []).append(_("Floor %(f)s is not a number.") % {"f": key})
            continue
        if floor not in floors:
            errors.setdefault("floor_premiums", []).append(_("No unit on floor %(f)d.") % {"f": floor})
            continue
        try:
            premiums[floor] = _decimal(value, positive=False)
        except ValueError as exc:
            errors.setdefault("floor_premiums", []).append(f"{floor}: {exc}")
    items = []
    if not errors:
        for unit in units:
            price = per_unit[unit.pk] + premiums.get(unit.floor, Decimal(0))
            items.append(
                PriceListItem(unit_id=unit.pk, unit_price=price, total_price=total_for(price, unit.area))
            )
    return items, errors


@transaction.atomic
def price_list_create(
    *,
    actor: Any,
    building: Building,
    prices: dict[Any, Any],
    floor_premiums: dict[Any, Any] | None = None,
    note: str = "",
) -> PriceList:
    """A new, inactive version of a building's price list (价目表).

    ``prices`` maps every unit of the building (by id, or by number as a string) to its
    base price per m² (> 0); ``floor_premiums`` maps a floor to an amount per m² added for
    its units (may be 0, not negative). Item totals = (price + premium) x area, to the yuan.
    Versions count up per building. Activate it with :func:`price_list_activate`.
    """
    require(actor, "inventory.manage", building)
    building = Building.objects.select_for_update().get(pk=building.pk)  # one new version at a time
    items, errors = _clean_prices(building, prices or {}, floor_premiums or {})
    if errors:
        raise ValidationFailed(errors)
    version = (building.price_lists.aggregate(v=Max("version"))["v"] or 0) + 1
    price_list = PriceList.objects.create(
        building=building, version=version, note=(note or "").strip()[:200], created_by=actor
    )
    for item in items:
        item.price_list = price_list
    PriceListItem.objects.bulk_create(items, batch_size=500)
    audit_record(
        actor=actor, action="create", obj=price_list,
        detail={"building": building.pk, "version": version, "units": len(items),
                "floor_premiums": {str(k): str(v) for k, v in (floor_premiums or {}).items()}},
    )  # fmt: skip
    return price_list


@transaction.atomic
def price_list_activate(*, actor: Any, price_list: PriceList) -> PriceList:
    """Make a version the building's active price list and set its units' prices from it.

    The previous active version is deactivated in the same transaction (the partial unique
    constraint allows one active version per building). Units in a deal (subscribed,
    contracted, handed over) keep their agreed prices; the rest take the list's. Every
    changed unit is audited (``reprice``).
    """
    require(actor, "inventory.manage", price_list.building)
    Building.objects.select_for_update().filter(pk=price_list.building_id).first()
    price_list = PriceList.objects.select_for_update().select_related("building").get(pk=price_list.pk)
    if price_list.is_active:
        raise Conflict("already_active", _("This version is already active."))
    previous = PriceList.objects.filter(building_id=price_list.building_id, is_active=True).first()
    if previous is not None:
        previous.is_active = False
        previous.save(update_fields=["is_active"])
    price_list.is_active = True
    price_list.activated_at = timezone.now()
    try:
        with transaction.atomic():
            price_list.save(update_fields=["is_active", "activated_at"])
    except IntegrityError:
        raise Conflict("already_active", _("Another version was activated at the same time.")) from None
    items = {i.unit_id: i for i in price_list.items.all()}
    units = list(
        Unit.objects.select_for_update()
        .filter(building_id=price_list.building_id, status__in=[UnitStatus.AVAILABLE, UnitStatus.HELD])
        .only("pk", "unit_price", "total_price", "status")
    )
    changed, changes = [], {}
    for unit in units:
        item = items.get(unit.pk)
        if item is None or (unit.unit_price == item.unit_price and unit.total_price == item.total_price):
            continue
        changes[unit.pk] = {
            "unit_price": [_str(unit.unit_price), _str(item.unit_price)],
            "total_price": [_str(unit.total_price), _str(item.total_price)],
        }
        unit.unit_price, unit.total_price = item.unit_price, item.total_price
        changed.append(unit)
    Unit.objects.bulk_update(changed, ["unit_price", "total_price"], batch_size=500)
    audit_bulk(actor=actor, action="reprice", object_type="unit", changes_by_id=changes)
    audit_record(
        actor=actor, action="activate", obj=price_list,
        detail={"building": price_list.building_id, "version": price_list.version,
                "previous": previous.version if previous else None, "units_repriced": len(changed)},
    )  # fmt: skip
    return price_list


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))
