"""Registrations and agency contracts over the API (api-v1.md "Agencies and channels")."""

from __future__ import annotations

import pytest

from loupan.channels.models import Registration
from loupan.customers.models import Customer
from loupan.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
R = "/api/v1/registrations/"


def _register(api, agent, site, phone="137 0000 1111"):  # noqa: ANN001, ANN202
    return api(agent).post(R, {"site": site.pk, "customer_name": "孙先生", "phone": phone}, format="json")


def test_register_list_and_confirm_over_the_api(ch, api) -> None:
    w = ch.w
    r = _register(api, w.ag1, w.s1)
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["agency"], body["agent"], body["site"], body["status"]) == (
        w.agency.pk,
        w.ag1.pk,
        w.s1.pk,
        "pending",
    )
    assert body["phone"] == "13700001111" and body["protected_until"]
    # The agent and the site's managers read the full phone; site staff see it masked.
    assert api(w.sm1).get(f"{R}{body['id']}/").json()["phone"] == "13700001111"
    assert api(w.s1a).get(f"{R}{body['id']}/").json()["phone"] == "137****1111"
    r = api(w.s1a).post(f"{R}{body['id']}/confirm-visit/", {}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "confirmed"
    customer = Customer.objects.get(pk=r.json()["customer"])
    assert customer.owner == w.ag1 and customer.site == w.s1
    # The agent now reads the customer in full.
    assert api(w.ag1).get(f"/api/v1/customers/{customer.pk}/").json()["phone"] == "13700001111"


def test_conflicts_answer_409_already_protected_with_a_masked_phone_only(ch, api) -> None:
    w = ch.w
    assert _register(api, w.ag1, w.s1).status_code == 201
    r = _register(api, ch.ag2, w.s1, phone="+8613700001111")
    assert r.status_code == 409
    assert r.json()["code"] == "already_protected"
    assert set(r.json()) <= {"code", "detail", "phone"} and r.json()["phone"] == "137****1111"
    assert "赵代理" not in r.content.decode() and "13700001111" not in r.content.decode()
    r = api(w.s1a).post(
        "/api/v1/customers/", {"name": "孙", "phone": "13700001111", "site": w.s1.pk}, format="json"
    )
    assert r.status_code == 409 and r.json()["code"] == "already_protected"
    CustomerFactory(site=w.s1, owner=w.s1b, phone="13700002222")
    r = _register(api, w.ag1, w.s1, phone="13700002222")
    assert (
        r.status_code == 409
        and r.json()["code"] == "already_protected"
        and "李顾问" not in r.content.decode()
    )


def test_who_may_register_confirm_and_reject(ch, api) -> None:
    w = ch.w
    assert _register(api, w.s1a, w.s1).status_code == 403
    assert _register(api, w.sm1, w.s1).status_code == 403
    r = _register(api, w.ag1, w.s2)
    assert r.status_code == 400 and "site" in r.json()
    pk = _register(api, w.ag1, w.s1).json()["id"]
    assert api(w.ag1).post(f"{R}{pk}/confirm-visit/").status_code == 403
    assert api(w.s2a).post(f"{R}{pk}/confirm-visit/").status_code == 404  # not in their scope
    assert api(ch.ag2).get(f"{R}{pk}/").status_code == 404  # another agency's registration
    assert api(w.s1a).post(f"{R}{pk}/reject/").status_code == 403
    r = api(w.sm1).post(f"{R}{pk}/reject/", {"reason": "不是本人"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    r = api(w.sm1).post(f"{R}{pk}/confirm-visit/")
    assert r.status_code == 409 and r.json()["code"] == "registration_not_pending"


def test_the_list_is_a_bounded_query(ch, api, django_assert_max_num_queries) -> None:  # noqa: ANN001
    w = ch.w
    for i in range(12):
        _register(api, w.ag1 if i % 2 else ch.ag2, w.s1, phone=f"1370000{i:04d}")
    client = api(w.sm1)
    client.get(R)
    with django_assert_max_num_queries(8):
        body = client.get(R, {"page_size": 50}).json()
    assert body["count"] == 12 == Registration.objects.count()
    assert api(w.ag1).get(R).json()["count"] == 6


def test_agency_contracts_create_renew_end(ch, api) -> None:
    w = ch.w
    body = {
        "agency": w.agency.pk,
        "start": "2026-01-01",
        "end": None,
        "rate_percent": "1.50",
        "sites": [w.s1.pk],
    }
    assert api(w.cm).post("/api/v1/agency-contracts/", body, format="json").status_code == 403
    r = api(w.admin).post("/api/v1/agency-contracts/", body, format="json")
    assert r.status_code == 409, r.content
    assert r.json()["code"] == "contract_exists"
    assert api(w.cm).get("/api/v1/agency-contracts/").json()["count"] == 2
    assert api(w.sm1).get("/api/v1/agency-contracts/").status_code == 403
    pk = ch.contract2.pk
    r = api(w.admin).post(f"/api/v1/agency-contracts/{pk}/renew/", {"end": "2027-12-31"}, format="json")
    assert r.status_code == 400 and "end" in r.json()  # open-ended: nothing to renew
    r = api(w.admin).post(f"/api/v1/agency-contracts/{pk}/end/", {"reason": "到期"}, format="json")
    assert r.status_code == 200 and r.json() == {"released": 0, "registrations": 0}
    ch.ag2.refresh_from_db()
    assert not ch.ag2.is_active
    assert api(ch.ag2).get(R).status_code == 401
