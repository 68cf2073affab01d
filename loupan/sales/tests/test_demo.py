"""Demo deals (loupan.sales.demo): realistic proportions, and every invariant the services keep."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from loupan.core.errors import Conflict
from loupan.customers.models import Customer
from loupan.inventory.models import Project, Unit
from loupan.org.models import User
from loupan.sales import services as ds
from loupan.sales.models import (
    Cancellation,
    Contract,
    Handover,
    Payment,
    QueueCounter,
    Reservation,
    Subscription,
    UnitChange,
)

pytestmark = pytest.mark.django_db
RANK = {"subscribed": 1, "contracted": 2, "owner": 3}


def _seed(n: int) -> None:
    call_command("seed_demo", "--customers", str(n), "--seed", "1", stdout=StringIO())


def _check_units_follow_deals() -> None:
    active = Counter(Subscription.objects.filter(status="active").values_list("unit_id", flat=True))
    live = dict(Contract.objects.exclude(status="cancelled").values_list("unit_id", "pk"))
    handed = set(Handover.objects.values_list("contract_id", flat=True))
    assert max(active.values()) == 1  # one active subscription per unit
    for unit_id, status in Unit.objects.values_list("pk", "status"):
        if status == "subscribed":
            assert active[unit_id] == 1 and unit_id not in live, unit_id
        elif status == "contracted":
            assert unit_id in live and live[unit_id] not in handed and not active[unit_id], unit_id
        elif status == "handed_over":
            assert unit_id in live and live[unit_id] in handed, unit_id
        else:
            assert not active[unit_id] and unit_id not in live, (unit_id, status)


def _check_customers_follow_deals() -> None:
    wanted: dict[int, int] = defaultdict(int)
    for c in Subscription.objects.exclude(status="cancelled").values_list("customer_id", flat=True):
        wanted[c] = max(wanted[c], RANK["subscribed"])
    for c in Contract.objects.filter(status="active").values_list("customer_id", flat=True):
        wanted[c] = max(wanted[c], RANK["contracted"])
    for c in Handover.objects.values_list("customer_id", flat=True):
        wanted[c] = RANK["owner"]
    with_deals = set(Subscription.objects.values_list("customer_id", flat=True)) | set(
        Reservation.objects.values_list("customer_id", flat=True)
    )
    for pk, status, in_pool in Customer.objects.values_list("pk", "status", "in_pool"):
        if wanted[pk]:
            assert RANK.get(status) == wanted[pk], (pk, status)
            assert not in_pool
        else:
            assert status not in RANK, (pk, status)  # nobody is in a deal status without a deal
            if pk in with_deals:
                assert status == "visited"  # cancelled or reserved only


def _check_money_and_time() -> None:
    now = timezone.now()
    created = dict(Customer.objects.values_list("pk", "created_at"))
    for s in Subscription.objects.all():
        assert created[s.customer_id] < s.created_at <= now
        assert s.cancelled_at is None or s.created_at <= s.cancelled_at <= now
    payments = defaultdict(list)
    for contract_id, amount, at in Payment.objects.values_list("contract_id", "amount", "received_at"):
        payments[contract_id].append((amount, at))
    handed = dict(Handover.objects.values_list("contract_id", "handed_over_at"))
    for c in Contract.objects.annotate(scheduled=Sum("schedule__amount")).select_related("subscription"):
        assert c.scheduled == c.price and c.price <= c.list_price
        assert c.subscription.created_at <= c.signed_at <= now
        assert c.discount_percent <= Decimal("2.00")  # within the site's limit: no approval pending
        paid = sum(a for a, _at in payments[c.pk])
        assert paid <= c.price
        assert all(c.signed_at <= at <= now for _a, at in payments[c.pk])
        if c.pk in handed:
            assert paid == c.price and max(at for _a, at in payments[c.pk]) <= handed[c.pk] <= now
    for project in Project.objects.all():
        numbers = list(
            Reservation.objects.filter(project=project).order_by("created_at", "customer_id")
            .values_list("queue_number", flat=True)
        )  # fmt: skip
        assert numbers == list(range(1, len(numbers) + 1))  # gapless, in the order taken
        counter = QueueCounter.objects.filter(project=project).first()
        assert (counter.last_number if counter else 0) == len(numbers)
    for r in Reservation.objects.filter(status="converted"):
        assert r.subscriptions.filter(customer_id=r.customer_id).exists()


def test_demo_deals_keep_the_invariants_and_sell_a_realistic_share() -> None:
    _seed(2000)
    assert Subscription.objects.exists()
    _check_units_follow_deals()
    _check_customers_follow_deals()
    _check_money_and_time()
    for project in Project.objects.all():
        statuses = Counter(project.units.values_list("status", flat=True))
        sold = statuses["subscribed"] + statuses["contracted"] + statuses["handed_over"]
        assert 0.35 <= sold / sum(statuses.values()) <= 0.62, (project.name, statuses)
        assert statuses["handed_over"] and statuses["contracted"] and statuses["subscribed"]
    today = timezone.localdate()
    assert set(Contract.objects.values_list("payment_method", flat=True)) == {
        "full",
        "mortgage",
        "installment",
    }
    overdue_subs = Subscription.objects.filter(status="active", sign_deadline__lt=today).count()
    assert 0 < overdue_subs < Subscription.objects.filter(status="active").count() / 3  # a few
    active = Contract.objects.filter(status="active")
    due = dict(
        active.filter(schedule__due_date__lt=today)
        .values("pk")
        .annotate(s=Sum("schedule__amount"))
        .values_list("pk", "s")
    )
    paid = dict(active.values("pk").annotate(s=Sum("payments__amount")).values_list("pk", "s"))
    overdue = [pk for pk, amount in due.items() if (paid.get(pk) or 0) < amount]
    assert overdue and len(overdue) < active.count() / 4
    assert ds.contract_receivables(contract=Contract.objects.get(pk=overdue[0]))["overdue"] > 0
    assert Payment.objects.filter(method="mortgage_loan").exists()
    assert Cancellation.objects.filter(contract__isnull=True).exists()
    assert Cancellation.objects.filter(contract__status="cancelled", paid_amount__gt=0).exists()
    change = UnitChange.objects.select_related("from_subscription", "to_subscription").first()
    assert change.from_subscription.status == "cancelled" and change.to_subscription.status != "cancelled"
    assert change.from_unit.status == "available"
    assert {"converted", "active"} <= set(Reservation.objects.values_list("status", flat=True))


def test_the_services_carry_on_from_the_demo_deals() -> None:
    _seed(400)
    _check_units_follow_deals()
    _check_customers_follow_deals()
    _check_money_and_time()
    admin = User.objects.get(username="demo_admin")
    taken = Unit.objects.filter(status="subscribed").first()
    buyer = Customer.objects.filter(status="visited", in_pool=False).first()
    with pytest.raises(Conflict):
        ds.subscription_create(actor=admin, unit=taken, customer=buyer)
    free = Unit.objects.filter(status="available").first()
    ds.subscription_create(actor=admin, unit=free, customer=buyer)
    contract = Contract.objects.filter(status="active", handover__isnull=True).first()
    ds.contract_cancel(actor=admin, contract=contract, reason="测试")
    sub = Subscription.objects.filter(status="active").exclude(unit=free).first()
    ds.contract_create(actor=admin, subscription=sub, payment_method="full")
    _check_units_follow_deals()
    _check_customers_follow_deals()
    # Demo deals lie in the past: none ends today or later except the deadlines still to come.
    assert not Payment.objects.filter(received_at__date__gt=timezone.localdate()).exists()
    assert Subscription.objects.filter(created_at__gte=timezone.now() + dt.timedelta(minutes=1)).count() == 0
