"""The deals section of a customer's page (reservations, subscriptions, contracts with paid
and outstanding, handover) with actions per rights, in a constant number of queries; and a
matrix of every role over every deal page (deals follow their customer's scope)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from loupan.core.testing.clients import client_for
from loupan.inventory.models import Building
from loupan.sales import services as ds
from loupan.sales.tests.conftest import make_units

pytestmark = pytest.mark.django_db


def customer_url(customer) -> str:  # noqa: ANN001
    return reverse("customers:detail", args=[customer.pk])


def full_deal(world, deals, unit, customer=None, paid="1000000", handover=False):  # noqa: ANN001, ANN201
    customer = customer or deals.c1
    actor = world.s1a if customer.site_id == world.s1.pk else world.s2a
    manager = world.sm1 if customer.site_id == world.s1.pk else world.sm2
    project = unit.project
    reservation = ds.reservation_create(actor=actor, project=project, customer=customer, deposit="10000")
    sub = ds.subscription_create(actor=actor, unit=unit, customer=customer, deposit="50000")
    contract = ds.contract_create(actor=actor, subscription=sub, payment_method="full")
    if paid:
        ds.payment_record(actor=actor, contract=contract, amount=paid, method="transfer")
    if handover:
        ds.handover(actor=manager, contract=contract)
    return reservation, sub, contract


def test_the_customer_page_lists_the_deals_with_paid_and_outstanding(world, deals) -> None:  # noqa: ANN001
    r, sub, contract = full_deal(world, deals, deals.units[0], paid="400000")
    response = client_for(world.s1a).get(customer_url(deals.c1))
    body = response.content.decode()
    assert 'id="deals"' in body
    assert reverse("sales:subscription_detail", args=[sub.pk]) in body
    assert reverse("sales:contract_detail", args=[contract.pk]) in body
    assert "400,000.00" in body and "600,000.00" in body  # paid, outstanding
    assert deals.p1.name in body and "10,000.00" in body
    # Sales may start a reservation but not refund one.
    assert f"{reverse('sales:reservation_create')}?customer={deals.c1.pk}" in body
    assert reverse("sales:reservation_refund", args=[r.pk]) not in body
    manager = client_for(world.sm1).get(customer_url(deals.c1)).content.decode()
    assert reverse("sales:reservation_refund", args=[r.pk]) in manager


def test_handover_shows_on_the_customer_page(world, deals) -> None:  # noqa: ANN001
    full_deal(world, deals, deals.units[0], handover=True)
    body = client_for(world.sm1).get(customer_url(deals.c1)).content.decode()
    assert "tag-handed_over" in body


def test_no_deal_actions_for_a_customer_of_someone_else(world, deals) -> None:  # noqa: ANN001
    # s1b cannot see c1 at all; a pool customer seen by s1b offers no deal creation.
    assert client_for(world.s1b).get(customer_url(deals.c1)).status_code == 404
    from loupan.customers.tests.factories import CustomerFactory

    pooled = CustomerFactory(site=world.s1, owner=None, in_pool=True)
    response = client_for(world.s1b).get(customer_url(pooled))
    assert response.status_code == 200
    assert reverse("sales:reservation_create") not in response.content.decode()


def test_the_customer_page_keeps_a_constant_query_count(world, deals, django_assert_max_num_queries) -> None:  # noqa: ANN001
    full_deal(world, deals, deals.units[0])
    client = client_for(world.sm1)
    client.get(customer_url(deals.c1))
    with django_assert_max_num_queries(40) as few:
        client.get(customer_url(deals.c1))
    building = Building.objects.create(project=deals.p1, name="9号楼", floors=4)
    for i, unit in enumerate(make_units(building, 4, 2, Decimal("1000000.00"))):
        full_deal(world, deals, unit, paid="1000000" if i % 2 else "5000", handover=bool(i % 2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(customer_url(deals.c1))
    assert response.content.decode().count('href="/deals/contracts/') == 9


# --- every role over every deal page --------------------------------------------------------------

ROLES = ["admin", "cm", "sm1", "sm2", "s1a", "s1b", "s2a", "ag1"]
SEES_C1 = {"admin", "cm", "sm1", "s1a"}
SEES_C3 = {"admin", "cm", "sm2", "s2a"}
MANAGES_C1 = {"admin", "cm", "sm1"}
MANAGES_C3 = {"admin", "cm", "sm2"}


@pytest.fixture
def two_deals(world, deals):  # noqa: ANN001, ANN201
    one = full_deal(world, deals, deals.units[0], paid="5000")
    three = full_deal(world, deals, deals.units2[0], customer=deals.c3, paid="5000")
    sub1 = ds.subscription_create(actor=world.s1a, unit=deals.units[1], customer=deals.c1, deposit="1")
    sub3 = ds.subscription_create(actor=world.s2a, unit=deals.units2[1], customer=deals.c3, deposit="1")
    return {"c1": (*one, sub1), "c3": (*three, sub3)}


@pytest.mark.parametrize("role", ROLES)
def test_deal_page_matrix(world, deals, two_deals, role) -> None:  # noqa: ANN001
    client = client_for(getattr(world, role))
    for key, sees, manages in (("c1", SEES_C1, MANAGES_C1), ("c3", SEES_C3, MANAGES_C3)):
        r, sub, contract, open_sub = two_deals[key]
        visible = role in sees
        pages = {
            "subscription": reverse("sales:subscription_detail", args=[sub.pk]),
            "contract": reverse("sales:contract_detail", args=[contract.pk]),
        }
        for name, url in pages.items():
            assert client.get(url).status_code == (200 if visible else 404), (role, key, name)
        change = client.get(reverse("sales:subscription_change_unit", args=[open_sub.pk])).status_code
        assert change == (200 if role in manages else 403 if visible else 404), (role, key)
        contract_change = client.get(reverse("sales:contract_change_unit", args=[contract.pk])).status_code
        assert contract_change == (200 if role in manages else 403 if visible else 404), (role, key)
        lists = {
            "deals": {row["s"].pk for row in client.get(reverse("sales:deal_list")).context["rows"]},
            "reservations": {
                row["r"].pk for row in client.get(reverse("sales:reservation_list")).context["rows"]
            },
        }
        assert (sub.pk in lists["deals"]) is visible, (role, key)
        assert (open_sub.pk in lists["deals"]) is visible, (role, key)
        assert (r.pk in lists["reservations"]) is visible, (role, key)
