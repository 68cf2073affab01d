"""Channels models: agency contracts, registrations (渠道报备), KPI targets."""

from .contracts import AgencyContract
from .kpis import KpiTarget, KpiTargetQuerySet
from .registrations import Registration, RegistrationQuerySet

__all__ = ["AgencyContract", "KpiTarget", "KpiTargetQuerySet", "Registration", "RegistrationQuerySet"]
