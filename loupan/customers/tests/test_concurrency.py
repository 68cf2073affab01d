"""Races on PostgreSQL with real threads and real transactions (architecture.md rule 3).

SQLite serialises writers anyway (IMMEDIATE transactions), so these run on PostgreSQL only.
"""

from __future__ import annotations

import time

import pytest
from django.db import connection

from loupan.core.errors import Conflict
from loupan.core.testing.concurrency import race
from loupan.customers import services
from loupan.customers.models import Customer, PoolClaim
from loupan.customers.tests.factories import CustomerFactory
from loupan.org.tests.factories import UserFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def source_channels(transactional_db):  # noqa: ANN001, ANN201
    """Transactional tests flush the database after each test, taking the data migration's
    source channels with it; put them back for the factories' ``walk_in``."""
    from loupan.customers.sources import ensure_default_sources

    ensure_default_sources()


def test_only_one_salesperson_claims_a_pool_customer(world):  # noqa: ANN001
    extra = [UserFactory(role="sales", sites=[world.s1]) for _ in range(4)]
    claimers = [world.s1a, world.s1b, world.ag1, *extra]
    c = CustomerFactory(site=world.s1, owner=None, in_pool=True)
    # Everybody loaded the pool page before anyone clicked.
    stale = [Customer.objects.get(pk=c.pk) for _ in claimers]
    results = race(
        [
            lambda u=u, s=s: services.customer_claim(actor=u, customer=s)
            for u, s in zip(claimers, stale, strict=True)
        ]
    )
    winners = [r for r in results if isinstance(r, Customer)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1, results
    assert len(losers) == len(claimers) - 1, results
    assert {e.code for e in losers} == {"not_in_pool"}
    c.refresh_from_db()
    assert (c.in_pool, c.owner_id, c.credited_to_id) == (False, winners[0].owner_id, winners[0].owner_id)
    assert PoolClaim.objects.filter(customer=c).count() == 1


def test_only_one_registration_of_a_phone_at_a_site(world):  # noqa: ANN001
    actors = [world.s1a, world.s1b, world.ag1, world.sm1]
    results = race(
        [
            lambda a=a: services.customer_create(
                actor=a, site=world.s1, data={"name": f"客户{a.pk}", "phone": "+86 139-1234-5678"}
            )
            for a in actors
        ]
    )
    created = [r for r in results if isinstance(r, Customer)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(created) == 1, results
    assert len(conflicts) == len(actors) - 1, results
    assert {e.code for e in conflicts} == {"duplicate_customer"}
    assert {e.extra["phone"] for e in conflicts} == {"139****5678"}
    assert Customer.objects.filter(site=world.s1, phone="13912345678").count() == 1
    assert Customer.objects.get().owner_id == created[0].owner_id


def test_the_daily_claim_limit_holds_under_a_burst(world, monkeypatch):  # noqa: ANN001
    world.s1.pool_claims_per_day = 2
    world.s1.save()
    # Widen the window between counting today's claims and recording this one, so the
    # claims really overlap: the limit must hold by locking, not by luck of timing.
    # (Today the customer row lock also locks the joined site row, serialising claims per site.)
    slow_check = services._check_capacity

    def check_slowly(owner, site):  # noqa: ANN001, ANN202
        time.sleep(0.3)
        return slow_check(owner, site)

    monkeypatch.setattr(services, "_check_capacity", check_slowly)
    pool = [CustomerFactory(site=world.s1, owner=None, in_pool=True) for _ in range(5)]
    results = race([lambda c=c: services.customer_claim(actor=world.s1a, customer=c) for c in pool])
    won = [r for r in results if isinstance(r, Customer)]
    assert all(isinstance(r, Customer | Conflict) for r in results), results
    assert PoolClaim.objects.filter(user=world.s1a).count() == len(won)
    assert Customer.objects.filter(owner=world.s1a).count() == len(won)
    assert len(won) <= 2, f"{len(won)} claims went through a limit of 2"
