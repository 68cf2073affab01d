"""Deals API (api-v1.md "Deals"): status codes, payloads and the customer's data scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from loupan.inventory.models import Unit
from loupan.sales.models import Contract, Payment, Reservation, Subscription

pytestmark = pytest.mark.django_db

API = "/api/v1"


def subscribe(client, unit, customer, **extra):  # noqa: ANN001, ANN003, ANN201
    return client.post(
        f"{API}/subscriptions/",
        {"unit": unit.pk, "customer": customer.pk, "deposit": "50000", **extra},
        format="json",
    )


def contract(client, sub_id, **extra):  # noqa: ANN001, ANN003, ANN201
    return client.post(
        f"{API}/contracts/", {"subscription": sub_id, "payment_method": "full", **extra}, format="json"
    )


def test_reservation_gets_the_next_queue_number(world, deals, api):  # noqa: ANN001
    client = api(world.s1a)
    r1 = client.post(
        f"{API}/reservations/", {"project": deals.p1.pk, "customer": deals.c1.pk, "deposit": "20000"}
    )
    r2 = client.post(
        f"{API}/reservations/", {"project": deals.p1.pk, "customer": deals.c1.pk, "deposit": "20000"}
    )
    assert r1.status_code == 201, r1.json()
    assert (r1.json()["queue_number"], r2.json()["queue_number"]) == (1, 2)
    assert r1.json()["deposit"] == "20000.00" and r1.json()["status"] == "active"
    bad = client.post(
        f"{API}/reservations/", {"project": deals.p1.pk, "customer": deals.c1.pk, "deposit": "0"}
    )
    assert bad.status_code == 400 and "deposit" in bad.json()
    assert client.post(f"{API}/reservations/{r1.json()['id']}/refund/").status_code == 403
    refund = api(world.sm1).post(f"{API}/reservations/{r1.json()['id']}/refund/", {"reason": "退款"})
    assert refund.status_code == 200 and refund.json()["status"] == "refunded"


def test_subscription_create_and_conflict(world, deals, api):  # noqa: ANN001
    unit = deals.units[0]
    r = subscribe(api(world.s1a), unit, deals.c1)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["price"] == "1000000.00" and body["status"] == "active" and body["unit"] == unit.pk
    assert {"id", "unit", "customer", "price", "deposit", "status", "created_at"} <= set(body)
    second = subscribe(api(world.s1b), unit, deals.c2)
    assert second.status_code == 409
    assert second.json()["code"] == "unit_unavailable"
    Unit.objects.filter(pk=deals.units[1].pk).update(status="held")
    held = subscribe(api(world.s1a), deals.units[1], deals.c1)
    assert held.status_code == 409 and held.json()["code"] == "unit_unavailable"


def test_subscription_validation_and_permissions(world, deals, api):  # noqa: ANN001
    unit = deals.units[0]
    r = subscribe(api(world.s1a), unit, deals.c1, deposit="-1")
    assert r.status_code == 400 and "deposit" in r.json()
    past = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    assert "sign_deadline" in subscribe(api(world.s1a), unit, deals.c1, sign_deadline=past).json()
    # A customer outside the caller's scope does not exist for them.
    r = subscribe(api(world.s1b), unit, deals.c1)
    assert r.status_code == 400 and "customer" in r.json()
    # A unit of a project not sold at the caller's sites neither.
    r = subscribe(api(world.s1a), deals.units2[0], deals.c1)
    assert r.status_code == 400 and "unit" in r.json()
    assert not Subscription.objects.exists()


def test_cancel_subscription(world, deals, api):  # noqa: ANN001
    sub_id = subscribe(api(world.s1a), deals.units[0], deals.c1).json()["id"]
    assert api(world.s1a).post(f"{API}/subscriptions/{sub_id}/cancel/").status_code == 403
    assert api(world.sm2).post(f"{API}/subscriptions/{sub_id}/cancel/").status_code == 404
    r = api(world.sm1).post(f"{API}/subscriptions/{sub_id}/cancel/", {"reason": "客户放弃"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert Unit.objects.get(pk=deals.units[0].pk).status == "available"
    again = api(world.sm1).post(f"{API}/subscriptions/{sub_id}/cancel/")
    assert again.status_code == 409 and again.json()["code"] == "subscription_not_active"


def test_contract_with_schedule_approval_payments_and_handover(world, deals, api):  # noqa: ANN001
    client = api(world.s1a)
    sub_id = subscribe(client, deals.units[0], deals.c1).json()["id"]
    r = contract(client, sub_id, price="950000.00", payment_method="mortgage")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["status"] == "pending_approval" and body["discount_percent"] == "5.00"
    assert body["unit"] == deals.units[0].pk and body["customer"] == deals.c1.pk
    assert [(i["amount"]) for i in body["schedule"]] == ["285000.00", "665000.00"]
    cid = body["id"]
    assert client.post(f"{API}/contracts/{cid}/approve/").status_code == 403
    assert api(world.sm2).post(f"{API}/contracts/{cid}/approve/").status_code == 404
    approved = api(world.sm1).post(f"{API}/contracts/{cid}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "active"
    pay = client.post(f"{API}/payments/", {"contract": cid, "amount": "285000", "method": "transfer"})
    assert pay.status_code == 201 and pay.json()["amount"] == "285000.00"
    assert client.post(f"{API}/contracts/{cid}/handover/").status_code == 403
    early = api(world.sm1).post(f"{API}/contracts/{cid}/handover/")
    assert early.status_code == 409 and early.json()["code"] == "not_paid"
    client.post(f"{API}/payments/", {"contract": cid, "amount": "665000", "method": "mortgage_loan"})
    rec = client.get(f"{API}/contracts/{cid}/receivables/").json()
    assert (rec["paid"], rec["outstanding"]) == ("950000.00", "0.00")
    done = api(world.sm1).post(f"{API}/contracts/{cid}/handover/")
    assert done.status_code == 200
    assert Unit.objects.get(pk=deals.units[0].pk).status == "handed_over"
    customer = client.get(f"{API}/customers/{deals.c1.pk}/").json()
    assert customer["status"] == "owner"


def test_contract_given_schedule_must_add_up(world, deals, api):  # noqa: ANN001
    client = api(world.s1a)
    sub_id = subscribe(client, deals.units[0], deals.c1).json()["id"]
    bad = contract(
        client, sub_id, payment_method="installment", schedule=[{"due_date": "2027-01-01", "amount": "1"}]
    )
    assert bad.status_code == 400 and "schedule" in bad.json()
    good = contract(
        client, sub_id, payment_method="installment",
        schedule=[{"due_date": "2027-01-01", "amount": "400000"}, {"due_date": "2027-06-01", "amount": "600000"}],
    )  # fmt: skip
    assert good.status_code == 201, good.json()
    assert [i["due_date"] for i in good.json()["schedule"]] == ["2027-01-01", "2027-06-01"]
    assert good.json()["status"] == "active"


def test_payments_refuse_overpayment_and_bad_amounts(world, deals, api):  # noqa: ANN001
    client = api(world.s1a)
    sub_id = subscribe(client, deals.units[0], deals.c1).json()["id"]
    cid = contract(client, sub_id).json()["id"]
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    for payload, field in (
        ({"amount": "1000000.01"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "10", "received_at": future}, "received_at"),
        ({"amount": "10", "method": "bitcoin"}, "method"),
    ):
        r = client.post(f"{API}/payments/", {"contract": cid, "method": "cash", **payload}, format="json")
        assert r.status_code == 400, payload
        assert field in r.json(), r.json()
    assert not Payment.objects.exists()


def test_payment_idempotency_key(world, deals, api):  # noqa: ANN001
    client = api(world.s1a)
    sub_id = subscribe(client, deals.units[0], deals.c1).json()["id"]
    cid = contract(client, sub_id).json()["id"]
    payload = {"contract": cid, "amount": "1000", "method": "card"}
    first = client.post(f"{API}/payments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-42")
    again = client.post(f"{API}/payments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-42")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == 1


def test_contract_cancel(world, deals, api):  # noqa: ANN001
    client = api(world.s1a)
    sub_id = subscribe(client, deals.units[0], deals.c1).json()["id"]
    cid = contract(client, sub_id).json()["id"]
    client.post(f"{API}/payments/", {"contract": cid, "amount": "100000", "method": "transfer"})
    assert client.post(f"{API}/contracts/{cid}/cancel/").status_code == 403
    r = api(world.sm1).post(f"{API}/contracts/{cid}/cancel/", {"reason": "退房"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert Payment.objects.filter(contract_id=cid).count() == 1
    assert Unit.objects.get(pk=deals.units[0].pk).status == "available"
    assert client.get(f"{API}/customers/{deals.c1.pk}/").json()["status"] == "visited"


def test_change_of_unit_endpoints(world, deals, api):  # noqa: ANN001
    client = api(world.s1a)
    sub_id = subscribe(client, deals.units[0], deals.c1).json()["id"]
    assert (
        client.post(f"{API}/subscriptions/{sub_id}/change-unit/", {"unit": deals.units[1].pk}).status_code
        == 403
    )
    r = api(world.sm1).post(f"{API}/subscriptions/{sub_id}/change-unit/", {"unit": deals.units[1].pk})
    assert r.status_code == 201 and r.json()["unit"] == deals.units[1].pk
    cid = contract(client, r.json()["id"]).json()["id"]
    moved = api(world.sm1).post(f"{API}/contracts/{cid}/change-unit/", {"unit": deals.units[2].pk})
    assert moved.status_code == 201 and moved.json()["unit"] == deals.units[2].pk
    assert Contract.objects.get(pk=cid).status == "cancelled"


def test_deals_follow_the_customer_scope(world, deals, api):  # noqa: ANN001
    client = api(world.s1a)
    resv = client.post(
        f"{API}/reservations/", {"project": deals.p1.pk, "customer": deals.c1.pk, "deposit": "1"}
    )
    sub_id = subscribe(client, deals.units[0], deals.c1).json()["id"]
    cid = contract(client, sub_id).json()["id"]
    pid = client.post(f"{API}/payments/", {"contract": cid, "amount": "10", "method": "cash"}).json()["id"]
    paths = {
        "reservations": resv.json()["id"], "subscriptions": sub_id, "contracts": cid, "payments": pid,
    }  # fmt: skip
    for user, visible in ((world.s1a, True), (world.sm1, True), (world.cm, True), (world.admin, True),
                          (world.s1b, False), (world.s2a, False), (world.sm2, False), (world.ag1, False)):  # fmt: skip
        for name, pk in paths.items():
            detail = api(user).get(f"{API}/{name}/{pk}/")
            listed = api(user).get(f"{API}/{name}/").json()["count"]
            assert detail.status_code == (200 if visible else 404), (user.username, name)
            assert listed == (1 if visible else 0), (user.username, name)
    # Actions on out-of-scope deals are 404, never 403.
    assert api(world.sm2).post(f"{API}/contracts/{cid}/cancel/").status_code == 404
    assert api(world.s1b).post(f"{API}/contracts/{cid}/handover/").status_code == 404
    r = api(world.s1b).post(f"{API}/payments/", {"contract": cid, "amount": "10", "method": "cash"})
    assert r.status_code == 400 and "contract" in r.json()
    assert Payment.objects.count() == 1
    assert Reservation.objects.count() == 1


def test_no_token_is_401(api):  # noqa: ANN001
    for name in ("reservations", "subscriptions", "contracts", "payments"):
        assert api().get(f"{API}/{name}/").status_code == 401


def test_money_is_decimal_strings(world, deals, api):  # noqa: ANN001
    client = api(world.s1a)
    sub = subscribe(client, deals.units[0], deals.c1, price="999999.5").json()
    assert sub["price"] == "999999.50" and Decimal(sub["deposit"]) == Decimal("50000")
