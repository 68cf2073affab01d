"""Reads of the channels app, always through the scoped querysets."""

from .registrations import (
    live_contract,
    protection_conflict,
    registration_conflict,
    registration_list,
    registration_sites,
)

__all__ = [
    "live_contract",
    "protection_conflict",
    "registration_conflict",
    "registration_list",
    "registration_sites",
]
