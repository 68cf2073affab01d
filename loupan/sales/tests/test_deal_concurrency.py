"""Deal races on PostgreSQL with real threads and real transactions (architecture.md rule 3).

SQLite serialises writers anyway (IMMEDIATE transactions), so these run on PostgreSQL only.
"""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from loupan.core.errors import Conflict
from loupan.core.testing.concurrency import race
from loupan.customers.tests.factories import CustomerFactory
from loupan.inventory.models import Unit
from loupan.org.tests.factories import UserFactory
from loupan.sales import services as ds
from loupan.sales.models import Reservation, Subscription

try:
    inventory_services = importlib.import_module("loupan.inventory.services")
except ImportError:  # pragma: no cover - before the inventory services existed
    inventory_services = None
HAS_HOLD = hasattr(inventory_services, "unit_hold")

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def test_eight_salespeople_subscribe_one_unit(world, deals):  # noqa: ANN001
    sellers = [UserFactory(role="sales", sites=[world.s1]) for _ in range(8)]
    customers = [CustomerFactory(site=world.s1, owner=u) for u in sellers]
    unit = deals.units[0]
    # Everybody loaded the grid before anyone clicked.
    stale = [Unit.objects.get(pk=unit.pk) for _ in sellers]
    results = race(
        [
            lambda u=u, c=c, s=s: ds.subscription_create(actor=u, unit=s, customer=c, deposit="50000")
            for u, c, s in zip(sellers, customers, stale, strict=True)
        ]
    )
    won = [r for r in results if isinstance(r, Subscription)]
    lost = [r for r in results if isinstance(r, Conflict)]
    assert len(won) == 1, results
    assert len(lost) == 7, results
    assert {e.code for e in lost} == {"unit_unavailable"}
    assert Subscription.objects.filter(unit=unit).count() == 1
    unit.refresh_from_db()
    assert unit.status == "subscribed"
    statuses = {c.pk: c.__class__.objects.get(pk=c.pk).status for c in customers}
    assert sorted(statuses.values()) == ["lead"] * 7 + ["subscribed"]
    assert statuses[won[0].customer_id] == "subscribed"


def test_eight_api_clients_subscribe_one_unit(world, deals, api):  # noqa: ANN001
    sellers = [UserFactory(role="sales", sites=[world.s1]) for _ in range(8)]
    customers = [CustomerFactory(site=world.s1, owner=u) for u in sellers]
    clients = [api(u) for u in sellers]
    unit = deals.units[1]
    results = race(
        [
            lambda cl=cl, c=c: cl.post(
                "/api/v1/subscriptions/",
                {"unit": unit.pk, "customer": c.pk, "deposit": "1000"},
                format="json",
            )
            for cl, c in zip(clients, customers, strict=True)
        ]
    )
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * 7, codes
    assert {r.json()["code"] for r in results if r.status_code == 409} == {"unit_unavailable"}
    assert Subscription.objects.filter(unit=unit).count() == 1


def test_ten_reservations_at_once_are_numbered_without_gaps(world, deals):  # noqa: ANN001
    customers = [CustomerFactory(site=world.s1, owner=world.s1a) for _ in range(10)]
    results = race(
        [
            lambda c=c: ds.reservation_create(actor=world.s1a, project=deals.p1, customer=c, deposit="20000")
            for c in customers
        ]
    )
    assert all(isinstance(r, Reservation) for r in results), results
    numbers = sorted(Reservation.objects.filter(project=deals.p1).values_list("queue_number", flat=True))
    assert numbers == list(range(1, 11))


@pytest.mark.skipif(not HAS_HOLD, reason="needs the inventory's unit_hold")
def test_hold_and_subscribe_race_one_wins(world, deals):  # noqa: ANN001
    for attempt in range(4):
        unit = deals.units[attempt]
        for_hold, for_sale = Unit.objects.get(pk=unit.pk), Unit.objects.get(pk=unit.pk)
        results = race(
            [
                lambda u=for_hold: inventory_services.unit_hold(actor=world.sm1, unit=u),
                lambda u=for_sale: ds.subscription_create(
                    actor=world.s1a, unit=u, customer=deals.c1, deposit="1000"
                ),
            ]
        )
        ok = [r for r in results if not isinstance(r, Exception)]
        refused = [r for r in results if isinstance(r, Conflict)]
        assert len(ok) == 1 and len(refused) == 1, results
        assert refused[0].code == "unit_unavailable"
        unit.refresh_from_db()
        subscribed = Subscription.objects.filter(unit=unit).count()
        assert (unit.status, subscribed) in {("held", 0), ("subscribed", 1)}, (unit.status, subscribed)
