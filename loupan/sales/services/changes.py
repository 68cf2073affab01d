"""退房 cancellation and 换房 change of unit; the money trail stays on the old deal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record, snapshot
from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.events import emit
from loupan.core.policy import require
from loupan.inventory.choices import UnitStatus
from loupan.inventory.models import Unit
from loupan.inventory.services import unit_set_status  # the one door: locks, checks, audits

from ..choices import (
    ContractStatus,
    PaymentChannel,
    SubscriptionStatus,
    UnitChangeKind,
)
from ..models import (
    Cancellation,
    Contract,
    Handover,
    Payment,
    Subscription,
    UnitChange,
)
from ._common import (
    CONTRACT_AUDITED,
    SUBSCRIPTION_AUDITED,
    audit_changed,
    audit_created,
    money,
    reason_text,
    sync_customer_status,
)
from .contracts import contract_create
from .payments import paid_total
from .subscriptions import _cancel_subscription, _create_subscription

# --- 退房 cancellation and 换房 change of unit ----------------------------------------------------


def _cancel_contract(locked: Contract, actor: Any, reason: str) -> Decimal:
    """Mark a live contract and its subscription cancelled; returns what had been paid."""
    before = snapshot(locked, CONTRACT_AUDITED)
    locked.status = ContractStatus.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = actor
    locked.cancel_reason = reason
    locked.save()
    paid = paid_total(locked)
    audit_changed(actor, locked, before, CONTRACT_AUDITED, "cancel", paid=str(paid))
    _cancel_subscription(locked.subscription, actor, reason)
    emit("contract.cancelled", obj=locked, site_id=locked.customer.site_id,
         data={"unit": locked.unit_id, "customer": locked.customer_id, "paid": str(paid)})  # fmt: skip
    return paid


def _live_contract(contract: Contract) -> Contract:
    locked = (
        Contract.objects.select_for_update(of=("self",))
        .select_related("subscription", "unit")
        .get(pk=contract.pk)
    )
    if locked.status == ContractStatus.CANCELLED:
        raise Conflict("contract_not_active", _("This contract is already cancelled."))
    if Handover.objects.filter(contract=locked).exists():
        raise Conflict("already_handed_over", _("A handed-over unit cannot be cancelled."))
    return locked


@transaction.atomic
def contract_cancel(*, actor: Any, contract: Contract, reason: str = "") -> Cancellation:
    """退房 (managers): the contract and its subscription are cancelled, the unit returns to
    sale and the customer's status steps back. Payments stay on the cancelled contract and
    the cancellation records what had been paid (the refund is finance's)."""
    require(actor, "deal.cancel", contract, _("Only managers can cancel deals."))
    locked = _live_contract(contract)
    was = locked.status
    reason = reason_text(reason)
    paid = _cancel_contract(locked, actor, reason)
    unit_set_status(
        unit=locked.unit,
        to=UnitStatus.AVAILABLE,
        actor=actor,
        expected_from={UnitStatus.CONTRACTED if was == ContractStatus.ACTIVE else UnitStatus.SUBSCRIBED},
    )
    record = Cancellation.objects.create(
        customer_id=locked.customer_id, unit=locked.unit, subscription=locked.subscription, contract=locked,
        paid_amount=paid, deposit=locked.subscription.deposit, reason=reason, by=actor,
    )  # fmt: skip
    sync_customer_status(actor=actor, customer=locked.customer, step="contract_cancel")
    return record


@transaction.atomic
def subscription_change_unit(
    *, actor: Any, subscription: Subscription, new_unit: Unit, price: Any = None, reason: str = ""
) -> UnitChange:
    """换房 of an active subscription (managers): the old subscription is cancelled and its unit
    returns to sale; a new subscription takes ``new_unit`` (must be available, else
    ``unit_unavailable``) with the same deposit and deadline. The change is recorded."""
    require(actor, "deal.cancel", subscription, _("Only managers can change a deal's unit."))
    old = Subscription.objects.select_for_update(of=("self",)).select_related("unit").get(pk=subscription.pk)
    if old.status != SubscriptionStatus.ACTIVE or Contract.objects.filter(subscription=old).exists():
        raise Conflict("subscription_not_active", _("Only an active subscription can change its unit."))
    if new_unit.pk == old.unit_id:
        raise ValidationFailed({"unit": [_("Choose another unit.")]})
    amount = money(price if price not in (None, "") else new_unit.total_price, "price")
    reason = reason_text(reason) or _("Change of unit")
    _cancel_subscription(old, actor, reason)
    unit_set_status(
        unit=old.unit, to=UnitStatus.AVAILABLE, actor=actor, expected_from={UnitStatus.SUBSCRIBED}
    )
    new = _create_subscription(
        actor=actor, unit=new_unit, customer=old.customer, price=amount, deposit=min(old.deposit, amount),
        deadline=max(old.sign_deadline, timezone.localdate()),
    )  # fmt: skip
    audit_created(actor, new, SUBSCRIPTION_AUDITED, changed_from=old.pk)
    change = UnitChange.objects.create(
        kind=UnitChangeKind.SUBSCRIPTION, customer_id=old.customer_id, from_unit=old.unit, to_unit=new_unit,
        from_subscription=old, to_subscription=new, carried_amount=new.deposit, reason=reason, by=actor,
    )  # fmt: skip
    return change


@transaction.atomic
def contract_change_unit(
    *,
    actor: Any,
    contract: Contract,
    new_unit: Unit,
    price: Any = None,
    payment_method: str | None = None,
    reason: str = "",
) -> UnitChange:
    """换房 of a signed contract (managers): the old contract and subscription are cancelled
    (their payments stay on them) and the old unit returns to sale; a new subscription and
    contract take ``new_unit``. What had been paid is carried over as one payment of method
    ``carried_over`` on the new contract; the change names both sides."""
    require(actor, "deal.cancel", contract, _("Only managers can change a deal's unit."))
    old = _live_contract(contract)
    if new_unit.pk == old.unit_id:
        raise ValidationFailed({"unit": [_("Choose another unit.")]})
    amount = money(price if price not in (None, "") else new_unit.total_price, "price")
    paid = paid_total(old)
    if paid > amount:
        raise ValidationFailed({"price": [_("The new price is below what has been paid already.")]})
    was = old.status
    reason = reason_text(reason) or _("Change of unit")
    _cancel_contract(old, actor, reason)
    unit_set_status(
        unit=old.unit,
        to=UnitStatus.AVAILABLE,
        actor=actor,
        expected_from={UnitStatus.CONTRACTED if was == ContractStatus.ACTIVE else UnitStatus.SUBSCRIBED},
    )
    sub = _create_subscription(
        actor=actor, unit=new_unit, customer=old.customer, price=amount,
        deposit=min(old.subscription.deposit, amount), deadline=timezone.localdate(),
    )  # fmt: skip
    audit_created(actor, sub, SUBSCRIPTION_AUDITED, changed_from=old.subscription_id)
    method = payment_method or old.payment_method
    new = contract_create(actor=actor, subscription=sub, payment_method=method, price=amount)
    if paid > 0:
        if new.status != ContractStatus.ACTIVE:
            raise Conflict(
                "approval_needed", _("The new price needs a discount approval; cancel and re-sign.")
            )
        Payment.objects.create(
            contract=new, customer_id=new.customer_id, amount=paid, received_at=timezone.now(),
            method=PaymentChannel.CARRIED_OVER, carried_from=old, recorded_by=actor,
        )  # fmt: skip
        audit_record(
            actor=actor, action="payment", obj=new, detail={"carried_from": old.pk, "amount": str(paid)}
        )
    change = UnitChange.objects.create(
        kind=UnitChangeKind.CONTRACT, customer_id=old.customer_id, from_unit=old.unit, to_unit=new_unit,
        from_subscription=old.subscription, to_subscription=sub, from_contract=old, to_contract=new,
        carried_amount=paid, reason=reason, by=actor,
    )  # fmt: skip
    sync_customer_status(actor=actor, customer=old.customer, step="change_of_unit")
    return change
