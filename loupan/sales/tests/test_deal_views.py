"""Deal pages: subscribe a unit, the subscription list, cancel; scoped and in Chinese."""

from __future__ import annotations

import pytest
from django.urls import reverse

from loupan.core.testing.clients import client_for
from loupan.inventory.models import Unit
from loupan.sales import services as ds
from loupan.sales.models import Subscription

pytestmark = pytest.mark.django_db


def url(unit) -> str:  # noqa: ANN001
    return f"{reverse('sales:subscription_create')}?unit={unit.pk}"


def test_subscribe_page_offers_only_the_users_customers(world, deals) -> None:  # noqa: ANN001
    response = client_for(world.s1a).get(url(deals.units[0]))
    assert response.status_code == 200
    body = response.content.decode()
    assert deals.c1.name in body and f'value="{deals.c1.pk}"' in body
    assert f'value="{deals.c2.pk}"' not in body and f'value="{deals.c3.pk}"' not in body
    assert "认购" in body or "Subscribe" in body


def test_subscribe_through_the_page(world, deals) -> None:  # noqa: ANN001
    unit = deals.units[0]
    response = client_for(world.s1a).post(
        url(unit), {"customer": deals.c1.pk, "price": "1000000.00", "deposit": "50000", "sign_deadline": ""}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "customers:detail", args=[deals.c1.pk]
    )
    unit.refresh_from_db()
    assert unit.status == "subscribed" and Subscription.objects.get().customer == deals.c1
    # The second attempt shows the conflict on the page and changes nothing.
    again = client_for(world.s1b).post(
        url(unit), {"customer": deals.c2.pk, "price": "1000000", "deposit": "1"}
    )
    assert again.status_code == 200 and Subscription.objects.count() == 1


def test_customer_of_someone_else_is_refused(world, deals) -> None:  # noqa: ANN001
    response = client_for(world.s1b).post(
        url(deals.units[0]), {"customer": deals.c1.pk, "price": "1", "deposit": "0"}
    )
    assert response.status_code == 200 and "customer" in response.context["form"].errors
    assert not Subscription.objects.exists()


def test_units_outside_the_scope_are_404(world, deals) -> None:  # noqa: ANN001
    assert client_for(world.s1a).get(url(deals.units2[0])).status_code == 404
    assert client_for(world.s1a).get(reverse("sales:subscription_create")).status_code == 404


def test_deal_list_and_cancel(world, deals) -> None:  # noqa: ANN001
    sub = ds.subscription_create(actor=world.s1a, unit=deals.units[0], customer=deals.c1, deposit="1")
    assert deals.c1.name in client_for(world.s1a).get(reverse("sales:deal_list")).content.decode()
    assert deals.c1.name not in client_for(world.s1b).get(reverse("sales:deal_list")).content.decode()
    assert client_for(world.sm1).get(reverse("sales:deal_list"), {"overdue": "1"}).status_code == 200
    cancel = reverse("sales:subscription_cancel", args=[sub.pk])
    assert client_for(world.s1a).post(cancel).status_code == 403
    assert client_for(world.sm2).post(cancel).status_code == 404
    assert client_for(world.sm1).post(cancel).status_code == 302
    assert Unit.objects.get(pk=deals.units[0].pk).status == "available"


def test_sign_a_contract_and_approve_the_discount_from_the_pages(world, deals) -> None:  # noqa: ANN001
    sub = ds.subscription_create(actor=world.s1a, unit=deals.units[0], customer=deals.c1, deposit="1")
    page = reverse("sales:contract_create", args=[sub.pk])
    assert client_for(world.s1a).get(page).status_code == 200
    assert client_for(world.s1b).get(page).status_code == 404
    bad = client_for(world.s1a).post(
        page, {"price": "900000", "payment_method": "installment", "installments": "1"}
    )
    assert bad.status_code == 200 and "installments" in bad.context["form"].errors
    done = client_for(world.s1a).post(page, {"price": "900000", "payment_method": "mortgage"})
    assert done.status_code == 302
    contract = sub.contract
    assert contract.status == "pending_approval" and contract.schedule.count() == 2
    body = client_for(world.sm1).get(reverse("sales:deal_list")).content.decode()
    approve = reverse("sales:contract_approve", args=[contract.pk])
    assert approve in body
    assert approve not in client_for(world.s1a).get(reverse("sales:deal_list")).content.decode()
    assert client_for(world.s1a).post(approve).status_code == 403
    assert client_for(world.sm1).post(approve).status_code == 302
    contract.refresh_from_db()
    assert contract.status == "active"
    assert Unit.objects.get(pk=deals.units[0].pk).status == "contracted"
