"""Template context shared by every page: the navigation the user's role allows."""

from __future__ import annotations

from django.http import HttpRequest

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
    }
