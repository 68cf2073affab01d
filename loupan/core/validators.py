"""Validation of Chinese contact data: mainland mobile numbers and resident ID numbers."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS_RE = re.compile(r"[\s\-()（）]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


class InvalidValue(ValueError):
    """A value that cannot be accepted; the message is shown to the user."""


def normalize_mobile(raw: str | None) -> str:
    """Return the 11-digit mainland mobile number in ``raw`` or raise InvalidValue.

    Accepts spaces, dashes, brackets and a +86 / 0086 / 86 prefix: "+86 139-0000-0011".
    """
    value = _SEPARATORS_RE.sub("", str(raw or ""))
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    if len(value) == 13 and value.startswith("86"):
        value = value[2:]
    if not _MOBILE_RE.match(value):
        raise InvalidValue(_("Enter a valid mainland mobile number (11 digits starting with 1)."))
    return value


def id_number_checksum(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(raw: str | None) -> str:
    """Return an 18-character resident ID number (upper-case X) or raise InvalidValue.

    Checks the format, the embedded birth date and the ISO 7064 MOD 11-2 checksum.
    """
    value = str(raw or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise InvalidValue(_("An ID number has 18 characters: 17 digits and a digit or X."))
    try:
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise InvalidValue(_("The ID number holds an impossible birth date.")) from exc
    if born.year < 1900 or born > dt.date.today():
        raise InvalidValue(_("The ID number holds an impossible birth date."))
    if id_number_checksum(value[:17]) != value[17]:
        raise InvalidValue(_("The ID number's check digit is wrong."))
    return value


def birth_date_from_id(id_number: str) -> dt.date:
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def gender_from_id(id_number: str) -> str:
    return "M" if int(id_number[16]) % 2 else "F"
