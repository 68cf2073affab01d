"""Helpers shared by the deal services: money parsing, audit records and the customer status
that follows the deals. Internal to :mod:`loupan.sales.services`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record, diff, snapshot
from loupan.core.errors import ValidationFailed
from loupan.customers.choices import CustomerStatus
from loupan.customers.models import Customer

from ..choices import (
    ContractStatus,
    SubscriptionStatus,
)
from ..models import (
    Contract,
    Handover,
    Subscription,
)

CENT = Decimal("0.01")
MAX_MONEY = Decimal("999999999999.99")
DEFAULT_SIGN_DAYS = 7
MORTGAGE_DOWN_PAYMENT = Decimal("0.30")
DEFAULT_INSTALLMENTS = 3
MAX_INSTALLMENTS = 60
_CLOCK_SKEW = dt.timedelta(minutes=5)

SUBSCRIPTION_AUDITED = ["unit", "customer", "price", "deposit", "sign_deadline", "status", "cancel_reason"]
CONTRACT_AUDITED = [
    "subscription", "unit", "customer", "list_price", "price", "discount_percent", "payment_method",
    "signed_at", "status", "approved_by", "cancel_reason",
]  # fmt: skip
RESERVATION_AUDITED = ["project", "customer", "deposit", "queue_number", "status", "refund_reason"]


# --- small helpers ------------------------------------------------------------------------------


def money(value: Any, field: str, *, positive: bool = True, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed({field: [_("This field is required.")]})
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed({field: [_("Enter an amount such as 1250000.00.")]}) from None
    if not amount.is_finite() or amount.quantize(CENT) != amount or abs(amount) > MAX_MONEY:
        raise ValidationFailed({field: [_("Enter an amount with at most 2 decimal places.")]})
    if positive and amount <= 0:
        raise ValidationFailed({field: [_("The amount must be greater than zero.")]})
    if not positive and amount < 0:
        raise ValidationFailed({field: [_("The amount cannot be negative.")]})
    return amount


def reason_text(reason: str | None) -> str:
    return (reason or "").strip()[:200]


def audit_created(actor: Any, obj: Any, fields: list[str], **detail: Any) -> None:
    values = snapshot(obj, fields)
    audit_record(
        actor=actor,
        action="create",
        obj=obj,
        changes={k: [None, v] for k, v in values.items() if v not in (None, "")},
        detail=detail or None,
    )


def audit_changed(actor: Any, obj: Any, before: dict, fields: list[str], action: str, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        changes=diff(before, snapshot(obj, fields)),
        detail=detail or None,
    )


_STATUS_RANK = {CustomerStatus.SUBSCRIBED: 1, CustomerStatus.CONTRACTED: 2, CustomerStatus.OWNER: 3}


def deal_status(customer: Customer) -> str | None:
    """The customer status their live deals call for (the furthest step), or None."""
    if Handover.objects.filter(customer=customer, contract__status=ContractStatus.ACTIVE).exists():
        return CustomerStatus.OWNER
    if Contract.objects.filter(customer=customer, status=ContractStatus.ACTIVE).exists():
        return CustomerStatus.CONTRACTED
    if Subscription.objects.filter(
        customer=customer, status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.CONTRACTED]
    ).exists():
        return CustomerStatus.SUBSCRIBED
    return None


def sync_customer_status(*, actor: Any, customer: Customer, step: str) -> Customer:
    """Move the customer's status to what their deals call for, in the caller's transaction.

    Forward after a subscription, contract or handover; a step back after a cancellation
    (to ``visited`` when no deal is left). Audited as action ``status`` with the step.
    """
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    wanted = deal_status(locked)
    if wanted is None:
        wanted = CustomerStatus.VISITED if locked.status in _STATUS_RANK else locked.status
    if wanted != locked.status:
        before = locked.status
        locked.status = wanted
        locked.last_touched_at = max(locked.last_touched_at, timezone.now())
        locked.save(update_fields=["status", "last_touched_at", "updated_at"])
        audit_record(
            actor=actor,
            action="status",
            obj=locked,
            changes={"status": [before, wanted]},
            detail={"step": step},
        )
    customer.status = locked.status
    return locked
