"""认购 subscriptions: one unit per active subscription, under a row lock and a partial unique index."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record, snapshot
from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.events import emit
from loupan.core.policy import require
from loupan.customers.models import Customer
from loupan.inventory.choices import UnitStatus
from loupan.inventory.models import Unit
from loupan.inventory.services import unit_set_status  # the one door: locks, checks, audits

from ..choices import (
    ContractStatus,
    ReservationStatus,
    SubscriptionStatus,
)
from ..models import (
    Cancellation,
    Contract,
    Reservation,
    Subscription,
)
from ._common import (
    DEFAULT_SIGN_DAYS,
    SUBSCRIPTION_AUDITED,
    audit_changed,
    audit_created,
    money,
    reason_text,
    sync_customer_status,
)

# --- 认购 subscriptions --------------------------------------------------------------------------


def _unit_unavailable() -> Conflict:
    return Conflict("unit_unavailable", _("This unit is not available."))


def _clean_subscription(unit: Unit, price: Any, deposit: Any, sign_deadline: dt.date | None) -> tuple:
    errors: dict[str, list[str]] = {}
    try:
        amount = money(price if price not in (None, "") else unit.total_price, "price")
    except ValidationFailed as exc:
        errors.update(exc.errors)
        amount = None
    try:
        dep = money(deposit if deposit not in (None, "") else 0, "deposit", positive=False)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        dep = None
    if amount is not None and dep is not None and dep > amount:
        errors["deposit"] = [_("The deposit cannot exceed the price.")]
    today = timezone.localdate()
    deadline = sign_deadline or today + dt.timedelta(days=DEFAULT_SIGN_DAYS)
    if deadline < today:
        errors["sign_deadline"] = [_("The deadline to sign cannot be in the past.")]
    if errors:
        raise ValidationFailed(errors)
    return amount, dep, deadline


def _create_subscription(
    *, actor: Any, unit: Unit, customer: Customer, price: Decimal, deposit: Decimal, deadline: dt.date,
    reservation: Reservation | None = None, status: str = SubscriptionStatus.ACTIVE,
) -> Subscription:  # fmt: skip
    unit_set_status(unit=unit, to=UnitStatus.SUBSCRIBED, actor=actor, expected_from={UnitStatus.AVAILABLE})
    try:
        with transaction.atomic():
            subscription = Subscription.objects.create(
                unit=unit, customer=customer, price=price, deposit=deposit, sign_deadline=deadline,
                reservation=reservation, status=status, created_by=actor,
            )  # fmt: skip
    except IntegrityError:
        # Another active subscription of this unit got in first (the partial unique index).
        raise _unit_unavailable() from None
    return subscription


@transaction.atomic
def subscription_create(
    *,
    actor: Any,
    unit: Unit,
    customer: Customer,
    price: Any = None,
    deposit: Any = None,
    sign_deadline: dt.date | None = None,
    reservation: Reservation | None = None,
) -> Subscription:
    """认购: the customer takes the unit. The unit must be available: otherwise (held,
    subscribed, sold, or lost in a race) Conflict ``unit_unavailable`` (409).

    ``price`` defaults to the unit's total price, ``sign_deadline`` to a week from today.
    The unit becomes ``subscribed`` and the customer ``subscribed`` in the same transaction;
    a given active reservation of the customer for the unit's project becomes ``converted``
    (another customer's, another project's or a used one: ValidationFailed on ``reservation``).
    """
    require(actor, "deal.create", customer, _("Only the customer's owner or a manager can do this."))
    amount, dep, deadline = _clean_subscription(unit, price, deposit, sign_deadline)
    if reservation is not None:
        reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if reservation.customer_id != customer.pk or reservation.status != ReservationStatus.ACTIVE:
            raise ValidationFailed({"reservation": [_("Choose an active reservation of this customer.")]})
        if reservation.project_id != unit.project_id:
            raise ValidationFailed({"reservation": [_("This reservation is for another project.")]})
    subscription = _create_subscription(
        actor=actor, unit=unit, customer=customer, price=amount, deposit=dep, deadline=deadline,
        reservation=reservation,
    )  # fmt: skip
    if reservation is not None:
        reservation.status = ReservationStatus.CONVERTED
        reservation.save(update_fields=["status"])
        audit_record(
            actor=actor, action="convert", obj=reservation, changes={"status": ["active", "converted"]},
            detail={"subscription": subscription.pk},
        )  # fmt: skip
    audit_created(actor, subscription, SUBSCRIPTION_AUDITED)
    sync_customer_status(actor=actor, customer=customer, step="subscription")
    emit("subscription.created", obj=subscription, site_id=customer.site_id,
         data={"unit": unit.pk, "customer": customer.pk, "price": str(subscription.price)})  # fmt: skip
    return subscription


def _cancel_subscription(subscription: Subscription, actor: Any, reason: str) -> None:
    before = snapshot(subscription, SUBSCRIPTION_AUDITED)
    subscription.status = SubscriptionStatus.CANCELLED
    subscription.cancelled_at = timezone.now()
    subscription.cancelled_by = actor
    subscription.cancel_reason = reason
    subscription.save()
    audit_changed(actor, subscription, before, SUBSCRIPTION_AUDITED, "cancel")


@transaction.atomic
def subscription_cancel(*, actor: Any, subscription: Subscription, reason: str = "") -> Subscription:
    """Cancel an active subscription (managers): the unit is available again, the customer's
    status steps back, a cancellation record keeps the deposit paid."""
    require(actor, "deal.cancel", subscription, _("Only managers can cancel deals."))
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if locked.status != SubscriptionStatus.ACTIVE:
        raise Conflict("subscription_not_active", _("Only an active subscription can be cancelled."))
    if Contract.objects.filter(subscription=locked, status=ContractStatus.PENDING_APPROVAL).exists():
        raise Conflict("contract_pending", _("Cancel the contract awaiting approval instead."))
    reason = reason_text(reason)
    _cancel_subscription(locked, actor, reason)
    unit_set_status(
        unit=locked.unit, to=UnitStatus.AVAILABLE, actor=actor, expected_from={UnitStatus.SUBSCRIBED}
    )
    Cancellation.objects.create(
        customer=locked.customer, unit=locked.unit, subscription=locked, deposit=locked.deposit,
        reason=reason, by=actor,
    )  # fmt: skip
    sync_customer_status(actor=actor, customer=locked.customer, step="subscription_cancel")
    return locked
