"""Field rules and constants shared by the inventory services (internal)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from loupan.core.errors import Conflict, ValidationFailed

from ..choices import UnitStatus
from ..models import Building, Unit

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


def unit_unavailable(unit: Unit) -> Conflict:
    return Conflict(
        "unit_unavailable",
        _("Unit %(number)s is not available (%(status)s).")
        % {"number": unit.number, "status": UnitStatus(unit.status).label},
        status=unit.status,
    )


# --- small validators -------------------------------------------------------------------------


def clean_decimal(value: Any, *, positive: bool = True, allow_none: bool = False) -> Decimal | None:
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


def clean_int(value: Any, *, low: int, high: int, allow_none: bool = False) -> int | None:
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


def clean_text(value: Any, *, max_length: int, required: bool = False) -> str:
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
        "number": lambda v: clean_text(v, max_length=20, required=True),
        "floor": lambda v: clean_int(v, low=-10, high=building.floors),
        "stack": lambda v: clean_int(v, low=1, high=99) if v not in (None, "") else 1,
        "layout": lambda v: clean_text(v, max_length=30),
        "bedrooms": lambda v: clean_int(v, low=0, high=20, allow_none=True),
        "area": lambda v: clean_decimal(v),
        "inner_area": lambda v: clean_decimal(v, allow_none=True),
        "orientation": lambda v: clean_text(v, max_length=20),
        "unit_price": lambda v: clean_decimal(v, allow_none=True),
        "total_price": lambda v: clean_decimal(v, allow_none=True),
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
