"""Who may run reports and see dashboards (registered with loupan.core.policy).

Reports are aggregates over the caller's own data scope, so every role with a scope
may run them; the scope itself decides what they count.
"""

from __future__ import annotations

from typing import Any

from loupan.core.policy import rule
from loupan.core.scoping import ScopeKind, scope_for


@rule("report.run")
def can_run(user: Any, _: Any = None) -> bool:
    return scope_for(user).kind is not ScopeKind.NONE


@rule("report.export")
def can_export(user: Any, _: Any = None) -> bool:
    return scope_for(user).kind is not ScopeKind.NONE
