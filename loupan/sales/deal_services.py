"""Writes and reads of the deal workflow (domain.md "Customer lifecycle and the sales workflow").

认筹 reservation -> 认购 subscription -> 签约 contract -> 回款 payments -> 交房 handover,
plus 退房 cancellation and 换房 change of unit. Each step is one service, in one
transaction, that moves the unit (through the inventory's status door) and the customer's
status together with the deal, and writes the history (``loupan.core.audit``).

Races: a unit row is locked before it moves (``select_for_update``; SQLite's IMMEDIATE
transactions serialise writers) and a partial unique index allows one active subscription
per unit; queue numbers come from a per-project counter row taken under a lock.
Errors: ValidationFailed (400, per field), Conflict (409, stable ``code``), NotAllowed (403).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record, diff, snapshot
from loupan.core.errors import Conflict, ValidationFailed
from loupan.core.policy import require
from loupan.customers.choices import CustomerStatus
from loupan.customers.models import Customer
from loupan.inventory.choices import UnitStatus
from loupan.inventory.models import Project, Unit
from loupan.inventory.services import unit_set_status  # the one door: locks, checks, audits

from .choices import (
    ContractStatus,
    PaymentChannel,
    PaymentMethod,
    ReservationStatus,
    ScheduleKind,
    SubscriptionStatus,
    UnitChangeKind,
)
from .models import (
    Cancellation,
    Contract,
    Handover,
    Payment,
    PaymentScheduleItem,
    QueueCounter,
    Reservation,
    Subscription,
    UnitChange,
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


def _money(value: Any, field: str, *, positive: bool = True, required: bool = True) -> Decimal | None:
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


def _reason(reason: str | None) -> str:
    return (reason or "").strip()[:200]


def _audit_create(actor: Any, obj: Any, fields: list[str], **detail: Any) -> None:
    values = snapshot(obj, fields)
    audit_record(
        actor=actor,
        action="create",
        obj=obj,
        changes={k: [None, v] for k, v in values.items() if v not in (None, "")},
        detail=detail or None,
    )


def _audit_change(actor: Any, obj: Any, before: dict, fields: list[str], action: str, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        changes=diff(before, snapshot(obj, fields)),
        detail=detail or None,
    )


_STATUS_RANK = {CustomerStatus.SUBSCRIBED: 1, CustomerStatus.CONTRACTED: 2, CustomerStatus.OWNER: 3}


def _deal_status(customer: Customer) -> str | None:
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


def _sync_customer_status(*, actor: Any, customer: Customer, step: str) -> Customer:
    """Move the customer's status to what their deals call for, in the caller's transaction.

    Forward after a subscription, contract or handover; a step back after a cancellation
    (to ``visited`` when no deal is left). Audited as action ``status`` with the step.
    """
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    wanted = _deal_status(locked)
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


# --- 认筹 reservations ---------------------------------------------------------------------------


def _next_queue_number(project: Project) -> int:
    """Take the project's next queue number under the counter row's lock (gapless: a
    rolled-back reservation rolls the counter back too)."""
    QueueCounter.objects.get_or_create(project=project)
    counter = QueueCounter.objects.select_for_update().get(project=project)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def reservation_create(*, actor: Any, project: Project, customer: Customer, deposit: Any) -> Reservation:
    """认筹: a customer pays a refundable deposit for a project and gets the next queue number.

    Numbers are per project, 1, 2, 3... without gaps or duplicates, even when many are taken
    at once. Owner of the customer or a manager in scope (else NotAllowed).
    """
    require(actor, "deal.create", customer, _("Only the customer's owner or a manager can do this."))
    amount = _money(deposit, "deposit")
    reservation = Reservation.objects.create(
        project=project,
        customer=customer,
        deposit=amount,
        queue_number=_next_queue_number(project),
        created_by=actor,
    )
    _audit_create(actor, reservation, RESERVATION_AUDITED)
    return reservation


@transaction.atomic
def reservation_refund(*, actor: Any, reservation: Reservation, reason: str = "") -> Reservation:
    """Refund an active reservation's deposit (managers). Its queue number is not reused."""
    require(actor, "deal.cancel", reservation, _("Only managers can refund reservations."))
    locked = Reservation.objects.select_for_update().get(pk=reservation.pk)
    if locked.status != ReservationStatus.ACTIVE:
        raise Conflict("reservation_not_active", _("Only an active reservation can be refunded."))
    before = snapshot(locked, RESERVATION_AUDITED)
    locked.status = ReservationStatus.REFUNDED
    locked.refunded_at = timezone.now()
    locked.refunded_by = actor
    locked.refund_reason = _reason(reason)
    locked.save()
    _audit_change(actor, locked, before, RESERVATION_AUDITED, "refund", deposit=str(locked.deposit))
    return locked


# --- 认购 subscriptions --------------------------------------------------------------------------


def _unit_unavailable() -> Conflict:
    return Conflict("unit_unavailable", _("This unit is not available."))


