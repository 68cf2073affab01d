"""The buyer's 老带新 referral on the contract and subscription pages: referrer masked, reward and
its status, a link to the referrals page; only for viewers who may see the referral (channels'
``buyer_referral`` selector), and one query whatever the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loupan.channels import selectors as channel_selectors
from loupan.channels import services as channels
from loupan.core.testing.clients import client_for
from loupan.customers.tests.factories import CustomerFactory
from loupan.sales import services as ds

pytestmark = pytest.mark.django_db

OWNER_PHONE = "13900009999"


def sign(world, deals, unit, customer, actor):  # noqa: ANN001, ANN201
    sub = ds.subscription_create(actor=actor, unit=unit, customer=customer, deposit="1")
    return ds.contract_create(actor=actor, subscription=sub, payment_method="full")


@pytest.fixture
def referred(world, deals):  # noqa: ANN001, ANN201
    """c1 (s1a's) signed for units[0] after an owner of site s2 referred them; c2 (s1b's) signed
    for units[1] with no referral."""
    owner = CustomerFactory(site=world.s2, owner=world.s2a, status="owner", phone=OWNER_PHONE, name="老业主")
    contract = sign(world, deals, deals.units[0], deals.c1, world.s1a)
    referral = channels.referral_create(
        actor=world.s1a,
        referred=deals.c1,
        referrer_phone=OWNER_PHONE,
        reward="物业费一年",
        reward_value="5000",
    )
    plain = sign(world, deals, deals.units[1], deals.c2, world.s1b)
    return {"owner": owner, "contract": contract, "referral": referral, "plain": plain}


def contract_page(user, contract) -> str:  # noqa: ANN001
    response = client_for(user).get(reverse("sales:contract_detail", args=[contract.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_contract_page_shows_the_buyers_referral(world, deals, referred) -> None:  # noqa: ANN001
    assert referred["referral"].contract == referred["contract"]
    for viewer in (world.s1a, world.sm1, world.cm, world.admin):
        body = contract_page(viewer, referred["contract"])
        assert 'class="card buyer-referral"' in body, viewer
        assert "老业主" in body and "139****9999" in body and OWNER_PHONE not in body  # masked
        assert "物业费一年" in body and "5,000.00" in body and "待发放" in body
        assert "本合同" in body  # the referral is recorded on this contract
        assert f'href="{reverse("channels:referrals")}"' in body


def test_the_subscription_page_shows_it_too(world, deals, referred) -> None:  # noqa: ANN001
    sub = referred["contract"].subscription
    body = client_for(world.sm1).get(reverse("sales:subscription_detail", args=[sub.pk])).content.decode()
    assert 'class="card buyer-referral"' in body and "139****9999" in body and "本合同" in body


def test_a_referral_before_the_contract_is_shown_as_not_recorded(world, deals) -> None:  # noqa: ANN001
    CustomerFactory(site=world.s2, owner=world.s2a, status="owner", phone=OWNER_PHONE, name="老业主")
    channels.referral_create(actor=world.s1a, referred=deals.c1, referrer_phone=OWNER_PHONE)
    sub = ds.subscription_create(actor=world.s1a, unit=deals.units[0], customer=deals.c1, deposit="1")
    body = client_for(world.s1a).get(reverse("sales:subscription_detail", args=[sub.pk])).content.decode()
    assert 'class="card buyer-referral"' in body and "尚未登记" in body


def test_no_referral_no_section(world, deals, referred) -> None:  # noqa: ANN001
    for viewer in (world.s1b, world.sm1):
        assert "buyer-referral" not in contract_page(viewer, referred["plain"])


def test_only_viewers_who_may_see_the_referral_get_it(world, deals, referred) -> None:  # noqa: ANN001
    """The selector answers through ``Referral.objects.visible_to``: the referred owner's own
    salesperson (s2a, who sees the referrer) does not see the buyer's referral, nor do other
    salespeople, agents or another site's manager; the contract page is a 404 for them."""
    c1 = deals.c1
    for insider in (world.s1a, world.sm1, world.cm, world.admin):
        found = channel_selectors.buyer_referral(user=insider, customer=c1)
        assert found is not None and found.referrer_phone == "139****9999", insider
    for outsider in (world.s1b, world.s2a, world.sm2, world.ag1):
        assert channel_selectors.buyer_referral(user=outsider, customer=c1) is None, outsider
        url = reverse("sales:contract_detail", args=[referred["contract"].pk])
        assert client_for(outsider).get(url).status_code == 404
    # Nobody's page shows another buyer's referral.
    assert channel_selectors.buyer_referral(user=world.admin, customer=deals.c2) is None


def test_the_contract_page_adds_one_query_for_the_referral(world, deals, referred, monkeypatch) -> None:  # noqa: ANN001
    """With or without a referral: the same number of queries, exactly one more than the page
    without the referral section (the selector's single query)."""
    client = client_for(world.sm1)

    def count(contract) -> int:  # noqa: ANN001
        url = reverse("sales:contract_detail", args=[contract.pk])
        client.get(url)  # warm the caches (session, scope)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    with_referral, without = count(referred["contract"]), count(referred["plain"])
    assert with_referral == without
    monkeypatch.setattr(channel_selectors, "buyer_referral", lambda **kwargs: None)
    assert count(referred["contract"]) == with_referral - 1
