"""Template context shared by every page: the navigation the user's role allows."""

from __future__ import annotations

from django.http import HttpRequest

from .policy import can
from .scoping import scope_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    return {
        "is_manager": scope.is_manager,
        "is_company_wide": scope.kind.value == "all",
        "is_admin": getattr(user, "role", "") == "admin",
        "nav": {
            "export": can(user, "customer.export"),
            "org_read": can(user, "org.read"),
            "org_manage": can(user, "org.manage"),
            "audit": can(user, "audit.read"),
            "reports": can(user, "report.run"),
            "channels": can(user, "kpi.read"),
            "agency_contracts": can(user, "agency_contract.read"),
            "commission": can(user, "commission.read"),
            "imports": can(user, "exchange.import"),
            "systems": can(user, "exchange.manage_systems"),
        },
    }
