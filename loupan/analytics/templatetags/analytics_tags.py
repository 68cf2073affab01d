"""Formatting a report's cells by the kind of their column."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def cell(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    # Thousands separated with commas in every language (Chinese locale formats group nothing).
    if kind == "money":
        return f"{float(value):,.0f}"
    if kind == "percent":
        return f"{float(value):.1f}%"
    if kind == "number":
        return f"{float(value):,.2f}"
    if kind == "int":
        return f"{int(value):,}"
    return str(value)


@register.filter
def pairs(row: list[Any], kinds: list[str]) -> list[tuple[Any, str]]:
    return list(zip(row, kinds, strict=False))
