"""Reads of the channels app, always through the scoped querysets."""

from .kpis import Period, kpi_rows, kpi_site, kpi_teams, parse_period
from .registrations import (
    live_contract,
    protection_conflict,
    registration_conflict,
    registration_list,
    registration_sites,
)

__all__ = [
    "Period",
    "kpi_rows",
    "kpi_site",
    "kpi_teams",
    "parse_period",
    "live_contract",
    "protection_conflict",
    "registration_conflict",
    "registration_list",
    "registration_sites",
]
