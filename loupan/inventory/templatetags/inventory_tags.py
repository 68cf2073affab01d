"""Template filters of the sales-control pages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def wan(value: Decimal | None) -> str:
    """A price in 万 (10,000 yuan) with one decimal: 3555000 -> "355.5"; empty for none."""
    if value is None or value == "":
        return ""
    amount = (Decimal(value) / Decimal(10000)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{amount:,.1f}"


@register.filter
def area(value: Decimal | None) -> str:
    """An area without trailing zeros: 118.50 -> "118.5", 89.00 -> "89"."""
    if value is None:
        return ""
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return text


@register.filter
def percent(value: float) -> str:
    return f"{value * 100:.1f}%"
