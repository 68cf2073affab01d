"""The one data-scope mechanism (domain.md rules 1-3, architecture.md rule 1).

Every scoped model's manager offers ``visible_to(user)``, built from the single
function :func:`customer_scope_q`. Records that hang off a customer (activities,
deals, ...) reuse it with a lookup prefix, so the rule lives in exactly one place.
Fail closed: an anonymous user, an inactive user or an unknown role sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from loupan.org.models import User


class ScopeKind(Enum):
    NONE = "none"
    OWN = "own"
    SITES = "sites"
    ALL = "all"


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    user_id: int | None = None
    site_ids: frozenset[int] = frozenset()

    @property
    def is_manager(self) -> bool:
        return self.kind in (ScopeKind.SITES, ScopeKind.ALL)

    def covers_site(self, site_id: int | None) -> bool:
        if self.kind is ScopeKind.ALL:
            return True
        return site_id is not None and site_id in self.site_ids


_MANAGER_ROLES = {"admin": ScopeKind.ALL, "company_manager": ScopeKind.ALL, "site_manager": ScopeKind.SITES}
_OWN_ROLES = {"sales", "agent"}


def scope_for(user: User | Any) -> Scope:
    """The data scope of a user, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(ScopeKind.NONE)
    cached = getattr(user, "_loupan_scope", None)
    if cached is not None:
        return cached
    role = getattr(user, "role", None)
    if role in _MANAGER_ROLES:
        kind = _MANAGER_ROLES[role]
    elif role in _OWN_ROLES:
        kind = ScopeKind.OWN
    else:
        kind = ScopeKind.NONE
    site_ids = (
        frozenset(user.sites.values_list("id", flat=True)) if kind is not ScopeKind.ALL else frozenset()
    )
    scope = Scope(kind, user.pk, site_ids)
    user._loupan_scope = scope
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after a user's role or sites change."""
    if hasattr(user, "_loupan_scope"):
        del user._loupan_scope


def customer_scope_q(user: User | Any, prefix: str = "") -> Q:
    """The customers a user may see, as a Q over ``prefix`` + customer fields.

    - admin, company_manager: every customer;
    - site_manager: the customers of the sites they manage;
    - sales, agent: the customers they own, plus the public pool of their sites
      (pool customers carry no owner and are shown masked);
    - anyone else: nothing.
    """
    scope = scope_for(user)
    if scope.kind is ScopeKind.ALL:
        return Q()
    if scope.kind is ScopeKind.SITES:
        return Q(**{f"{prefix}site_id__in": sorted(scope.site_ids)})
    if scope.kind is ScopeKind.OWN:
        own = Q(**{f"{prefix}owner_id": scope.user_id})
        pool = Q(**{f"{prefix}in_pool": True, f"{prefix}site_id__in": sorted(scope.site_ids)})
        return own | pool if scope.site_ids else own
    return Q(pk__in=[])


def pool_part_q(user: User | Any, in_pool: bool, prefix: str = "") -> Q:
    """``in_pool=<in_pool>`` phrased so an index serves it within the user's scope.

    Adds nothing to what ``customer_scope_q`` lets through; it spells out the narrower
    columns (the owner for a salesperson's own list, the sites for a pool) that the
    query planner needs: SQLite will not use an index for ``(owner OR pool) AND NOT pool``.
    """
    scope = scope_for(user)
    q = Q(**{f"{prefix}in_pool": in_pool})
    if scope.kind is ScopeKind.OWN and not in_pool:
        q &= Q(**{f"{prefix}owner_id": scope.user_id})
    elif scope.kind in (ScopeKind.OWN, ScopeKind.SITES) and in_pool:
        q &= Q(**{f"{prefix}site_id__in": sorted(scope.site_ids)})
    return q


def site_scope_q(user: User | Any, field: str = "id") -> Q:
    """The sites a user works in or manages (for dropdowns and site-level records)."""
    scope = scope_for(user)
    if scope.kind is ScopeKind.ALL:
        return Q()
    if scope.kind is ScopeKind.NONE:
        return Q(pk__in=[])
    return Q(**{f"{field}__in": sorted(scope.site_ids)})


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows follow a customer's visibility through ``scope_prefix``."""

    scope_prefix = ""

    def visible_to(self, user: User | Any) -> ScopedQuerySet:
        return self.filter(customer_scope_q(user, self.scope_prefix))
