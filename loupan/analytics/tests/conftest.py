"""A small company whose report numbers are worked out by hand in the tests.

    key site owner source   age income   status      intention (bedrooms, budget 万, area m², purpose, level)
    c1  s1   s1a   walk_in  30  30-50万  contracted  3, 200-280, 100-120, self_use, A   interests 教育, 健身
    c2  s1   s1a   online   40  50-100万 visited     3, 300-350, 120-140, upgrade, B    interests 教育
    c3  s1   s1b   walk_in  22  10-30万  lead        2, 150-180, 80-90, self_use, C
    c4  s1   ag1   agency   50  >100万   subscribed  4, 400-450, 140-160, investment, A
    c5  s1   pool  phone    -   -        lead        -
    c6  s2   s2a   walk_in  35  30-50万  owner       3, 280-320, -, self_use, A
    c7  s2   s2a   online   60  -        lost        -

Units: p1 (s1) building 1号楼 101 2室 89 m² 1.8M available, 102 3室 118 m² 2.5M contracted (c1),
201 2室 89 m² 1.9M available, 202 3室 118 m² 2.6M subscribed (c4); p2 (s2) building A座 101 4室 143 m²
4.2M handed over (c6), 102 3室 118 m² 3.0M available.
Deals: c1 contract 2.45M (list 2.5M, 2%, mortgage): schedule 750k due 40 days ago, 1.7M due in 10 days;
paid 500k. c6 contract 4.1M (list 4.2M, full): 4.1M due 100 days ago, paid in full, handed over.
c2 had a subscription on 101, cancelled.
Activities: c1 visit, revisit, call (s1a); c2 visit (s1a); c3 call (s1b); c4 visit (ag1);
c6 visit, revisit (s2a); c7 visit (s2a).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from loupan.customers.models import Customer, Interest
from loupan.customers.tests.factories import CustomerFactory
from loupan.inventory.models import Building, Project, Unit
from loupan.sales.models import Activity, Contract, Handover, Payment, PaymentScheduleItem, Subscription

W = Decimal(10_000)


def born(age: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - age) - dt.timedelta(days=10)


def _customer(world, key, site, owner, source, age, income, status, intention=None, **extra):  # noqa: ANN001, ANN202
    fields = dict(
        name=f"客户{key}", site=getattr(world, site), owner=getattr(world, owner) if owner else None,
        source_id=source, birth_date=born(age) if age else None, income_band=income or "", status=status,
        in_pool=owner is None, gender="F" if key in ("c1", "c2") else "M", occupation="教师" if key != "c4" else "企业主",
        district="西湖区" if site == "s1" else "滨江区",
    )  # fmt: skip
    if intention:
        bedrooms, budget, area, purpose, level = intention
        fields.update(
            intent_bedrooms=bedrooms, intent_budget_min=budget[0] * W, intent_budget_max=budget[1] * W,
            intent_area_min=Decimal(area[0]) if area else None, intent_area_max=Decimal(area[1]) if area else None,
            intent_purpose=purpose, intent_level=level,
        )  # fmt: skip
    fields.update(extra)
    return CustomerFactory(**fields)


def _unit(
    building: Building, number: str, floor: int, bedrooms: int, area: str, price: int, status: str
) -> Unit:
    return Unit.objects.create(
        building=building, project=building.project, number=number, floor=floor, stack=int(number[-1]),
        layout=f"{bedrooms}室2厅1卫", bedrooms=bedrooms, area=Decimal(area), unit_price=Decimal(price) / Decimal(area),
        total_price=Decimal(price), status=status,
    )  # fmt: skip


@pytest.fixture
def company(world) -> SimpleNamespace:  # noqa: ANN001
    w = world
    now = timezone.now()
    today = timezone.localdate()
    p1 = Project.objects.create(name="西溪云庐", city="杭州")
    p2 = Project.objects.create(name="钱江悦府", city="杭州")
    w.s1.project, w.s2.project = p1, p2
    w.s1.save()
    w.s2.save()
    b1 = Building.objects.create(project=p1, name="1号楼", floors=2)
    b2 = Building.objects.create(project=p2, name="A座", floors=1)
    u = {
        "b1-101": _unit(b1, "101", 1, 2, "89", 1_800_000, "available"),
        "b1-102": _unit(b1, "102", 1, 3, "118", 2_500_000, "contracted"),
        "b1-201": _unit(b1, "201", 2, 2, "89", 1_900_000, "available"),
        "b1-202": _unit(b1, "202", 2, 3, "118", 2_600_000, "subscribed"),
        "b2-101": _unit(b2, "101", 1, 4, "143", 4_200_000, "handed_over"),
        "b2-102": _unit(b2, "102", 1, 3, "118", 3_000_000, "available"),
    }
    c = {
        "c1": _customer(w, "c1", "s1", "s1a", "walk_in", 30, "30-50万", "contracted",
                        (3, (200, 280), (100, 120), "self_use", "A")),
        "c2": _customer(w, "c2", "s1", "s1a", "online", 40, "50-100万", "visited",
                        (3, (300, 350), (120, 140), "upgrade", "B")),
        "c3": _customer(w, "c3", "s1", "s1b", "walk_in", 22, "10-30万", "lead",
                        (2, (150, 180), (80, 90), "self_use", "C")),
        "c4": _customer(w, "c4", "s1", "ag1", "agency", 50, ">100万", "subscribed",
                        (4, (400, 450), (140, 160), "investment", "A")),
        "c5": _customer(w, "c5", "s1", None, "phone", None, None, "lead", next_action_at=None),
        "c6": _customer(w, "c6", "s2", "s2a", "walk_in", 35, "30-50万", "owner",
                        (3, (280, 320), None, "self_use", "A")),
        "c7": _customer(w, "c7", "s2", "s2a", "online", 60, None, "lost"),
    }  # fmt: skip
    edu, gym = Interest.objects.create(name="教育"), Interest.objects.create(name="健身")
    c["c1"].interests.set([edu, gym])
    c["c2"].interests.set([edu])
    Customer.objects.filter(pk=c["c2"].pk).update(next_action_at=now - dt.timedelta(days=2))

    def sub(customer, unit, price, status, by):  # noqa: ANN001, ANN202
        return Subscription.objects.create(
            unit=unit,
            customer=customer,
            price=Decimal(price),
            sign_deadline=today,
            status=status,
            created_by=by,
        )

    sub(c["c2"], u["b1-101"], 1_800_000, "cancelled", w.s1a)
    s1 = sub(c["c1"], u["b1-102"], 2_450_000, "contracted", w.s1a)
    sub(c["c4"], u["b1-202"], 2_600_000, "active", w.ag1)
    s6 = sub(c["c6"], u["b2-101"], 4_100_000, "contracted", w.s2a)
    k1 = Contract.objects.create(
        subscription=s1, unit=u["b1-102"], customer=c["c1"], list_price=Decimal(2_500_000), price=Decimal(2_450_000),
        discount_percent=Decimal("2.00"), payment_method="mortgage", signed_at=now, status="active", created_by=w.s1a,
    )  # fmt: skip
    k6 = Contract.objects.create(
        subscription=s6, unit=u["b2-101"], customer=c["c6"], list_price=Decimal(4_200_000), price=Decimal(4_100_000),
        discount_percent=Decimal("2.38"), payment_method="full", signed_at=now - dt.timedelta(days=100),
        status="active", created_by=w.s2a,
    )  # fmt: skip
    PaymentScheduleItem.objects.create(contract=k1, seq=1, due_date=today - dt.timedelta(days=40),
                                       amount=Decimal(750_000), kind="down_payment")  # fmt: skip
    PaymentScheduleItem.objects.create(contract=k1, seq=2, due_date=today + dt.timedelta(days=10),
                                       amount=Decimal(1_700_000), kind="mortgage")  # fmt: skip
    PaymentScheduleItem.objects.create(contract=k6, seq=1, due_date=today - dt.timedelta(days=100),
                                       amount=Decimal(4_100_000), kind="full")  # fmt: skip
    Payment.objects.create(contract=k1, customer=c["c1"], amount=Decimal(500_000), method="transfer",
                           received_at=now - dt.timedelta(days=35), recorded_by=w.s1a)  # fmt: skip
    Payment.objects.create(contract=k6, customer=c["c6"], amount=Decimal(4_100_000), method="transfer",
                           received_at=now - dt.timedelta(days=90), recorded_by=w.s2a)  # fmt: skip
    Handover.objects.create(contract=k6, customer=c["c6"], by=w.sm2)
    for key, kind, user in [
        ("c1", "visit", w.s1a), ("c1", "revisit", w.s1a), ("c1", "call", w.s1a), ("c2", "visit", w.s1a),
        ("c3", "call", w.s1b), ("c4", "visit", w.ag1), ("c6", "visit", w.s2a), ("c6", "revisit", w.s2a),
        ("c7", "visit", w.s2a),
    ]:  # fmt: skip
        Activity.objects.create(
            customer=c[key], kind=kind, user=user, occurred_at=now - dt.timedelta(hours=1)
        )
    return SimpleNamespace(world=w, p1=p1, p2=p2, b1=b1, b2=b2, units=u, k1=k1, k6=k6, **c)
