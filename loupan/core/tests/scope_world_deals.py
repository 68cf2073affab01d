"""The inventory and deal side of the scope-matrix world (see test_scope_matrix.py).

Projects p1 (sold at site s1) and p2 (at s2), one building each. Each customer of the
matrix world has, on units of its site's project:

    res      an active reservation (认筹)
    sub      an active subscription (认购); zw's and cj's are past the deadline to sign
    con_a    a signed installment contract with one partial payment
    con_b    a signed full-payment contract paid in full (ready for handover)
    spares   three available units (change of a subscription's unit, of a contract's
             unit, a new subscription)

plus, per project, one available unit to hold and one held unit to release. Rows are
written straight to the database (statuses consistent: units subscribed/contracted,
customers contracted): the matrix checks who sees what, the services' own tests check
the workflow.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from loupan.customers.models import Customer
from loupan.inventory.models import Building, Project, Unit
from loupan.sales.choices import ContractStatus, PaymentChannel, SubscriptionStatus
from loupan.sales.models import (
    Contract,
    Payment,
    PaymentScheduleItem,
    QueueCounter,
    Reservation,
    Subscription,
)
from loupan.sales.services import schedule_for

PRICE = Decimal("1000000.00")
PROJECTS = {"p1": "s1", "p2": "s2"}
# Projects follow the sites a user works at (all for company-wide roles).
PROJECT_SEEN = {
    "admin": {"p1", "p2"},
    "cm": {"p1", "p2"},
    "sm1": {"p1"},
    "sm2": {"p2"},
    "s1a": {"p1"},
    "s1b": {"p1"},
    "s2a": {"p2"},
    "ag1": {"p1"},
}
# inventory.manage, unit.hold, unit.release: company-wide roles, a site manager for their project.
PROJECT_MANAGED = {
    r: (seen if r in {"admin", "cm", "sm1", "sm2"} else set()) for r, seen in PROJECT_SEEN.items()
}
OVERDUE = {"zw", "cj"}
SPARES = 3


def _units(building: Building, floors: int, stacks: int) -> list[Unit]:
    rows = [
        Unit(
            building=building,
            project_id=building.project_id,
            number=f"{f}{s:02d}",
            floor=f,
            stack=s,
            layout="3室2厅2卫",
            bedrooms=3,
            area=Decimal("100.00"),
            unit_price=PRICE / 100,
            total_price=PRICE,
        )  # fmt: skip
        for f in range(1, floors + 1)
        for s in range(1, stacks + 1)
    ]
    Unit.objects.bulk_create(rows)
    return list(Unit.objects.filter(building=building).order_by("floor", "stack"))


def build_inventory(m: SimpleNamespace) -> SimpleNamespace:
    """Projects, buildings and units; per project a unit to hold and a held one to release."""
    w = m.world
    projects = {"p1": Project.objects.create(name="西溪云庐", city="杭州"),
                "p2": Project.objects.create(name="钱江悦府", city="杭州")}  # fmt: skip
    for key, site in PROJECTS.items():
        s = m.sites[site]
        s.project = projects[key]
        s.save(update_fields=["project"])
    buildings = {
        "p1": Building.objects.create(project=projects["p1"], name="1号楼", floors=7),
        "p2": Building.objects.create(project=projects["p2"], name="A座", floors=4),
    }
    free = {"p1": _units(buildings["p1"], 7, 4), "p2": _units(buildings["p2"], 4, 4)}
    to_hold, held = {}, {}
    for key, units in free.items():
        to_hold[key] = units.pop()
        held[key] = units.pop()
        Unit.objects.filter(pk=held[key].pk).update(status="held", held_by=w.admin, hold_reason="公司保留")
    return SimpleNamespace(projects=projects, buildings=buildings, free=free, to_hold=to_hold, held=held)


def build_deals(m: SimpleNamespace, inv: SimpleNamespace) -> SimpleNamespace:
    """The deal records of every matrix customer (see the module docstring)."""
    actor = m.world.admin
    today = timezone.localdate()
    now = timezone.now()
    project_of_site = {site: key for key, site in PROJECTS.items()}
    d = SimpleNamespace(res={}, sub={}, con_a={}, con_b={}, spares={}, payments={}, subs_of={})
    kinds: dict[str, dict[int, str]] = {
        "reservations": {},
        "subscriptions": {},
        "contracts": {},
        "payments": {},
    }
    queue: dict[str, int] = {}
    for key, pk in m.ids.items():
        customer = Customer.objects.get(pk=pk)
        pkey = project_of_site[next(s for s, site in m.sites.items() if site.pk == customer.site_id)]
        project, units = inv.projects[pkey], inv.free[pkey]
        queue[pkey] = queue.get(pkey, 0) + 1
        res = Reservation.objects.create(
            project=project, customer=customer, deposit=Decimal("20000.00"), queue_number=queue[pkey],
            created_by=actor,
        )  # fmt: skip
        u_sub, u_a, u_b = units.pop(0), units.pop(0), units.pop(0)
        d.spares[key] = [units.pop(0) for _ in range(SPARES)]
        deadline = today - dt.timedelta(days=2) if key in OVERDUE else today + dt.timedelta(days=7)
        sub = Subscription.objects.create(
            unit=u_sub, customer=customer, price=PRICE, deposit=Decimal("50000.00"), sign_deadline=deadline,
            created_by=actor,
        )  # fmt: skip
        contracts = []
        for unit, method in ((u_a, "installment"), (u_b, "full")):
            s = Subscription.objects.create(
                unit=unit, customer=customer, price=PRICE, deposit=Decimal("50000.00"),
                sign_deadline=today, status=SubscriptionStatus.CONTRACTED, created_by=actor,
            )  # fmt: skip
            c = Contract.objects.create(
                subscription=s, unit=unit, customer=customer, list_price=PRICE, price=PRICE,
                payment_method=method, signed_at=now, status=ContractStatus.ACTIVE, created_by=actor,
            )  # fmt: skip
            PaymentScheduleItem.objects.bulk_create(
                PaymentScheduleItem(contract=c, seq=n, **item)
                for n, item in enumerate(schedule_for(method=method, price=PRICE, start=today), start=1)
            )
            amount = Decimal("100000.00") if method == "installment" else PRICE
            p = Payment.objects.create(
                contract=c,
                customer=customer,
                amount=amount,
                method=PaymentChannel.TRANSFER,
                recorded_by=actor,
            )
            kinds["subscriptions"][s.pk] = key
            kinds["contracts"][c.pk] = key
            kinds["payments"][p.pk] = key
            d.payments.setdefault(key, []).append(p.pk)
            contracts.append(c)
        Unit.objects.filter(pk=u_sub.pk).update(status="subscribed")
        Unit.objects.filter(pk__in=[u_a.pk, u_b.pk]).update(status="contracted")
        Customer.objects.filter(pk=pk).update(status="contracted")
        d.res[key], d.sub[key] = res.pk, sub.pk
        d.con_a[key], d.con_b[key] = contracts[0].pk, contracts[1].pk
        kinds["reservations"][res.pk] = key
        kinds["subscriptions"][sub.pk] = key
    for pkey, n in queue.items():
        QueueCounter.objects.create(project=inv.projects[pkey], last_number=n)
    d.kinds = kinds
    return d
