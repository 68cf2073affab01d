"""Who may register walk-ins, run a site's reception rotation and write work log notes
(registered with loupan.core.policy)."""

from __future__ import annotations

from typing import Any

from loupan.core.policy import rule
from loupan.core.scoping import scope_for


@rule("visit.register")
def can_register_visit(user: Any, site: Any) -> bool:
    """来访登记: anyone who works at the site or manages it (the reception desk)."""
    return site is not None and scope_for(user).covers_site(site.pk)


@rule("reception.view")
def can_view_reception(user: Any, site: Any) -> bool:
    """See the site's rotation and who receives the next walk-in."""
    return site is not None and scope_for(user).covers_site(site.pk)


@rule("reception.manage")
def can_manage_reception(user: Any, site: Any) -> bool:
    """Order the rotation and say who is on duty: managers whose scope covers the site."""
    scope = scope_for(user)
    return site is not None and scope.is_manager and scope.covers_site(site.pk)


@rule("worklog.write")
def can_write_worklog(user: Any, owner: Any) -> bool:
    """A work log's notes are written by the person whose log it is, and nobody else."""
    return owner is not None and owner.pk == user.pk


@rule("worklog.team")
def can_read_team_logs(user: Any, _: Any = None) -> bool:
    """The team view is for managers; a salesperson's team is themselves."""
    return scope_for(user).is_manager
