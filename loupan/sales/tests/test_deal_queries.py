"""Deal lists are bounded queries: the same number of queries for 2 and for 12 deals."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loupan.sales import services as ds
from loupan.sales.tests.conftest import make_units

pytestmark = pytest.mark.django_db

LISTS = ["reservations", "subscriptions", "contracts", "payments"]


def add_deals(world, deals, units) -> None:  # noqa: ANN001
    for unit in units:
        ds.reservation_create(actor=world.s1a, project=deals.p1, customer=deals.c1, deposit="1000")
        sub = ds.subscription_create(actor=world.s1a, unit=unit, customer=deals.c1, deposit="1000")
        contract = ds.contract_create(actor=world.s1a, subscription=sub, payment_method="installment")
        ds.payment_record(actor=world.s1a, contract=contract, amount="100", method="cash")


def count_queries(client, name: str) -> int:  # noqa: ANN001
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/api/v1/{name}/").status_code == 200
    return len(ctx.captured_queries)


def test_deal_lists_have_constant_query_counts(world, deals, api) -> None:  # noqa: ANN001
    from loupan.inventory.models import Building

    client = api(world.sm1)
    add_deals(world, deals, deals.units[:2])
    few = {name: count_queries(client, name) for name in LISTS}
    more = make_units(
        Building.objects.create(project=deals.p1, name="2号楼", floors=5), 5, 2, deals.units[0].total_price
    )
    add_deals(world, deals, more)
    for name in LISTS:
        assert count_queries(client, name) == few[name], name
