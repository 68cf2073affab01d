"""Channels models: agency contracts, registrations (渠道报备), KPI targets, commission, referrals."""

from .commission import CommissionLine, CommissionStatement, Referral, ReferralQuerySet
from .contracts import AgencyContract
from .kpis import KpiTarget, KpiTargetQuerySet
from .registrations import Registration, RegistrationQuerySet

__all__ = [
    "CommissionLine",
    "CommissionStatement",
    "Referral",
    "ReferralQuerySet",
    "AgencyContract",
    "KpiTarget",
    "KpiTargetQuerySet",
    "Registration",
    "RegistrationQuerySet",
]
