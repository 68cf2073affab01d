"""Who may do what to a visible deal (registered with loupan.core.policy).

Every rule takes the deal's customer (``obj.customer`` for deal records, or the customer
itself): deals follow the customer's data scope, their actions its ownership.
"""

from __future__ import annotations

from typing import Any

from loupan.core.policy import rule
from loupan.core.scoping import scope_for


def _customer(obj: Any) -> Any:
    return getattr(obj, "customer", obj)


def _manages(user: Any, obj: Any) -> bool:
    customer = _customer(obj)
    scope = scope_for(user)
    return customer is not None and scope.is_manager and scope.covers_site(customer.site_id)


def _owns(user: Any, obj: Any) -> bool:
    customer = _customer(obj)
    return customer is not None and customer.owner_id is not None and customer.owner_id == user.pk


@rule("deal.create")
def can_create(user: Any, obj: Any) -> bool:
    """Reservations, subscriptions, contracts and payments: the customer's owner or a
    manager whose scope covers the customer's site."""
    return _owns(user, obj) or _manages(user, obj)


@rule("deal.approve")
def can_approve(user: Any, obj: Any) -> bool:
    """Discounts above the site's limit: site managers of the customer's site, company
    managers and admins."""
    return _manages(user, obj)


@rule("deal.cancel")
def can_cancel(user: Any, obj: Any) -> bool:
    """退房, refunds and 换房: managers in scope."""
    return _manages(user, obj)


@rule("deal.handover")
def can_handover(user: Any, obj: Any) -> bool:
    return _manages(user, obj)
