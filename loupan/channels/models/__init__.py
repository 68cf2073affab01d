"""Channels models: agency contracts, registrations (渠道报备)."""

from .contracts import AgencyContract
from .registrations import Registration, RegistrationQuerySet

__all__ = ["AgencyContract", "Registration", "RegistrationQuerySet"]
