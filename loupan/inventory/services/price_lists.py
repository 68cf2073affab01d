"""Price list versions: floor premiums, activation of one version per building, history kept."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_bulk, audit_record
from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.policy import require

from ..choices import UnitStatus
from ..models import Building, PriceList, PriceListItem, Unit
from ._common import (
    CENT,
    clean_decimal,
    total_for,
)

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
            per_unit[unit.pk] = clean_decimal(value)
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
            premiums[floor] = clean_decimal(value, positive=False)
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
