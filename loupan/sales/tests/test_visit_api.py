"""Visits and the reception rotation through the API: shapes, scope, masking."""

from __future__ import annotations

import pytest

from loupan.customers.tests.factories import CustomerFactory
from loupan.sales import services
from loupan.sales.models import Visit

pytestmark = pytest.mark.django_db

URL = "/api/v1/visits/"


@pytest.fixture
def queue(world):  # noqa: ANN001, ANN201
    for user in (world.s1a, world.s1b):
        services.reception_slot_add(actor=world.sm1, site=world.s1, user=user)


def register(client, site, **data):  # noqa: ANN001, ANN003, ANN201
    return client.post(URL, {"site": site.pk, **data}, format="json")


def test_register_a_new_visitor(world, api, queue):  # noqa: ANN001
    r = register(api(world.sm1), world.s1, phone="138 0000 1111", name="周杰", gender="M", notes="看三房",
                 party_size=2)  # fmt: skip
    assert r.status_code == 201, r.content
    body = r.json()
    assert set(body) == {
        "id", "site", "customer", "customer_name", "phone", "kind", "new_customer", "assigned_to",
        "assigned_name", "assignment", "registered_by", "registered_by_name", "party_size", "notes",
        "occurred_at", "activity",
    }  # fmt: skip
    assert (body["kind"], body["new_customer"], body["assignment"]) == ("visit", True, "rotation")
    assert (body["assigned_to"], body["assigned_name"], body["registered_by"]) == (
        world.s1a.pk,
        "张顾问",
        world.sm1.pk,
    )
    assert (body["customer_name"], body["phone"], body["party_size"]) == ("周杰", "13800001111", 2)
    assert body["occurred_at"].endswith("+08:00")
    got = api(world.s1a).get(f"/api/v1/customers/{body['customer']}/").json()
    assert (got["owner"], got["status"], got["gender"], got["source"]) == (
        world.s1a.pk,
        "visited",
        "M",
        "walk_in",
    )


def test_a_salesperson_at_the_desk_learns_only_who_receives(world, api, queue):  # noqa: ANN001
    CustomerFactory(site=world.s1, owner=world.s1a, phone="13800002222", name="秘密客户", status="visited")
    r = register(api(world.s1b), world.s1, phone="13800002222")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["assigned_to"], body["kind"], body["assignment"]) == (world.s1a.pk, "revisit", "owner")
    assert (body["customer_name"], body["phone"]) == ("", "138****2222")
    assert "秘密客户" not in r.content.decode()
    assert api(world.s1b).get(f"{URL}{body['id']}/").status_code == 404  # not their customer
    assert api(world.s1a).get(f"{URL}{body['id']}/").json()["customer_name"] == "秘密客户"


def test_register_errors(world, api, queue):  # noqa: ANN001
    client = api(world.s1a)
    r = register(client, world.s1, phone="123")
    assert r.status_code == 400 and set(r.json()) == {"phone"}
    r = register(client, world.s1, phone="13800003333")
    assert r.status_code == 400 and set(r.json()) == {"name"}
    assert register(api(world.s2a), world.s1, phone="13800003333", name="李").status_code == 403
    assert register(client, world.s2, phone="13800003333", name="李").status_code == 403
    services.reception_slot_remove(actor=world.sm1, site=world.s1, user=world.s1a)
    services.reception_duty_set(actor=world.sm1, site=world.s1, user=world.s1b, on_duty=False)
    r = register(client, world.s1, phone="13800003333", name="李")
    assert r.status_code == 409 and r.json()["code"] == "no_one_on_duty"
    assert not Visit.objects.exists()


def test_visit_list_filters_and_scope(world, api, queue):  # noqa: ANN001
    a = services.visit_register(actor=world.sm1, site=world.s1, phone="13800004441", name="甲")
    b = services.visit_register(actor=world.sm1, site=world.s1, phone="13800004442", name="乙")
    services.reception_slot_add(actor=world.sm2, site=world.s2, user=world.s2a)
    c = services.visit_register(actor=world.sm2, site=world.s2, phone="13800004443", name="丙")
    ids = lambda r: {row["id"] for row in r.json()["results"]}  # noqa: E731
    assert ids(api(world.cm).get(URL)) == {a.pk, b.pk, c.pk}
    assert ids(api(world.sm1).get(URL)) == {a.pk, b.pk}
    assert ids(api(world.s1a).get(URL)) == {a.pk}
    assert ids(api(world.s1b).get(URL)) == {b.pk}
    assert ids(api(world.cm).get(URL, {"site": world.s2.pk})) == {c.pk}
    assert ids(api(world.cm).get(URL, {"assigned_to": world.s1b.pk})) == {b.pk}
    assert ids(api(world.cm).get(URL, {"date": a.occurred_at.astimezone().date().isoformat()})) >= {a.pk}
    assert ids(api(world.cm).get(URL, {"date": "2001-01-01"})) == set()
    assert api(world.cm).get(URL, {"date": "yesterday"}).status_code == 400
    assert api(world.sm2).get(f"{URL}{a.pk}/").status_code == 404
    assert api(world.sm1).patch(f"{URL}{a.pk}/", {"notes": "x"}, format="json").status_code == 405


def test_reception_state_and_manager_actions(world, api, queue):  # noqa: ANN001
    r = api(world.s1b).get("/api/v1/reception/", {"site": world.s1.pk})
    assert r.status_code == 200
    body = r.json()
    assert (body["next"], body["next_name"], body["last"]) == (world.s1a.pk, "张顾问", None)
    assert [(q["user"], q["position"], q["receiving"]) for q in body["queue"]] == [
        (world.s1a.pk, 1, True), (world.s1b.pk, 2, True)]  # fmt: skip
    assert api(world.s2a).get("/api/v1/reception/", {"site": world.s1.pk}).status_code == 404
    assert api(world.s1a).get("/api/v1/reception/", {"site": "x"}).status_code == 404
    duty = {"site": world.s1.pk, "user": world.s1a.pk, "on_duty": False}
    assert api(world.s1b).post("/api/v1/reception/duty/", duty, format="json").status_code == 403
    assert api(world.sm2).post("/api/v1/reception/duty/", duty, format="json").status_code == 404
    r = api(world.sm1).post("/api/v1/reception/duty/", duty, format="json")
    assert r.status_code == 200 and r.json()["next"] == world.s1b.pk
    order = {"site": world.s1.pk, "users": [world.s1b.pk, world.s1a.pk]}
    r = api(world.sm1).post("/api/v1/reception/order/", order, format="json")
    assert [q["user"] for q in r.json()["queue"]] == [world.s1b.pk, world.s1a.pk]
    bad = {"site": world.s1.pk, "users": [world.s1b.pk]}
    assert api(world.sm1).post("/api/v1/reception/order/", bad, format="json").status_code == 400
