"""Who may manage inventory and hold or release units (registered with loupan.core.policy).

- ``inventory.manage`` (projects, buildings, units, price lists): admins and company
  managers everywhere; a site manager for the projects linked to their sites. With no
  object (``can(user, "inventory.manage")``): may the user create a new project, which
  only the company-wide roles may.
- ``unit.hold`` / ``unit.release``: the same people, for units of those projects.
  Salespeople and agents never (403). Visibility is not checked here: callers fetch
  through ``visible_to`` first (out of scope = 404).
"""

from __future__ import annotations

from typing import Any

from loupan.core.policy import rule
from loupan.core.scoping import ScopeKind, scope_for


def project_id_of(obj: Any) -> int | None:
    """The project a Project, Building, Unit or PriceList belongs to."""
    from .models import Building, PriceList, Project, Unit

    if isinstance(obj, Project):
        return obj.pk
    if isinstance(obj, Building | Unit):
        return obj.project_id
    if isinstance(obj, PriceList):
        return obj.building.project_id
    return None


def manages_project(user: Any, project_id: int | None) -> bool:
    scope = scope_for(user)
    if scope.kind is ScopeKind.ALL:
        return True
    if scope.kind is not ScopeKind.SITES or project_id is None or user.role != "site_manager":
        return False
    from loupan.org.models import Site

    return Site.objects.filter(pk__in=sorted(scope.site_ids), project_id=project_id).exists()


@rule("inventory.manage")
def can_manage_inventory(user: Any, obj: Any = None) -> bool:
    if obj is None:
        return scope_for(user).kind is ScopeKind.ALL
    return manages_project(user, project_id_of(obj))


@rule("unit.hold")
def can_hold(user: Any, unit: Any = None) -> bool:
    return unit is not None and manages_project(user, project_id_of(unit))


@rule("unit.release")
def can_release(user: Any, unit: Any = None) -> bool:
    return unit is not None and manages_project(user, project_id_of(unit))
