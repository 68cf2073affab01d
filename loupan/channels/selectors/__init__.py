"""Reads of the channels app, always through the scoped querysets."""

from .commission import commission_agencies, commission_lines, commission_totals, rate_for
from .kpis import Period, kpi_rows, kpi_site, kpi_teams, parse_period
from .referrals import BuyerReferral, buyer_referral
from .registrations import (
    live_contract,
    protected_customer_ids,
    protection_conflict,
    registration_conflict,
    registration_list,
    registration_sites,
)

__all__ = [
    "BuyerReferral",
    "buyer_referral",
    "commission_agencies",
    "commission_lines",
    "commission_totals",
    "rate_for",
    "Period",
    "kpi_rows",
    "kpi_site",
    "kpi_teams",
    "parse_period",
    "live_contract",
    "protected_customer_ids",
    "protection_conflict",
    "registration_conflict",
    "registration_list",
    "registration_sites",
]
