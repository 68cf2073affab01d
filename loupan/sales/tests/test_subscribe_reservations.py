"""The subscribe page (认购) converts a 认筹 reservation: the customer's active ones for the
unit's project are offered (scoped, preselected when there is one), and a reservation of
another customer or project is a field error, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from loupan.core.errors import ValidationFailed
from loupan.core.models import AuditEvent
from loupan.core.testing.clients import client_for
from loupan.sales import services as ds
from loupan.sales.models import Reservation, Subscription

pytestmark = pytest.mark.django_db


def url(unit, **params) -> str:  # noqa: ANN001, ANN003
    query = "&".join(f"{k}={v}" for k, v in {"unit": unit.pk, **params}.items())
    return f"{reverse('sales:subscription_create')}?{query}"


def reserve(world, deals, customer=None, project=None, actor=None) -> Reservation:  # noqa: ANN001
    return ds.reservation_create(
        actor=actor or world.s1a, project=project or deals.p1, customer=customer or deals.c1, deposit="20000"
    )


def option(reservation, selected: bool = False) -> str:  # noqa: ANN001
    return f'<option value="{reservation.pk}"{" selected" if selected else ""}>'


def picker(response) -> str:  # noqa: ANN001
    """The reservation <select> of a page or fragment."""
    body = response.content.decode()
    start = body.index('<select name="reservation"')
    return body[start : body.index("</select>", start)]


def test_the_page_offers_the_customers_active_reservations_of_the_project(world, deals) -> None:  # noqa: ANN001
    mine = reserve(world, deals)  # no. 1 of p1
    other_customer = reserve(world, deals, customer=deals.c2, actor=world.s1b)  # no. 2 of p1
    other_project = reserve(world, deals, project=deals.p2)  # no. 1 of p2
    refunded = reserve(world, deals)  # no. 3 of p1
    ds.reservation_refund(actor=world.sm1, reservation=refunded)
    response = client_for(world.s1a).get(url(deals.units[0], customer=deals.c1.pk))
    assert response.status_code == 200
    select = picker(response)
    assert option(mine, selected=True) in select  # the only one: preselected
    assert "排号 1 · 认筹金 20,000.00" in select  # the queue number and the deposit
    for absent in (other_customer, other_project, refunded):
        assert f'value="{absent.pk}"' not in select
    # Two active reservations: both offered, in queue order, none chosen for the user.
    second = reserve(world, deals)
    select = picker(client_for(world.s1a).get(url(deals.units[0], customer=deals.c1.pk)))
    assert (
        option(mine) in select
        and option(second) in select
        and " selected>" not in select.replace('<option value="" selected>', "")
    )
    assert select.index(option(mine)) < select.index(option(second))


def test_without_a_customer_no_reservation_is_listed(world, deals) -> None:  # noqa: ANN001
    mine = reserve(world, deals)
    response = client_for(world.s1a).get(url(deals.units[0]))
    assert f'value="{mine.pk}"' not in picker(response)
    assert reverse("sales:subscription_reservations") in response.content.decode()  # htmx reloads the field


def test_the_htmx_field_follows_the_customer_within_the_scope(world, deals) -> None:  # noqa: ANN001
    mine = reserve(world, deals)
    theirs = reserve(world, deals, customer=deals.c2, actor=world.s1b)
    endpoint = reverse("sales:subscription_reservations")
    unit = deals.units[0]
    response = client_for(world.s1a).get(
        endpoint, {"unit": unit.pk, "customer": deals.c1.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and option(mine, selected=True) in picker(response)
    assert "<html" not in response.content.decode()  # a fragment
    # Another salesperson's customer: nothing of theirs leaks, whatever the id asked for.
    select = picker(client_for(world.s1a).get(endpoint, {"unit": unit.pk, "customer": deals.c2.pk}))
    assert f'value="{theirs.pk}"' not in select
    # The site manager deals with both customers and sees each one's reservation.
    select = picker(client_for(world.sm1).get(endpoint, {"unit": unit.pk, "customer": deals.c2.pk}))
    assert option(theirs, selected=True) in select and f'value="{mine.pk}"' not in select
    # A unit out of scope: 404, as on the page itself.
    assert (
        client_for(world.s1a).get(endpoint, {"unit": deals.units2[0].pk, "customer": deals.c1.pk}).status_code
        == 404
    )


def test_subscribing_with_a_reservation_converts_it(world, deals) -> None:  # noqa: ANN001
    r = reserve(world, deals)
    unit = deals.units[0]
    client = client_for(world.s1a)
    response = client.post(
        url(unit),
        {
            "unit": unit.pk,
            "customer": deals.c1.pk,
            "reservation": r.pk,
            "price": "1000000",
            "deposit": "50000",
        },
        follow=True,
    )
    assert response.status_code == 200
    sub = Subscription.objects.get(unit=unit)
    assert sub.reservation == r and sub.customer == deals.c1
    r.refresh_from_db()
    assert r.status == "converted"
    assert AuditEvent.objects.filter(action="convert", object_id=r.pk).exists()
    assert "1 号认筹已转认购" in response.content.decode()  # the success message names the queue number
    detail = client.get(reverse("sales:subscription_detail", args=[sub.pk])).content.decode()
    assert "排号 1" in detail
    # Converted: not offered for the next unit any more.
    assert f'value="{r.pk}"' not in picker(client.get(url(deals.units[1], customer=deals.c1.pk)))


def test_subscribing_without_a_reservation_leaves_them_alone(world, deals) -> None:  # noqa: ANN001
    r = reserve(world, deals)
    unit = deals.units[0]
    response = client_for(world.s1a).post(
        url(unit),
        {"unit": unit.pk, "customer": deals.c1.pk, "reservation": "", "price": "1000000", "deposit": "0"},
    )
    assert response.status_code == 302 and Subscription.objects.get(unit=unit).reservation is None
    r.refresh_from_db()
    assert r.status == "active"


@pytest.mark.parametrize("whose", ["other_customer", "other_project", "refunded", "unknown"])
def test_a_foreign_reservation_is_a_field_error(world, deals, whose) -> None:  # noqa: ANN001
    reservations = {
        "other_customer": lambda: reserve(world, deals, customer=deals.c2, actor=world.s1b),
        "other_project": lambda: reserve(world, deals, project=deals.p2),
        "refunded": lambda: ds.reservation_refund(actor=world.sm1, reservation=reserve(world, deals)),
    }
    pk = reservations[whose]().pk if whose in reservations else 999999
    unit = deals.units[0]
    # The manager sees every reservation of the site, and still cannot mix them up.
    response = client_for(world.sm1).post(
        url(unit),
        {"unit": unit.pk, "customer": deals.c1.pk, "reservation": pk, "price": "1000000", "deposit": "0"},
    )
    assert response.status_code == 200
    assert "reservation" in response.context["form"].errors
    assert "请选择该客户在本项目的有效认筹" in response.content.decode()
    assert not Subscription.objects.exists()
    unit.refresh_from_db()
    assert unit.status == "available"


def test_the_service_refuses_a_reservation_of_another_project(world, deals) -> None:  # noqa: ANN001
    r = reserve(world, deals, project=deals.p2)
    with pytest.raises(ValidationFailed) as exc:
        ds.subscription_create(actor=world.s1a, unit=deals.units[0], customer=deals.c1, reservation=r)
    assert "reservation" in exc.value.errors
    assert not Subscription.objects.exists()
    r.refresh_from_db()
    assert r.status == "active"


def test_the_no_js_button_shows_the_reservations_without_subscribing(world, deals) -> None:  # noqa: ANN001
    r = reserve(world, deals)
    unit = deals.units[0]
    response = client_for(world.s1a).post(
        url(unit),
        {"unit": unit.pk, "customer": deals.c1.pk, "price": "990000", "deposit": "1", "refresh": "1"},
    )
    assert response.status_code == 200 and not Subscription.objects.exists()
    assert option(r, selected=True) in picker(response) and 'value="990000"' in response.content.decode()
    assert not response.context["form"].errors
