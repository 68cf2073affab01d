"""Who may do what to a visible customer (registered with loupan.core.policy)."""

from __future__ import annotations

from typing import Any

from loupan.core.policy import rule
from loupan.core.scoping import scope_for


def _manages(user: Any, customer: Any) -> bool:
    scope = scope_for(user)
    return scope.is_manager and scope.covers_site(customer.site_id)


def _owns(user: Any, customer: Any) -> bool:
    return customer.owner_id is not None and customer.owner_id == user.pk


@rule("customer.view_contact")
def can_view_contact(user: Any, customer: Any) -> bool:
    return _owns(user, customer) or _manages(user, customer)


@rule("customer.create")
def can_create(user: Any, site: Any) -> bool:
    scope = scope_for(user)
    if site is None:
        return scope.kind.value != "none"
    return scope.covers_site(site.pk)


@rule("customer.update")
def can_update(user: Any, customer: Any) -> bool:
    return _owns(user, customer) or _manages(user, customer)


@rule("customer.follow_up")
def can_follow_up(user: Any, customer: Any) -> bool:
    return _owns(user, customer) or _manages(user, customer)


@rule("customer.transfer")
def can_transfer(user: Any, customer: Any) -> bool:
    return _manages(user, customer)


@rule("customer.release")
def can_release(user: Any, customer: Any) -> bool:
    # Who may release; whether the customer is still releasable (not already in the
    # pool) is the service's 409 ``already_in_pool``, not a 403.
    return _owns(user, customer) or _manages(user, customer)


@rule("customer.claim")
def can_claim(user: Any, customer: Any) -> bool:
    return customer.in_pool and user.is_frontline and scope_for(user).covers_site(customer.site_id)


@rule("customer.delete")
def can_delete(user: Any, customer: Any) -> bool:
    return user.role == "admin"


@rule("customer.export")
def can_export(user: Any, _: Any = None) -> bool:
    return scope_for(user).is_manager


@rule("customer.choose_owner")
def can_choose_owner(user: Any, site: Any) -> bool:
    return scope_for(user).is_manager and (site is None or scope_for(user).covers_site(site.pk))


PAGE_ACTIONS = ("view_contact", "update", "follow_up", "release", "transfer", "claim")


def available_actions(user: Any, customer: Any) -> dict[str, bool]:
    """The actions a customer's page offers the user: the policy, minus the ones the
    customer's state makes pointless (releasing a customer already in the pool)."""
    from loupan.core.policy import can

    actions = {action: can(user, f"customer.{action}", customer) for action in PAGE_ACTIONS}
    actions["release"] = actions["release"] and not customer.in_pool
    return actions
