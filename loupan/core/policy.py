"""Action policies: ``can(user, action, obj)`` backs every button and endpoint.

Apps register one rule per action name; an unknown action is refused (fail closed).
Visibility is not checked here: callers fetch ``obj`` through ``visible_to`` first,
so a rule only decides whether a visible object's action is allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import NotAllowed

Rule = Callable[[Any, Any], bool]
_RULES: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        _RULES[action] = fn
        return fn

    return register


def can(user: Any, action: str, obj: Any = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    check = _RULES.get(action)
    return bool(check and check(user, obj))


def require(user: Any, action: str, obj: Any = None, message: str = "") -> None:
    """Raise NotAllowed (403) unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        from django.utils.translation import gettext as _

        raise NotAllowed(message or _("You are not allowed to do this."))
