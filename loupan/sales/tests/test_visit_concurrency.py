"""Reception races on PostgreSQL with real threads: the rotation row lock hands out turns
one at a time. (SQLite serialises writers anyway, with IMMEDIATE transactions.)"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from loupan.core.testing.concurrency import race
from loupan.customers.models import Customer
from loupan.org.tests.factories import UserFactory
from loupan.sales import services
from loupan.sales.models import ReceptionQueue, Visit

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def desk(world):  # noqa: ANN001, ANN201
    """Site s1 with three salespeople in the rotation and four receptionists."""
    sellers = [world.s1a, world.s1b, UserFactory(role="sales", sites=[world.s1])]
    for user in sellers:
        services.reception_slot_add(actor=world.sm1, site=world.s1, user=user)
    desks = [world.sm1, *[UserFactory(role="sales", sites=[world.s1]) for _ in range(5)]]
    return sellers, desks


def test_six_walk_ins_at_once_go_round_the_rotation_fairly(world, desk):  # noqa: ANN001
    sellers, desks = desk
    results = race(
        [
            lambda d=d, i=i: services.visit_register(
                actor=d, site=world.s1, phone=f"1380000100{i}", name="访客"
            )
            for i, d in enumerate(desks)
        ]
    )
    assert all(isinstance(r, Visit) for r in results), results
    assert Counter(r.assigned_to_id for r in results) == {u.pk: 2 for u in sellers}
    queue = ReceptionQueue.objects.get(site=world.s1)
    assert queue.last_position == 3  # six turns of three: back at the end of the line


def test_the_same_new_visitor_registered_twice_at_once(world, desk):  # noqa: ANN001
    _sellers, desks = desk
    results = race(
        [lambda d=d: services.visit_register(actor=d, site=world.s1, phone="13800002000", name="同一人")
         for d in desks[:2]]
    )  # fmt: skip
    assert all(isinstance(r, Visit) for r in results), results
    first, second = sorted(results, key=lambda v: v.pk)
    assert Customer.objects.filter(site=world.s1, phone="13800002000").count() == 1
    assert (first.new_customer, first.kind, first.assignment) == (True, "visit", "rotation")
    assert (second.new_customer, second.kind, second.assignment) == (False, "revisit", "owner")
    assert second.assigned_to == first.assigned_to
    assert ReceptionQueue.objects.get(site=world.s1).last_position == 1  # one turn taken, not two
