"""撞单 races on PostgreSQL with real threads and transactions (SQLite serialises writers)."""

from __future__ import annotations

import pytest
from django.db import connection

from loupan.channels import services
from loupan.channels.models import Registration
from loupan.channels.tests.factories import AgencyContractFactory
from loupan.core.errors import Conflict
from loupan.core.testing.concurrency import race
from loupan.customers.models import Customer
from loupan.customers.services import customer_create
from loupan.org.tests.factories import AgencyFactory, UserFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL locks"),
    pytest.mark.django_db(transaction=True),
]
PHONE = "13700009999"


@pytest.fixture
def agents(world):  # noqa: ANN001, ANN201
    from loupan.customers.sources import ensure_default_sources

    ensure_default_sources()
    out = []
    for i in range(4):
        agency = AgencyFactory(name=f"并发代理{i}")
        AgencyContractFactory(agency=agency, created_by=world.admin, sites=[world.s1])
        out.append(UserFactory(role="agent", agency=agency, sites=[world.s1]))
    return out


def _register(agent, site):  # noqa: ANN001, ANN202
    return lambda: services.registration_create(actor=agent, site=site, customer_name="甲", phone=PHONE)


def test_many_agents_register_one_phone_at_once_exactly_one_wins(world, agents) -> None:  # noqa: ANN001
    results = race([_register(agent, world.s1) for agent in agents])
    winners = [r for r in results if isinstance(r, Registration)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == len(agents) - 1, results
    assert {c.code for c in losers} == {"already_protected"}
    assert Registration.objects.filter(phone=PHONE).count() == 1


def test_a_walk_in_and_a_registration_of_one_phone_never_both_pass(world, agents) -> None:  # noqa: ANN001
    for _round in range(3):
        Registration.objects.all().delete()
        Customer.objects.all().delete()
        results = race(
            [
                _register(agents[0], world.s1),
                lambda: customer_create(actor=world.s1a, site=world.s1, data={"name": "乙", "phone": PHONE}),
            ]
        )
        assert sum(isinstance(r, Conflict) for r in results) == 1, results
        assert Registration.objects.count() + Customer.objects.count() == 1
