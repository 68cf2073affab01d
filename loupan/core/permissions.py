"""DRF permission classes that defer to the action policies (loupan.core.policy)."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .policy import can


class PolicyPermission(BasePermission):
    """``read_action`` for safe methods, ``write_action`` for the rest (None = anyone logged in)."""

    read_action: str | None = None
    write_action: str | None = None

    def has_permission(self, request, view) -> bool:  # noqa: ANN001
        action = self.read_action if request.method in SAFE_METHODS else self.write_action
        return action is None or can(request.user, action)


def policy_permission(read: str | None, write: str | None) -> type[PolicyPermission]:
    return type("Policy", (PolicyPermission,), {"read_action": read, "write_action": write})
