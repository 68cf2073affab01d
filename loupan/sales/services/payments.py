"""回款 payments and receivables, and 交房 handover once a contract is paid."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record
from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.events import emit
from loupan.core.policy import require
from loupan.inventory.choices import UnitStatus
from loupan.inventory.services import unit_set_status  # the one door: locks, checks, audits

from ..choices import (
    ContractStatus,
    PaymentChannel,
)
from ..models import (
    Contract,
    Handover,
    Payment,
)
from ._common import (
    _CLOCK_SKEW,
    money,
    reason_text,
    sync_customer_status,
)

# --- 回款 payments and receivables ---------------------------------------------------------------


def paid_total(contract: Contract) -> Decimal:
    return contract.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


@transaction.atomic
def payment_record(
    *,
    actor: Any,
    contract: Contract,
    amount: Any,
    method: str,
    received_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> tuple[Payment, bool]:
    """回款: money received against an active contract. Returns ``(payment, created)``.

    Refused with field errors (nothing written): amounts of zero or below, more than the
    contract still owes, a receipt time in the future, an unknown method. With an
    ``idempotency_key`` a repeated call returns the payment already recorded (``created``
    False) instead of recording it twice.
    """
    require(actor, "deal.create", contract, _("Only the customer's owner or a manager can do this."))
    key = (idempotency_key or "").strip()[:80] or None
    if key and (existing := _payment_for_key(key, contract)):
        return existing, False
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    errors: dict[str, list[str]] = {}
    try:
        value = money(amount, "amount")
    except ValidationFailed as exc:
        errors.update(exc.errors)
        value = None
    if method not in PaymentChannel.values or method == PaymentChannel.CARRIED_OVER:
        errors["method"] = [_("Choose transfer, cash, card, mortgage_loan or other.")]
    received_at = received_at or timezone.now()
    if received_at > timezone.now() + _CLOCK_SKEW:
        errors["received_at"] = [_("A payment cannot be received in the future.")]
    if value is not None and "amount" not in errors:
        outstanding = locked.price - paid_total(locked)
        if value > outstanding:
            errors["amount"] = [
                _("This is more than the %(outstanding)s still owed on the contract.")
                % {"outstanding": outstanding}
            ]
    if errors:
        raise ValidationFailed(errors)
    if locked.status != ContractStatus.ACTIVE:
        raise Conflict("contract_not_active", _("Payments are recorded against signed contracts only."))
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                contract=locked, customer_id=locked.customer_id, amount=value, received_at=received_at,
                method=method, idempotency_key=key, recorded_by=actor,
            )  # fmt: skip
    except IntegrityError:
        # The same key recorded by a concurrent call: answer with that payment.
        if key and (existing := _payment_for_key(key, contract)):
            return existing, False
        raise
    audit_record(
        actor=actor,
        action="payment",
        obj=locked,
        detail={"payment": payment.pk, "amount": str(value), "method": method},
    )
    emit("payment.received", obj=payment, site_id=locked.customer.site_id,
         data={"contract": locked.pk, "customer": locked.customer_id, "amount": str(value), "method": method,
               "received_at": received_at.isoformat()})  # fmt: skip
    return payment, True


def _payment_for_key(key: str, contract: Contract) -> Payment | None:
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is not None and existing.contract_id != contract.pk:
        raise Conflict("idempotency_key_reused", _("This idempotency key was used for another contract."))
    return existing


def contract_receivables(*, contract: Contract, today: dt.date | None = None) -> dict[str, Any]:
    """Receivables of one contract (应收): the schedule with what is paid against each item
    (payments fill the items in due-date order), the total paid, outstanding and overdue."""
    today = today or timezone.localdate()
    paid = paid_total(contract)
    left = paid
    items = []
    overdue = Decimal("0.00")
    for item in contract.schedule.all().order_by("seq"):
        covered = min(left, item.amount)
        left -= covered
        remaining = item.amount - covered
        if item.due_date < today:
            overdue += remaining
        items.append(
            {"due_date": item.due_date, "amount": item.amount, "kind": item.kind, "paid": covered,
             "outstanding": remaining, "overdue": item.due_date < today and remaining > 0}
        )  # fmt: skip
    return {
        "contract": contract.pk,
        "price": contract.price,
        "paid": paid,
        "outstanding": contract.price - paid,
        "overdue": overdue,
        "items": items,
    }


# --- 交房 handover -------------------------------------------------------------------------------


@transaction.atomic
def handover(*, actor: Any, contract: Contract, notes: str = "", at: dt.datetime | None = None) -> Handover:
    """交房 (managers): only for a signed contract paid in full. The unit becomes
    ``handed_over`` and the customer an ``owner``, in the same transaction."""
    require(actor, "deal.handover", contract, _("Only managers can hand over units."))
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if locked.status != ContractStatus.ACTIVE:
        raise Conflict("contract_not_active", _("Only a signed contract can be handed over."))
    if Handover.objects.filter(contract=locked).exists():
        raise Conflict("already_handed_over", _("This unit has already been handed over."))
    outstanding = locked.price - paid_total(locked)
    if outstanding > 0:
        raise Conflict(
            "not_paid",
            _("%(outstanding)s is still owed; hand over once the contract is paid.")
            % {"outstanding": outstanding},
            outstanding=str(outstanding),
        )
    record = Handover.objects.create(
        contract=locked, customer_id=locked.customer_id, by=actor, notes=reason_text(notes),
        handed_over_at=at or timezone.now(),
    )  # fmt: skip
    unit_set_status(
        unit=locked.unit, to=UnitStatus.HANDED_OVER, actor=actor, expected_from={UnitStatus.CONTRACTED}
    )
    audit_record(actor=actor, action="handover", obj=locked, detail={"handover": record.pk})
    sync_customer_status(actor=actor, customer=locked.customer, step="handover")
    return record
