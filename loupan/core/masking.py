"""Masking of contact data (domain.md rule 4): 138****1234 and 1101**********1234."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_id_number(id_number: str | None) -> str:
    if not id_number:
        return ""
    return f"{id_number[:4]}{'*' * (len(id_number) - 8)}{id_number[-4:]}"
