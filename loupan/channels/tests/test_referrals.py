"""老带新: an owner refers a buyer; the referral is recorded on the deal; the reward is tracked."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from loupan.channels import services
from loupan.core.errors import Conflict, NotAllowed, ValidationFailed
from loupan.customers.tests.factories import CustomerFactory
from loupan.inventory.tests.factories import ProjectFactory, link, make_building
from loupan.sales import services as deals

pytestmark = pytest.mark.django_db


@pytest.fixture
def rf(world) -> SimpleNamespace:  # noqa: ANN001
    project = ProjectFactory()
    link(world.s1, project)
    unit = make_building(project, 1, 1).units.get()
    owner = CustomerFactory(
        site=world.s2, owner=world.s2a, status="owner", phone="13900009999", name="老业主"
    )
    buyer = CustomerFactory(site=world.s1, owner=world.s1a, status="visited", phone="13900001111")
    return SimpleNamespace(w=world, unit=unit, owner=owner, buyer=buyer)


def _sign(rf: SimpleNamespace):  # noqa: ANN202
    sub = deals.subscription_create(actor=rf.w.sm1, unit=rf.unit, customer=rf.buyer)
    return deals.contract_create(actor=rf.w.sm1, subscription=sub, payment_method="full")


def test_an_owner_refers_a_buyer_and_the_reward_follows_the_deal(rf) -> None:
    w = rf.w
    referral = services.referral_create(
        actor=w.s1a,
        referred=rf.buyer,
        referrer_phone="139-0000-9999",
        reward="物业费一年",
        reward_value="5000",
    )
    assert (referral.referrer, referral.contract, referral.reward_status) == (rf.owner, None, "pending")
    with pytest.raises(Conflict) as exc:
        services.referral_reward_grant(actor=w.sm1, referral=referral)
    assert exc.value.code == "no_deal"
    contract = _sign(rf)
    referral = services.referral_record_deal(actor=w.s1a, referral=referral)
    assert referral.contract == contract
    with pytest.raises(NotAllowed):
        services.referral_reward_grant(actor=w.s1a, referral=referral)
    referral = services.referral_reward_grant(actor=w.sm1, referral=referral)
    assert (referral.reward_status, referral.granted_by, referral.reward_value) == (
        "granted",
        w.sm1,
        Decimal("5000"),
    )
    with pytest.raises(Conflict):
        services.referral_reward_cancel(actor=w.sm1, referral=referral)


def test_the_deal_is_recorded_at_once_when_the_buyer_has_signed(rf) -> None:
    contract = _sign(rf)
    referral = services.referral_create(actor=rf.w.sm1, referred=rf.buyer, referrer_phone="13900009999")
    assert referral.contract == contract
    with pytest.raises(Conflict) as exc:
        services.referral_create(actor=rf.w.sm1, referred=rf.buyer, referrer_phone="13900009999")
    assert exc.value.code == "already_referred"


def test_refused_referrals(rf) -> None:
    w = rf.w
    with pytest.raises(ValidationFailed) as exc:
        services.referral_create(actor=w.s1a, referred=rf.buyer, referrer_phone="13900001111")  # not an owner
    assert "referrer_phone" in exc.value.errors
    with pytest.raises(NotAllowed):
        services.referral_create(actor=w.s1b, referred=rf.buyer, referrer_phone="13900009999")


def test_referrals_api_follows_the_buyer_scope(rf, api) -> None:  # noqa: ANN001
    w = rf.w
    r = api(w.s1a).post(
        "/api/v1/referrals/",
        {"referred": rf.buyer.pk, "referrer_phone": "13900009999", "reward": "积分"},
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["referrer_phone_masked"] == "139****9999" and "13900009999" not in r.content.decode()
    pk = body["id"]
    assert api(w.s1b).get(f"/api/v1/referrals/{pk}/").status_code == 404
    assert api(w.sm2).get("/api/v1/referrals/").json()["count"] == 0
    assert api(w.sm1).get("/api/v1/referrals/").json()["count"] == 1
    r = api(w.s2a).post(
        "/api/v1/referrals/", {"referred": rf.buyer.pk, "referrer_phone": "13900009999"}, format="json"
    )
    assert r.status_code == 400 and "referred" in r.json()  # a buyer out of scope does not exist
    assert api(w.sm1).post(f"/api/v1/referrals/{pk}/grant/").status_code == 409
    _sign(rf)
    assert api(w.s1a).post(f"/api/v1/referrals/{pk}/record-deal/").json()["contract"]
    r = api(w.sm1).post(f"/api/v1/referrals/{pk}/grant/")
    assert r.status_code == 200 and r.json()["reward_status"] == "granted"
