"""Who may do what in the channels app (registered with loupan.core.policy).

Visibility comes first (``Registration.objects.visible_to``); these rules only decide
whether a visible object's action is allowed.
"""

from __future__ import annotations

from typing import Any

from loupan.core.policy import rule
from loupan.core.scoping import scope_for


def _manages_site(user: Any, site_id: int | None) -> bool:
    scope = scope_for(user)
    return scope.is_manager and scope.covers_site(site_id)


@rule("registration.create")
def can_register(user: Any, _: Any = None) -> bool:
    """Agents of an agency with live access register prospects."""
    return user.role == "agent" and user.has_live_access


@rule("registration.confirm")
def can_confirm(user: Any, registration: Any) -> bool:
    """带看确认: in-house staff of the registration's site (salespeople at reception, its
    managers), company managers and admins. Never an agent."""
    if user.role == "agent":
        return False
    return scope_for(user).covers_site(registration.site_id)


@rule("registration.reject")
def can_reject(user: Any, registration: Any) -> bool:
    return _manages_site(user, registration.site_id)


@rule("registration.view_contact")
def can_view_registration_contact(user: Any, registration: Any) -> bool:
    return registration.agent_id == user.pk or _manages_site(user, registration.site_id)


@rule("agency_contract.read")
def can_read_contracts(user: Any, _: Any = None) -> bool:
    return user.role in ("admin", "company_manager")


@rule("agency_contract.manage")
def can_manage_contracts(user: Any, _: Any = None) -> bool:
    return user.role == "admin"


@rule("kpi.read")
def can_read_kpis(user: Any, _: Any = None) -> bool:
    return scope_for(user).kind.value != "none"


@rule("kpi.all_rows")
def can_read_all_kpi_rows(user: Any, site: Any = None) -> bool:
    """Managers read every row of a site in their scope; others only their own row."""
    return _manages_site(user, getattr(site, "pk", None))


@rule("kpi.target")
def can_set_targets(user: Any, site: Any = None) -> bool:
    return _manages_site(user, getattr(site, "pk", None))


@rule("commission.read")
def can_read_commission(user: Any, _: Any = None) -> bool:
    return user.role in ("admin", "company_manager")


@rule("commission.settle")
def can_settle_commission(user: Any, _: Any = None) -> bool:
    return user.role in ("admin", "company_manager")


@rule("referral.create")
def can_create_referral(user: Any, customer: Any) -> bool:
    """Record a referral on a buyer: the buyer's owner or a manager of their site."""
    owns = customer.owner_id is not None and customer.owner_id == user.pk
    return owns or _manages_site(user, customer.site_id)


@rule("referral.reward")
def can_reward_referral(user: Any, referral: Any) -> bool:
    return _manages_site(user, referral.site_id)
