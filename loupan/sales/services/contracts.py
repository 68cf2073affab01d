"""签约 contracts, discount approval and the payment schedule."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record, snapshot
from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.events import emit
from loupan.core.policy import require
from loupan.inventory.choices import UnitStatus
from loupan.inventory.services import unit_set_status  # the one door: locks, checks, audits

from ..choices import (
    ContractStatus,
    PaymentMethod,
    ScheduleKind,
    SubscriptionStatus,
)
from ..models import (
    Contract,
    PaymentScheduleItem,
    Subscription,
)
from ._common import (
    _CLOCK_SKEW,
    CENT,
    CONTRACT_AUDITED,
    DEFAULT_INSTALLMENTS,
    MAX_INSTALLMENTS,
    MORTGAGE_DOWN_PAYMENT,
    audit_changed,
    audit_created,
    money,
    sync_customer_status,
)

# --- 签约 contracts and the payment schedule -----------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def schedule_for(
    *, method: str, price: Decimal, start: dt.date, installments: int = DEFAULT_INSTALLMENTS
) -> list[dict[str, Any]]:
    """The default schedule of a payment method: ``[{due_date, amount, kind}]`` summing to the price.

    full: one payment on signing; mortgage: a 30% down payment on signing and the bank's
    loan a month later; installment: ``installments`` monthly parts (the last takes the cents).
    """
    if method == PaymentMethod.FULL:
        return [{"due_date": start, "amount": price, "kind": ScheduleKind.FULL}]
    if method == PaymentMethod.MORTGAGE:
        down = (price * MORTGAGE_DOWN_PAYMENT).quantize(CENT, rounding=ROUND_HALF_UP)
        return [
            {"due_date": start, "amount": down, "kind": ScheduleKind.DOWN_PAYMENT},
            {"due_date": _add_months(start, 1), "amount": price - down, "kind": ScheduleKind.MORTGAGE},
        ]
    part = (price / installments).quantize(CENT, rounding=ROUND_HALF_UP)
    items = [
        {"due_date": _add_months(start, i), "amount": part, "kind": ScheduleKind.INSTALLMENT}
        for i in range(installments)
    ]
    items[-1]["amount"] = price - part * (installments - 1)
    return items


def _clean_schedule(items: list[dict[str, Any]], price: Decimal, method: str) -> list[dict[str, Any]]:
    default_kind = {
        PaymentMethod.FULL: ScheduleKind.FULL,
        PaymentMethod.MORTGAGE: ScheduleKind.DOWN_PAYMENT,
        PaymentMethod.INSTALLMENT: ScheduleKind.INSTALLMENT,
    }[method]
    if not items:
        raise ValidationFailed({"schedule": [_("A schedule needs at least one payment.")]})
    if len(items) > MAX_INSTALLMENTS:
        raise ValidationFailed({"schedule": [_("At most %(n)d payments.") % {"n": MAX_INSTALLMENTS}]})
    cleaned = []
    for item in items:
        due = item.get("due_date")
        if isinstance(due, str):
            try:
                due = dt.date.fromisoformat(due)
            except ValueError:
                due = None
        if not isinstance(due, dt.date):
            raise ValidationFailed({"schedule": [_("Every payment needs a due date.")]})
        try:
            amount = money(item.get("amount"), "schedule")
        except ValidationFailed:
            raise ValidationFailed({"schedule": [_("Every payment needs an amount above zero.")]}) from None
        kind = item.get("kind") or default_kind
        if kind not in ScheduleKind.values:
            raise ValidationFailed({"schedule": [_("Unknown kind of payment.")]})
        cleaned.append({"due_date": due, "amount": amount, "kind": kind})
    if sum(i["amount"] for i in cleaned) != price:
        raise ValidationFailed(
            {"schedule": [_("The payments must add up to the contract price %(price)s.") % {"price": price}]}
        )
    return sorted(cleaned, key=lambda i: i["due_date"])


def _write_schedule(contract: Contract, items: list[dict[str, Any]]) -> None:
    contract.schedule.all().delete()
    PaymentScheduleItem.objects.bulk_create(
        [PaymentScheduleItem(contract=contract, seq=n, **item) for n, item in enumerate(items, start=1)]
    )


def _plain_schedule(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {"due_date": i["due_date"].isoformat(), "amount": str(i["amount"]), "kind": i["kind"]} for i in items
    ]


def _discount(list_price: Decimal, price: Decimal) -> Decimal:
    if list_price <= 0 or price >= list_price:
        return Decimal("0.00")
    return ((list_price - price) * 100 / list_price).quantize(CENT, rounding=ROUND_HALF_UP)


def _activate(contract: Contract, actor: Any, signed_at: dt.datetime | None) -> None:
    """Sign: the subscription is fulfilled, the unit and the customer become contracted."""
    contract.status = ContractStatus.ACTIVE
    contract.signed_at = signed_at or timezone.now()
    subscription = contract.subscription
    subscription.status = SubscriptionStatus.CONTRACTED
    subscription.save(update_fields=["status"])
    audit_record(
        actor=actor, action="contract", obj=subscription, changes={"status": ["active", "contracted"]},
        detail={"contract": contract.pk},
    )  # fmt: skip
    unit_set_status(
        unit=contract.unit, to=UnitStatus.CONTRACTED, actor=actor, expected_from={UnitStatus.SUBSCRIBED}
    )
    emit("contract.signed", obj=contract, site_id=contract.customer.site_id,
         data={"unit": contract.unit_id, "customer": contract.customer_id, "price": str(contract.price)})  # fmt: skip


@transaction.atomic
def contract_create(
    *,
    actor: Any,
    subscription: Subscription,
    payment_method: str,
    price: Any = None,
    signed_at: dt.datetime | None = None,
    installments: int | None = None,
    schedule: list[dict[str, Any]] | None = None,
) -> Contract:
    """签约 from an active subscription.

    ``price`` (default: the subscription's) against the list price (the unit's total
    price, else the subscription's) gives the discount. Within the customer's site's
    ``max_discount_percent`` the contract is signed at once (active; unit and customer
    ``contracted``); above it the contract waits in ``pending_approval`` until a manager
    approves (:func:`contract_approve`), the unit stays subscribed. The schedule is
    generated from ``payment_method`` unless given (it must add up to the price) and can
    be replaced while the contract awaits approval (:func:`contract_schedule_set`).
    """
    require(actor, "deal.create", subscription, _("Only the customer's owner or a manager can do this."))
    sub = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("unit", "customer__site")
        .get(pk=subscription.pk)
    )
    if sub.status != SubscriptionStatus.ACTIVE or Contract.objects.filter(subscription=sub).exists():
        raise Conflict("subscription_not_active", _("Only an active subscription can be signed."))
    errors: dict[str, list[str]] = {}
    if payment_method not in PaymentMethod.values:
        errors["payment_method"] = [_("Choose full, mortgage or installment.")]
    try:
        amount = money(price if price not in (None, "") else sub.price, "price")
    except ValidationFailed as exc:
        errors.update(exc.errors)
        amount = None
    n = installments or DEFAULT_INSTALLMENTS
    if payment_method == PaymentMethod.INSTALLMENT and not 2 <= n <= MAX_INSTALLMENTS:
        errors["installments"] = [_("Between 2 and %(n)d installments.") % {"n": MAX_INSTALLMENTS}]
    if signed_at is not None and signed_at > timezone.now() + _CLOCK_SKEW:
        errors["signed_at"] = [_("A contract cannot be signed in the future.")]
    if errors:
        raise ValidationFailed(errors)
    list_price = sub.unit.total_price or sub.price
    discount = _discount(list_price, amount)
    start = timezone.localdate(signed_at) if signed_at else timezone.localdate()
    items = (
        _clean_schedule(schedule, amount, payment_method)
        if schedule
        else schedule_for(method=payment_method, price=amount, start=start, installments=n)
    )
    needs_approval = discount > sub.customer.site.max_discount_percent
    contract = Contract.objects.create(
        subscription=sub, unit=sub.unit, customer=sub.customer, list_price=list_price, price=amount,
        discount_percent=discount, payment_method=payment_method, created_by=actor,
        status=ContractStatus.PENDING_APPROVAL if needs_approval else ContractStatus.ACTIVE,
    )  # fmt: skip
    _write_schedule(contract, items)
    if not needs_approval:
        _activate(contract, actor, signed_at)
        contract.save()
    audit_created(actor, contract, CONTRACT_AUDITED, schedule=_plain_schedule(items))
    if not needs_approval:
        sync_customer_status(actor=actor, customer=sub.customer, step="contract")
    return contract


@transaction.atomic
def contract_schedule_set(*, actor: Any, contract: Contract, schedule: list[dict[str, Any]]) -> Contract:
    """Replace the schedule of a contract awaiting approval (it must add up to the price)."""
    require(actor, "deal.create", contract, _("Only the customer's owner or a manager can do this."))
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if locked.status != ContractStatus.PENDING_APPROVAL:
        raise Conflict("contract_signed", _("The schedule of a signed contract cannot change."))
    items = _clean_schedule(schedule, locked.price, locked.payment_method)
    old = _plain_schedule(list(locked.schedule.values("due_date", "amount", "kind")))
    _write_schedule(locked, items)
    audit_record(
        actor=actor, action="schedule", obj=locked, changes={"schedule": [old, _plain_schedule(items)]}
    )
    return locked


@transaction.atomic
def contract_approve(*, actor: Any, contract: Contract, signed_at: dt.datetime | None = None) -> Contract:
    """A manager approves a discount above the limit: the contract is signed (active), the
    unit and the customer become contracted."""
    require(actor, "deal.approve", contract, _("Only a manager of this site can approve discounts."))
    locked = (
        Contract.objects.select_for_update(of=("self",))
        .select_related("subscription", "unit")
        .get(pk=contract.pk)
    )
    if locked.status != ContractStatus.PENDING_APPROVAL:
        raise Conflict("not_pending_approval", _("This contract is not awaiting approval."))
    before = snapshot(locked, CONTRACT_AUDITED)
    locked.approved_by = actor
    locked.approved_at = timezone.now()
    _activate(locked, actor, signed_at)
    locked.save()
    audit_changed(actor, locked, before, CONTRACT_AUDITED, "approve")
    sync_customer_status(actor=actor, customer=locked.customer, step="contract")
    return locked
