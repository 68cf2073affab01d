"""Domain validation of customer fields, shared by the API, the forms and imports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from loupan.core.errors import ValidationFailed
from loupan.core.validators import InvalidValue, normalize_id_number, normalize_mobile

from .choices import CustomerStatus, Gender, IncomeBand, IntentionLevel, Purpose
from .models import SourceChannel

TEXT_LIMITS = {"name": 60, "occupation": 60, "district": 60, "intent_floor": 20}
CHOICES = {
    "gender": Gender.values,
    "income_band": IncomeBand.values,
    "intent_purpose": Purpose.values,
    "intent_level": IntentionLevel.values,
    "status": CustomerStatus.values,
}


def name_initials(name: str) -> str:
    """Pinyin initials of a Chinese name, lower-case: 张伟 -> "zw"; Latin names keep letters."""
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda s: list(s))
    return "".join(c for c in "".join(letters).lower() if c.isalnum())[:60]


def _check_range(errors: dict, data: dict, low: str, high: str, field: str) -> None:
    lo, hi = data.get(low), data.get(high)
    for key in (low, high):
        value = data.get(key)
        if value is not None and Decimal(value) < 0:
            errors.setdefault(field, []).append(_("Must not be negative."))
            return
    if lo is not None and hi is not None and Decimal(lo) > Decimal(hi):
        errors.setdefault(field, []).append(_("The lower bound is above the upper bound."))


def clean_customer_data(
    data: dict[str, Any], *, partial: bool = False, sources: set[str] | None = None
) -> dict[str, Any]:
    """Normalise and validate customer fields; raise ValidationFailed with every problem.

    ``data`` holds already-typed values (dates, decimals) keyed by model field names.
    ``sources``: the active source codes, when the caller (a bulk import) has loaded
    them once; otherwise each call looks the source up.
    """
    errors: dict[str, list[str]] = {}
    out = dict(data)

    if not partial or "name" in data:
        name = str(data.get("name") or "").strip()
        if not name:
            errors["name"] = [_("A name is required.")]
        out["name"] = name
    if not partial or "phone" in data:
        try:
            out["phone"] = normalize_mobile(data.get("phone"))
        except InvalidValue as exc:
            errors["phone"] = [str(exc)]
    if data.get("id_number"):
        try:
            out["id_number"] = normalize_id_number(data["id_number"])
        except InvalidValue as exc:
            errors["id_number"] = [str(exc)]
    elif "id_number" in data:
        out["id_number"] = ""

    for field, limit in TEXT_LIMITS.items():
        if field in out and out[field] is not None:
            out[field] = str(out[field]).strip()
            if len(out[field]) > limit:
                errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
    for field, allowed in CHOICES.items():
        if out.get(field) and out[field] not in allowed:
            errors[field] = [_("“%(value)s” is not a valid choice.") % {"value": out[field]}]

    birth = data.get("birth_date")
    if birth and (birth > timezone.localdate() or birth < dt.date(1900, 1, 1)):
        errors["birth_date"] = [_("Enter a real birth date.")]
    source = data.get("source")
    if source and not (
        source in sources
        if sources is not None
        else SourceChannel.objects.filter(code=source, is_active=True).exists()
    ):
        errors["source"] = [_("Unknown source channel “%(code)s”.") % {"code": source}]
    bedrooms = data.get("intent_bedrooms")
    if bedrooms is not None and not 0 <= int(bedrooms) <= 20:
        errors["intent_bedrooms"] = [_("Between 0 and 20.")]
    _check_range(errors, data, "intent_budget_min", "intent_budget_max", "intent_budget_max")
    _check_range(errors, data, "intent_area_min", "intent_area_max", "intent_area_max")

    if errors:
        raise ValidationFailed(errors)
    if "name" in out:
        out["name_initials"] = name_initials(out["name"])
    if "phone" in out:
        out["phone_last4"] = out["phone"][-4:]
    if "source" in out:
        out["source_id"] = out.pop("source") or None
    return out


def clean_interests(values: list[str] | None) -> list[str]:
    """Trimmed, de-duplicated interest tags, at most 20 of at most 30 characters."""
    if values is None:
        return []
    tags = []
    for raw in values:
        tag = str(raw).strip()
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > 20 or any(len(t) > 30 for t in tags):
        raise ValidationFailed({"interests": [_("At most 20 tags of at most 30 characters.")]})
    return tags
