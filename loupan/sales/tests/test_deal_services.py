"""The deal workflow services: every step moves the unit and the customer with the deal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from loupan.core.errors import Conflict, NotAllowed, ValidationFailed
from loupan.core.models import AuditEvent
from loupan.inventory.models import Unit
from loupan.sales import selectors
from loupan.sales import services as ds
from loupan.sales.models import (
    Cancellation,
    Contract,
    Handover,
    Payment,
    Reservation,
    Subscription,
    UnitChange,
)

pytestmark = pytest.mark.django_db

PRICE = Decimal("1000000.00")


def statuses(unit, customer):  # noqa: ANN001, ANN201
    unit.refresh_from_db()
    customer.refresh_from_db()
    return unit.status, customer.status


def subscribe(world, deals, unit=None, customer=None, actor=None, **kw):  # noqa: ANN001, ANN003, ANN201
    return ds.subscription_create(
        actor=actor or world.s1a, unit=unit or deals.units[0], customer=customer or deals.c1,
        deposit=kw.pop("deposit", "50000"), **kw,
    )  # fmt: skip


def sign(world, deals, method="full", price=None, **kw):  # noqa: ANN001, ANN003, ANN201
    sub = subscribe(world, deals)
    return ds.contract_create(actor=world.s1a, subscription=sub, payment_method=method, price=price, **kw)


# --- reservations ---------------------------------------------------------------------------------


def test_reservation_queue_numbers_are_gapless_per_project(world, deals):  # noqa: ANN001
    numbers = [
        ds.reservation_create(
            actor=world.s1a, project=deals.p1, customer=deals.c1, deposit="20000"
        ).queue_number
        for _ in range(3)
    ]
    other = ds.reservation_create(actor=world.s2a, project=deals.p2, customer=deals.c3, deposit="20000")
    assert numbers == [1, 2, 3] and other.queue_number == 1
    with pytest.raises(ValidationFailed) as exc:
        ds.reservation_create(actor=world.s1a, project=deals.p1, customer=deals.c1, deposit="-1")
    assert "deposit" in exc.value.errors
    # The refused one took no number: the next is 4.
    assert (
        ds.reservation_create(actor=world.s1a, project=deals.p1, customer=deals.c1, deposit="1").queue_number
        == 4
    )


def test_reservation_refund_by_managers_keeps_the_number(world, deals):  # noqa: ANN001
    r = ds.reservation_create(actor=world.s1a, project=deals.p1, customer=deals.c1, deposit="20000")
    with pytest.raises(NotAllowed):
        ds.reservation_refund(actor=world.s1a, reservation=r)
    refunded = ds.reservation_refund(actor=world.sm1, reservation=r, reason="改主意")
    assert refunded.status == "refunded" and refunded.refunded_at is not None
    with pytest.raises(Conflict):
        ds.reservation_refund(actor=world.sm1, reservation=r)
    nxt = ds.reservation_create(actor=world.s1a, project=deals.p1, customer=deals.c1, deposit="20000")
    assert nxt.queue_number == 2


def test_subscription_converts_a_reservation(world, deals):  # noqa: ANN001
    r = ds.reservation_create(actor=world.s1a, project=deals.p1, customer=deals.c1, deposit="20000")
    subscribe(world, deals, reservation=r)
    r.refresh_from_db()
    assert r.status == "converted"


def test_only_the_owner_or_a_manager_creates_deals(world, deals):  # noqa: ANN001
    with pytest.raises(NotAllowed):
        subscribe(world, deals, actor=world.s1b)
    with pytest.raises(NotAllowed):
        subscribe(world, deals, actor=world.sm2)
    assert subscribe(world, deals, actor=world.sm1).created_by == world.sm1


# --- subscriptions --------------------------------------------------------------------------------


def test_subscription_moves_unit_and_customer(world, deals):  # noqa: ANN001
    unit = deals.units[0]
    sub = subscribe(world, deals)
    assert sub.price == PRICE and sub.status == "active"
    assert sub.sign_deadline == timezone.localdate() + dt.timedelta(days=7)
    assert statuses(unit, deals.c1) == ("subscribed", "subscribed")
    assert AuditEvent.objects.filter(object_type="subscription", object_id=sub.pk, action="create").exists()
    assert AuditEvent.objects.filter(object_type="unit", object_id=unit.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="customer",
        object_id=deals.c1.pk,
        action="status",
        changes__status=["visited", "subscribed"],
    ).exists()


@pytest.mark.parametrize("status", ["held", "subscribed", "contracted", "handed_over"])
def test_a_unit_that_is_not_available_cannot_be_subscribed(world, deals, status):  # noqa: ANN001
    unit = deals.units[0]
    Unit.objects.filter(pk=unit.pk).update(status=status)
    unit.refresh_from_db()
    with pytest.raises(Conflict) as exc:
        subscribe(world, deals, unit=unit)
    assert exc.value.code == "unit_unavailable"
    assert not Subscription.objects.exists()
    assert statuses(unit, deals.c1) == (status, "visited")


def test_second_subscription_of_a_unit_is_refused(world, deals):  # noqa: ANN001
    subscribe(world, deals)
    stale = Unit.objects.get(pk=deals.units[0].pk)
    stale.status = "available"  # a page loaded before the first subscription
    with pytest.raises(Conflict) as exc:
        subscribe(world, deals, unit=stale, customer=deals.c2, actor=world.s1b)
    assert exc.value.code == "unit_unavailable"
    assert Subscription.objects.filter(unit=deals.units[0]).count() == 1


def test_the_database_allows_one_active_subscription_per_unit(world, deals):  # noqa: ANN001
    from django.db import IntegrityError, transaction

    sub = subscribe(world, deals)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(
            unit=sub.unit,
            customer=deals.c2,
            price=PRICE,
            sign_deadline=sub.sign_deadline,
            created_by=world.s1b,
        )


def test_subscription_field_errors(world, deals):  # noqa: ANN001
    with pytest.raises(ValidationFailed) as exc:
        subscribe(
            world, deals, price="-5", deposit="abc", sign_deadline=timezone.localdate() - dt.timedelta(days=1)
        )
    assert set(exc.value.errors) == {"price", "deposit", "sign_deadline"}
    assert statuses(deals.units[0], deals.c1) == ("available", "visited")


def test_cancel_returns_the_unit_and_steps_the_customer_back(world, deals):  # noqa: ANN001
    sub = subscribe(world, deals)
    with pytest.raises(NotAllowed):
        ds.subscription_cancel(actor=world.s1a, subscription=sub)
    ds.subscription_cancel(actor=world.sm1, subscription=sub, reason="资金不足")
    sub.refresh_from_db()
    assert sub.status == "cancelled" and sub.cancel_reason == "资金不足"
    assert statuses(deals.units[0], deals.c1) == ("available", "visited")
    assert Cancellation.objects.get(subscription=sub).deposit == Decimal("50000.00")
    with pytest.raises(Conflict):
        ds.subscription_cancel(actor=world.sm1, subscription=sub)
    # The unit is on sale again.
    again = subscribe(world, deals, customer=deals.c2, actor=world.s1b)
    assert again.status == "active"


def test_overdue_subscriptions_show_up_for_the_manager(world, deals):  # noqa: ANN001
    sub = subscribe(world, deals)
    Subscription.objects.filter(pk=sub.pk).update(sign_deadline=timezone.localdate() - dt.timedelta(days=1))
    assert list(selectors.overdue_subscriptions(user=world.sm1)) == [sub]
    assert list(selectors.overdue_subscriptions(user=world.sm2)) == []


# --- contracts and schedules ----------------------------------------------------------------------


def test_contract_within_the_limit_is_signed_at_once(world, deals):  # noqa: ANN001
    contract = sign(world, deals, price="985000.00")  # 1.5% < 2%
    assert contract.status == "active" and contract.signed_at is not None
    assert contract.discount_percent == Decimal("1.50")
    contract.subscription.refresh_from_db()
    assert contract.subscription.status == "contracted"
    assert statuses(contract.unit, deals.c1) == ("contracted", "contracted")


def test_discount_above_the_limit_waits_for_approval(world, deals):  # noqa: ANN001
    contract = sign(world, deals, price="950000.00")  # 5% > 2%
    assert contract.status == "pending_approval" and contract.signed_at is None
    assert statuses(contract.unit, deals.c1) == ("subscribed", "subscribed")
    with pytest.raises(Conflict):
        ds.payment_record(actor=world.s1a, contract=contract, amount="1000", method="cash")
    for outsider in (world.s1a, world.sm2):
        with pytest.raises(NotAllowed):
            ds.contract_approve(actor=outsider, contract=contract)
    approved = ds.contract_approve(actor=world.sm1, contract=contract)
    assert approved.status == "active" and approved.approved_by == world.sm1
    assert statuses(contract.unit, deals.c1) == ("contracted", "contracted")
    with pytest.raises(Conflict):
        ds.contract_approve(actor=world.sm1, contract=contract)


def test_the_limit_is_a_site_setting(world, deals):  # noqa: ANN001
    world.s1.max_discount_percent = Decimal("6.00")
    world.s1.save()
    assert sign(world, deals, price="950000.00").status == "active"


def test_schedules_per_payment_method(world, deals):  # noqa: ANN001
    start = dt.date(2026, 1, 31)
    full = ds.schedule_for(method="full", price=PRICE, start=start)
    assert [(i["due_date"], i["amount"]) for i in full] == [(start, PRICE)]
    mortgage = ds.schedule_for(method="mortgage", price=PRICE, start=start)
    assert [(i["kind"], i["amount"]) for i in mortgage] == [
        ("down_payment", Decimal("300000.00")), ("mortgage", Decimal("700000.00"))
    ]  # fmt: skip
    assert mortgage[1]["due_date"] == dt.date(2026, 2, 28)
    parts = ds.schedule_for(method="installment", price=Decimal("1000000.00"), start=start, installments=3)
    assert [i["amount"] for i in parts] == [Decimal("333333.33"), Decimal("333333.33"), Decimal("333333.34")]
    assert sum(i["amount"] for i in parts) == PRICE


def test_contract_schedule_generated_and_editable_before_signing(world, deals):  # noqa: ANN001
    contract = sign(world, deals, method="installment", installments=4)
    assert contract.schedule.count() == 4
    assert sum(i.amount for i in contract.schedule.all()) == PRICE
    with pytest.raises(Conflict):  # signed already
        ds.contract_schedule_set(actor=world.s1a, contract=contract, schedule=[])
    pending = ds.contract_create(
        actor=world.s1b, payment_method="mortgage", price="900000.00",
        subscription=subscribe(world, deals, unit=deals.units[1], customer=deals.c2, actor=world.s1b),
    )  # fmt: skip
    assert pending.status == "pending_approval"
    with pytest.raises(ValidationFailed) as exc:
        ds.contract_schedule_set(
            actor=world.s1b, contract=pending, schedule=[{"due_date": "2026-12-01", "amount": "100"}]
        )
    assert "schedule" in exc.value.errors
    ds.contract_schedule_set(
        actor=world.s1b, contract=pending,
        schedule=[{"due_date": "2026-12-01", "amount": "400000"}, {"due_date": "2027-01-05", "amount": "500000"}],
    )  # fmt: skip
    assert [i.amount for i in pending.schedule.all()] == [Decimal("400000.00"), Decimal("500000.00")]


def test_only_active_subscription_can_be_signed_once(world, deals):  # noqa: ANN001
    contract = sign(world, deals)
    with pytest.raises(Conflict):
        ds.contract_create(actor=world.s1a, subscription=contract.subscription, payment_method="full")
    with pytest.raises(ValidationFailed) as exc:
        ds.contract_create(
            actor=world.s1b, payment_method="barter",
            subscription=subscribe(world, deals, unit=deals.units[1], customer=deals.c2, actor=world.s1b),
        )  # fmt: skip
    assert "payment_method" in exc.value.errors


# --- payments ------------------------------------------------------------------------------------


def test_payments_refuse_bad_amounts_and_change_nothing(world, deals):  # noqa: ANN001
    contract = sign(world, deals)
    ds.payment_record(actor=world.s1a, contract=contract, amount="600000", method="transfer")
    audit_count = AuditEvent.objects.count()
    for amount in ("0", "-100", "400000.01", "abc", "1.001"):
        with pytest.raises(ValidationFailed) as exc:
            ds.payment_record(actor=world.s1a, contract=contract, amount=amount, method="transfer")
        assert "amount" in exc.value.errors, amount
    with pytest.raises(ValidationFailed) as exc:
        ds.payment_record(
            actor=world.s1a, contract=contract, amount="1", method="cash",
            received_at=timezone.now() + dt.timedelta(days=1),
        )  # fmt: skip
    assert set(exc.value.errors) == {"received_at"}
    assert Payment.objects.count() == 1 and AuditEvent.objects.count() == audit_count
    ds.payment_record(actor=world.s1a, contract=contract, amount="400000", method="mortgage_loan")
    assert ds.contract_receivables(contract=contract)["outstanding"] == 0


def test_idempotency_key_returns_the_same_payment(world, deals):  # noqa: ANN001
    contract = sign(world, deals)
    first, created = ds.payment_record(
        actor=world.s1a, contract=contract, amount="1000", method="cash", idempotency_key="abc-1"
    )
    again, created_again = ds.payment_record(
        actor=world.s1a, contract=contract, amount="1000", method="cash", idempotency_key="abc-1"
    )
    assert created and not created_again and first.pk == again.pk
    assert Payment.objects.count() == 1
    other = sign_other(world, deals)
    with pytest.raises(Conflict):
        ds.payment_record(actor=world.s1b, contract=other, amount="1", method="cash", idempotency_key="abc-1")


def sign_other(world, deals):  # noqa: ANN001, ANN201
    sub = subscribe(world, deals, unit=deals.units[1], customer=deals.c2, actor=world.s1b)
    return ds.contract_create(actor=world.s1b, subscription=sub, payment_method="full")


def test_receivables_allocate_payments_in_due_order(world, deals):  # noqa: ANN001
    contract = sign(world, deals, method="mortgage")
    ds.payment_record(actor=world.s1a, contract=contract, amount="350000", method="transfer")
    rec = ds.contract_receivables(contract=contract, today=timezone.localdate() + dt.timedelta(days=60))
    assert rec["paid"] == Decimal("350000.00") and rec["outstanding"] == Decimal("650000.00")
    assert [(i["paid"], i["outstanding"]) for i in rec["items"]] == [
        (Decimal("300000.00"), Decimal("0.00")), (Decimal("50000.00"), Decimal("650000.00"))
    ]  # fmt: skip
    assert rec["overdue"] == Decimal("650000.00")


# --- handover ------------------------------------------------------------------------------------


def test_handover_only_when_paid_in_full(world, deals):  # noqa: ANN001
    contract = sign(world, deals, method="mortgage")
    ds.payment_record(actor=world.s1a, contract=contract, amount="300000", method="transfer")
    with pytest.raises(NotAllowed):
        ds.handover(actor=world.s1a, contract=contract)
    with pytest.raises(Conflict) as exc:
        ds.handover(actor=world.sm1, contract=contract)
    assert exc.value.code == "not_paid"
    assert statuses(contract.unit, deals.c1) == ("contracted", "contracted")
    ds.payment_record(actor=world.s1a, contract=contract, amount="700000", method="mortgage_loan")
    record = ds.handover(actor=world.sm1, contract=contract)
    assert record.by == world.sm1
    assert statuses(contract.unit, deals.c1) == ("handed_over", "owner")
    with pytest.raises(Conflict):
        ds.handover(actor=world.sm1, contract=contract)
    with pytest.raises(Conflict):
        ds.contract_cancel(actor=world.sm1, contract=contract)


# --- cancellation and change of unit -------------------------------------------------------------


def test_contract_cancel_keeps_the_money_trail(world, deals):  # noqa: ANN001
    contract = sign(world, deals)
    ds.payment_record(actor=world.s1a, contract=contract, amount="200000", method="transfer")
    with pytest.raises(NotAllowed):
        ds.contract_cancel(actor=world.s1a, contract=contract)
    record = ds.contract_cancel(actor=world.sm1, contract=contract, reason="退房")
    contract.refresh_from_db()
    assert contract.status == "cancelled" and contract.subscription.status == "cancelled"
    assert record.paid_amount == Decimal("200000.00") and record.contract == contract
    assert Payment.objects.filter(contract=contract).count() == 1
    assert statuses(contract.unit, deals.c1) == ("available", "visited")
    assert AuditEvent.objects.filter(object_type="contract", object_id=contract.pk, action="cancel").exists()


def test_cancel_pending_contract_returns_a_subscribed_unit(world, deals):  # noqa: ANN001
    contract = sign(world, deals, price="900000")
    ds.contract_cancel(actor=world.sm1, contract=contract)
    assert statuses(contract.unit, deals.c1) == ("available", "visited")


def test_customer_status_follows_the_furthest_live_deal(world, deals):  # noqa: ANN001
    contract = sign(world, deals)
    second = subscribe(world, deals, unit=deals.units[1])
    assert statuses(deals.units[1], deals.c1) == ("subscribed", "contracted")
    ds.subscription_cancel(actor=world.sm1, subscription=second)
    assert deals.c1.__class__.objects.get(pk=deals.c1.pk).status == "contracted"
    ds.contract_cancel(actor=world.sm1, contract=contract)
    assert statuses(deals.units[0], deals.c1) == ("available", "visited")


def test_subscription_change_of_unit(world, deals):  # noqa: ANN001
    old_unit, new_unit = deals.units[0], deals.units[1]
    sub = subscribe(world, deals)
    change = ds.subscription_change_unit(
        actor=world.sm1, subscription=sub, new_unit=new_unit, reason="换楼层"
    )
    sub.refresh_from_db()
    assert sub.status == "cancelled"
    assert change.to_subscription.unit == new_unit and change.to_subscription.status == "active"
    assert change.carried_amount == Decimal("50000.00") and change.kind == "subscription"
    assert statuses(old_unit, deals.c1) == ("available", "subscribed")
    assert statuses(new_unit, deals.c1) == ("subscribed", "subscribed")
    Unit.objects.filter(pk=old_unit.pk).update(status="held")
    with pytest.raises(Conflict) as exc:
        ds.subscription_change_unit(actor=world.sm1, subscription=change.to_subscription, new_unit=old_unit)
    assert exc.value.code == "unit_unavailable"
    assert statuses(new_unit, deals.c1) == ("subscribed", "subscribed")


def test_contract_change_of_unit_carries_the_money_over(world, deals):  # noqa: ANN001
    old_unit, new_unit = deals.units[0], deals.units[1]
    contract = sign(world, deals, method="mortgage")
    ds.payment_record(actor=world.s1a, contract=contract, amount="300000", method="transfer")
    change = ds.contract_change_unit(actor=world.sm1, contract=contract, new_unit=new_unit)
    contract.refresh_from_db()
    new = change.to_contract
    assert contract.status == "cancelled" and new.status == "active" and new.unit == new_unit
    assert Payment.objects.filter(contract=contract).count() == 1  # the old trail stays
    carried = Payment.objects.get(contract=new)
    assert (carried.amount, carried.method, carried.carried_from) == (
        Decimal("300000.00"),
        "carried_over",
        contract,
    )
    assert change.carried_amount == Decimal("300000.00")
    assert statuses(old_unit, deals.c1) == ("available", "contracted")
    assert statuses(new_unit, deals.c1) == ("contracted", "contracted")
    assert UnitChange.objects.count() == 1 and Contract.objects.count() == 2 and Handover.objects.count() == 0
    assert Reservation.objects.count() == 0


def test_deal_records_follow_the_customer_scope(world, deals):  # noqa: ANN001
    contract = sign(world, deals)
    ds.payment_record(actor=world.s1a, contract=contract, amount="1", method="cash")
    for model in (Subscription, Contract, Payment):
        assert model.objects.visible_to(world.s1a).count() == 1
        assert model.objects.visible_to(world.sm1).count() == 1
        assert model.objects.visible_to(world.cm).count() == 1
        assert model.objects.visible_to(world.s1b).count() == 0
        assert model.objects.visible_to(world.sm2).count() == 0
