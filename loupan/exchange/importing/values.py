"""Reading the values old Chinese systems write: dates, money, phones, genders.

Each parser takes what a CSV or XLSX cell holds (text, a number, a datetime) and returns
the typed value, ``None`` for a blank cell, or raises ``ValueError`` with a message for
the user. Phone and ID numbers go through the customers' own normalisers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.validators import InvalidValue, normalize_mobile

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONEY_NOISE_RE = re.compile(r"[\s,，¥￥]|元$|RMB|CNY", re.IGNORECASE)
_UNIT_NOISE_RE = re.compile(r"\s|㎡|m²|m2|平方米|平米|平$", re.IGNORECASE)
CENT = Decimal("0.01")


def text(value: Any) -> str:
    """A cell as trimmed text, full-width characters folded (１３８ -> 138); floats that are
    whole numbers lose their ``.0`` (Excel stores phone numbers as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def blank(value: Any) -> bool:
    return text(value) == ""


def excel_serial(number: float) -> dt.date:
    """An Excel serial day number (1900 date system) as a date."""
    if not 1 <= number < 2958466:
        raise ValueError(_("Not a date."))
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


def parse_date(value: Any) -> dt.date | None:
    """``1994-3-5``, ``1994/03/05``, ``1994.3.5``, ``1994年3月5日``, ``19940305``, an Excel
    serial number (``34398``) or a spreadsheet date cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return excel_serial(value)
    raw = text(value)
    if not raw:
        return None
    match = _DATE_RE.match(raw) or _COMPACT_DATE_RE.match(raw)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise ValueError(_("“%(value)s” is not a real date.") % {"value": raw}) from None
    if re.fullmatch(r"\d{4,5}(\.\d+)?", raw):
        return excel_serial(float(raw))
    raise ValueError(
        _("“%(value)s” is not a date (use 1994-3-5, 1994/03/05 or 1994年3月5日).") % {"value": raw}
    )


def parse_datetime(value: Any) -> dt.datetime | None:
    """A date (any form :func:`parse_date` reads) at local midnight, or a datetime cell."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    day = parse_date(value)
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def parse_money(value: Any) -> Decimal | None:
    """``1,250,000``, ``¥1250000.00``, ``125万``, ``125.5 万元``, ``1.2亿`` or a number cell."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    raw = text(value)
    if not raw:
        return None
    cleaned = _MONEY_NOISE_RE.sub("", raw).removesuffix("元")
    factor = Decimal(1)
    if cleaned.endswith("万"):
        factor, cleaned = Decimal(10_000), cleaned[:-1]
    elif cleaned.endswith("亿"):
        factor, cleaned = Decimal(100_000_000), cleaned[:-1]
    try:
        number = Decimal(cleaned) * factor
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not an amount of money.") % {"value": raw}) from None
    if not number.is_finite() or number < 0:
        raise ValueError(_("“%(value)s” is not an amount of money.") % {"value": raw})
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_decimal(value: Any) -> Decimal | None:
    """A number such as an area: ``89.5``, ``89.5㎡``, ``89.5平米``."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    raw = text(value)
    if not raw:
        return None
    try:
        number = Decimal(_UNIT_NOISE_RE.sub("", raw).replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw}) from None
    if not number.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw})
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_int(value: Any) -> int | None:
    raw = text(value).removesuffix("层").removesuffix("室").removesuffix("F")
    if not raw:
        return None
    try:
        return int(Decimal(raw))
    except (InvalidOperation, ValueError):
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": raw}) from None


def parse_phone(value: Any) -> str | None:
    """A mainland mobile number; spaces, dashes and +86 / 0086 go (the customers' own rule)."""
    raw = text(value)
    if not raw:
        return None
    try:
        return normalize_mobile(raw)
    except InvalidValue as exc:
        raise ValueError(str(exc)) from None


_GENDERS = {"男": "M", "m": "M", "male": "M", "先生": "M", "女": "F", "f": "F", "female": "F", "女士": "F"}


def parse_gender(value: Any) -> str:
    raw = text(value).lower()
    if not raw:
        return "U"
    if raw in ("u", "未知", "unknown", "-"):
        return "U"
    if raw not in _GENDERS:
        raise ValueError(_("Use 男 or 女 (M or F)."))
    return _GENDERS[raw]


def parse_bool(value: Any) -> bool | None:
    raw = text(value).lower()
    if not raw:
        return None
    if raw in ("1", "true", "yes", "y", "是", "有", "√"):
        return True
    if raw in ("0", "false", "no", "n", "否", "无", "×"):
        return False
    raise ValueError(_("Use 是 or 否 (yes or no)."))