def _clean_subscription(unit: Unit, price: Any, deposit: Any, sign_deadline: dt.date | None) -> tuple:
    errors: dict[str, list[str]] = {}
    try:
        amount = _money(price if price not in (None, "") else unit.total_price, "price")
    except ValidationFailed as exc:
        errors.update(exc.errors)
        amount = None
    try:
        dep = _money(deposit if deposit not in (None, "") else 0, "deposit", positive=False)
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
    a given active reservation of the customer becomes ``converted``.
    """
    require(actor, "deal.create", customer, _("Only the customer's owner or a manager can do this."))
    amount, dep, deadline = _clean_subscription(unit, price, deposit, sign_deadline)
    if reservation is not None:
        reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if reservation.customer_id != customer.pk or reservation.status != ReservationStatus.ACTIVE:
            raise ValidationFailed({"reservation": [_("Choose an active reservation of this customer.")]})
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
    _audit_create(actor, subscription, SUBSCRIPTION_AUDITED)
    _sync_customer_status(actor=actor, customer=customer, step="subscription")
    return subscription


def _cancel_subscription(subscription: Subscription, actor: Any, reason: str) -> None:
    before = snapshot(subscription, SUBSCRIPTION_AUDITED)
    subscription.status = SubscriptionStatus.CANCELLED
    subscription.cancelled_at = timezone.now()
    subscription.cancelled_by = actor
    subscription.cancel_reason = reason
    subscription.save()
    _audit_change(actor, subscription, before, SUBSCRIPTION_AUDITED, "cancel")


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
    reason = _reason(reason)
    _cancel_subscription(locked, actor, reason)
    unit_set_status(
        unit=locked.unit, to=UnitStatus.AVAILABLE, actor=actor, expected_from={UnitStatus.SUBSCRIBED}
    )
    Cancellation.objects.create(
        customer=locked.customer, unit=locked.unit, subscription=locked, deposit=locked.deposit,
        reason=reason, by=actor,
    )  # fmt: skip
    _sync_customer_status(actor=actor, customer=locked.customer, step="subscription_cancel")
    return locked


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
            amount = _money(item.get("amount"), "schedule")
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
        amount = _money(price if price not in (None, "") else sub.price, "price")
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
    _audit_create(actor, contract, CONTRACT_AUDITED, schedule=_plain_schedule(items))
    if not needs_approval:
        _sync_customer_status(actor=actor, customer=sub.customer, step="contract")
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
    _audit_change(actor, locked, before, CONTRACT_AUDITED, "approve")
    _sync_customer_status(actor=actor, customer=locked.customer, step="contract")
    return locked


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
        value = _money(amount, "amount")
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
        contract=locked, customer_id=locked.customer_id, by=actor, notes=_reason(notes),
        handed_over_at=at or timezone.now(),
    )  # fmt: skip
    unit_set_status(
        unit=locked.unit, to=UnitStatus.HANDED_OVER, actor=actor, expected_from={UnitStatus.CONTRACTED}
    )
    audit_record(actor=actor, action="handover", obj=locked, detail={"handover": record.pk})
    _sync_customer_status(actor=actor, customer=locked.customer, step="handover")
    return record


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
    _audit_change(actor, locked, before, CONTRACT_AUDITED, "cancel", paid=str(paid))
    _cancel_subscription(locked.subscription, actor, reason)
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
    reason = _reason(reason)
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
    _sync_customer_status(actor=actor, customer=locked.customer, step="contract_cancel")
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
    amount = _money(price if price not in (None, "") else new_unit.total_price, "price")
    reason = _reason(reason) or _("Change of unit")
    _cancel_subscription(old, actor, reason)
    unit_set_status(
        unit=old.unit, to=UnitStatus.AVAILABLE, actor=actor, expected_from={UnitStatus.SUBSCRIBED}
    )
    new = _create_subscription(
        actor=actor, unit=new_unit, customer=old.customer, price=amount, deposit=min(old.deposit, amount),
        deadline=max(old.sign_deadline, timezone.localdate()),
    )  # fmt: skip
    _audit_create(actor, new, SUBSCRIPTION_AUDITED, changed_from=old.pk)
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
    amount = _money(price if price not in (None, "") else new_unit.total_price, "price")
    paid = paid_total(old)
    if paid > amount:
        raise ValidationFailed({"price": [_("The new price is below what has been paid already.")]})
    was = old.status
    reason = _reason(reason) or _("Change of unit")
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
    _audit_create(actor, sub, SUBSCRIPTION_AUDITED, changed_from=old.subscription_id)
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
    _sync_customer_status(actor=actor, customer=old.customer, step="change_of_unit")
    return change


# --- reads --------------------------------------------------------------------------------------


def overdue_subscriptions(*, user: Any, today: dt.date | None = None):  # noqa: ANN201
    """Active subscriptions past their deadline to sign, in the user's scope (for managers)."""
    today = today or timezone.localdate()
    return (
        Subscription.objects.visible_to(user)
        .filter(status=SubscriptionStatus.ACTIVE, sign_deadline__lt=today)
        .select_related("unit", "customer")
        .order_by("sign_deadline", "id")
    )
