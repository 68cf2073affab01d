"""Formatting a report's cells by the kind of their column."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def cell(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "money":
        return intcomma(floatformat(value, 0))
    if kind == "percent":
        return f"{floatformat(value, 1)}%"
    if kind == "number":
        return floatformat(value, 2)
    if kind == "int":
        return intcomma(value)
    return str(value)


@register.filter
def pairs(row: list[Any], kinds: list[str]) -> list[tuple[Any, str]]:
    return list(zip(row, kinds, strict=False))
