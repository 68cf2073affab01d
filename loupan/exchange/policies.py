"""Who may import and manage connected systems (registered with loupan.core.policy)."""

from __future__ import annotations

from typing import Any

from loupan.core.policy import rule
from loupan.core.scoping import ScopeKind, scope_for

COMPANY_WIDE_KINDS = {"projects", "units", "contracts"}


@rule("exchange.import")
def can_import(user: Any, kind: Any = None) -> bool:
    """Customers and members: managers, into the sites of their scope. Projects, units and
    contracts: the company-wide roles."""
    scope = scope_for(user)
    if kind in COMPANY_WIDE_KINDS:
        return scope.kind is ScopeKind.ALL
    return scope.is_manager


@rule("exchange.manage_systems")
def can_manage_systems(user: Any, _: Any = None) -> bool:
    return user.role == "admin"
