"""Who may manage and read the organisation, and read the audit log."""

from __future__ import annotations

from typing import Any

from loupan.core.policy import rule


@rule("org.manage")
def can_manage_org(user: Any, _: Any = None) -> bool:
    return user.role == "admin"


@rule("org.read")
def can_read_org(user: Any, _: Any = None) -> bool:
    return user.role in ("admin", "company_manager")


@rule("audit.read")
def can_read_audit(user: Any, _: Any = None) -> bool:
    return user.role in ("admin", "company_manager")
