"""Writes of the channels app: agency contracts, registrations (渠道报备), and more.

Public services are re-exported here; import them from ``loupan.channels.services``.
"""

from .commission import commission_statement_export, commission_statement_issue
from .contracts import agency_contract_create, agency_contract_end, agency_contract_renew
from .kpis import kpi_target_set
from .referrals import referral_create, referral_record_deal, referral_reward_cancel, referral_reward_grant
from .registrations import (
    registration_confirm_visit,
    registration_create,
    registration_reject,
    registrations_expire,
)

__all__ = [
    "commission_statement_export",
    "commission_statement_issue",
    "referral_create",
    "referral_record_deal",
    "referral_reward_cancel",
    "referral_reward_grant",
    "agency_contract_create",
    "agency_contract_end",
    "agency_contract_renew",
    "kpi_target_set",
    "registration_confirm_visit",
    "registration_create",
    "registration_reject",
    "registrations_expire",
]
