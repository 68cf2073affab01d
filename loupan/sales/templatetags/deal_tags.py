"""Template tags of the deal pages: the deals section of a customer's page."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from loupan.core.policy import can

from .. import selectors
from ..choices import ReservationStatus

register = template.Library()


@register.inclusion_tag("sales/_customer_deals.html", takes_context=True)
def customer_deals(context: template.Context, customer: Any) -> dict[str, Any]:
    """Reservations, subscriptions and contracts (paid, outstanding, handover) of a customer,
    with the actions the user may take; three queries whatever the number of deals."""
    request = context["request"]
    user = request.user
    deals = selectors.customer_deals(user=user, customer=customer)
    may_create = can(user, "deal.create", customer) and not customer.in_pool
    manages = can(user, "deal.cancel", customer)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "customer": customer,
        "reservations": [
            {"r": r, "can_refund": manages and r.status == ReservationStatus.ACTIVE}
            for r in deals["reservations"]
        ],
        "subscriptions": deals["subscriptions"],
        "contracts": deals["contracts"],
        "can_create": may_create,
    }


@register.filter
def yuan(value: Any) -> str:
    """An amount of money with thousands separators and two decimals: 1000000 -> "1,000,000.00"."""
    if value is None or value == "":
        return "—"
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, ValueError, TypeError):
        return str(value)


@register.inclusion_tag("sales/_overdue_stat.html", takes_context=True)
def overdue_subscriptions_stat(context: template.Context) -> dict[str, Any]:
    """The managers' home-page count of subscriptions past their deadline to sign (one query),
    linking to those subscriptions in the deal list."""
    return {"count": selectors.overdue_subscriptions(user=context["request"].user).count()}
