"""Activities API and the audit history of a customer (api-v1.md "Activities", "Audit")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from loupan.customers.models import Customer
from loupan.customers.tests.factories import CustomerFactory
from loupan.sales.models import Activity

pytestmark = pytest.mark.django_db

URL = "/api/v1/activities/"


def follow_up(client, customer, **data):  # noqa: ANN001, ANN003, ANN201
    return client.post(URL, {"customer": customer.pk, "kind": "call", **data}, format="json")


def test_create_on_own_customer(world, api):  # noqa: ANN001
    c = CustomerFactory(
        site=world.s1, owner=world.s1a, last_touched_at=timezone.now() - dt.timedelta(days=20)
    )
    nxt = timezone.now() + dt.timedelta(days=2)
    r = follow_up(api(world.s1a), c, notes="聊了户型", next_action_at=nxt.isoformat(), user=world.s1b.pk)
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["customer"], body["user"], body["kind"], body["notes"]) == (
        c.pk,
        world.s1a.pk,
        "call",
        "聊了户型",
    )
    assert body["user_name"] == "张顾问"
    assert body["occurred_at"].endswith("+08:00")
    c.refresh_from_db()
    assert timezone.now() - c.last_touched_at < dt.timedelta(minutes=1)  # the idle clock restarts
    assert abs(c.next_action_at - nxt) < dt.timedelta(seconds=1)
    assert c.status == "lead"  # a call is not a visit


def test_manager_follows_up_in_scope(world, api):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=world.s1a)
    r = follow_up(api(world.sm1), c, kind="note")
    assert r.status_code == 201 and r.json()["user"] == world.sm1.pk
    assert follow_up(api(world.sm2), c).status_code == 400  # out of scope: no such customer


def test_create_on_someone_elses_customer_is_refused(world, api):  # noqa: ANN001
    theirs = CustomerFactory(site=world.s1, owner=world.s1b)
    pooled = CustomerFactory(site=world.s1, owner=None, in_pool=True)
    client = api(world.s1a)
    r = follow_up(client, theirs)
    assert r.status_code == 400 and set(r.json()) == {"customer"}
    missing = client.post(URL, {"customer": 999999, "kind": "call"}, format="json")
    assert r.json()["customer"][0].replace(str(theirs.pk), "N") == missing.json()["customer"][0].replace(
        "999999", "N"
    )
    assert follow_up(client, pooled).status_code == 403  # visible in the pool, but not theirs
    assert not Activity.objects.exists()


def test_future_and_inconsistent_times_are_400(world, api):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=world.s1a)
    client = api(world.s1a)
    r = follow_up(client, c, occurred_at=(timezone.now() + dt.timedelta(hours=1)).isoformat())
    assert r.status_code == 400 and set(r.json()) == {"occurred_at"}
    earlier = timezone.now() - dt.timedelta(days=1)
    r = follow_up(
        client,
        c,
        occurred_at=earlier.isoformat(),
        next_action_at=(earlier - dt.timedelta(hours=1)).isoformat(),
    )
    assert r.status_code == 400 and set(r.json()) == {"next_action_at"}
    r = follow_up(client, c, kind="telepathy")
    assert r.status_code == 400 and set(r.json()) == {"kind"}
    assert not Activity.objects.exists()


def test_visit_moves_a_lead_to_visited(world, api):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=world.s1a, status="lead")
    assert follow_up(api(world.s1a), c, kind="visit").status_code == 201
    c.refresh_from_db()
    assert c.status == "visited"
    assert follow_up(api(world.s1a), c, kind="revisit").status_code == 201
    assert Customer.objects.get(pk=c.pk).status == "visited"
    other = CustomerFactory(site=world.s1, owner=world.s1a, status="subscribed")
    assert follow_up(api(world.s1a), other, kind="visit").status_code == 201
    assert Customer.objects.get(pk=other.pk).status == "subscribed"  # never backwards


def test_an_older_follow_up_does_not_rewind_the_customer(world, api):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=world.s1a)
    client = api(world.s1a)
    nxt = timezone.now() + dt.timedelta(days=3)
    assert follow_up(client, c, next_action_at=nxt.isoformat()).status_code == 201
    touched = Customer.objects.get(pk=c.pk).last_touched_at
    old = timezone.now() - dt.timedelta(days=10)
    r = follow_up(
        client, c, occurred_at=old.isoformat(), next_action_at=(old + dt.timedelta(days=1)).isoformat()
    )
    assert r.status_code == 201
    c.refresh_from_db()
    assert c.last_touched_at == touched
    assert abs(c.next_action_at - nxt) < dt.timedelta(seconds=1)


def test_activities_are_never_edited(world, api):  # noqa: ANN001
    c = CustomerFactory(site=world.s1, owner=world.s1a)
    a = Activity.objects.create(customer=c, user=world.s1a, kind="call", notes="原话")
    client = api(world.s1a)
    assert client.patch(f"{URL}{a.pk}/", {"notes": "改"}, format="json").status_code == 405
    assert client.delete(f"{URL}{a.pk}/").status_code == 405
    assert Activity.objects.get().notes == "原话"


def test_activity_list_filters(world, api):  # noqa: ANN001
    c1 = CustomerFactory(site=world.s1, owner=world.s1a)
    c2 = CustomerFactory(site=world.s1, owner=world.s1a)
    a1 = Activity.objects.create(customer=c1, user=world.s1a, kind="call")
    a2 = Activity.objects.create(customer=c2, user=world.s1a, kind="visit")
    client = api(world.s1a)
    assert [r["id"] for r in client.get(URL, {"customer": c1.pk}).json()["results"]] == [a1.pk]
    assert [r["id"] for r in client.get(URL, {"kind": "visit"}).json()["results"]] == [a2.pk]
    assert client.get(URL, {"user": world.s1a.pk}).json()["count"] == 2
    assert client.get(URL, {"kind": "bogus"}).status_code == 400


def test_customer_history_in_the_audit_log(world, api):  # noqa: ANN001
    r = api(world.s1a).post(
        "/api/v1/customers/", {"name": "张伟", "phone": "13900000011", "site": world.s1.pk}, format="json"
    )
    pk = r.json()["id"]
    api(world.s1a).patch(f"/api/v1/customers/{pk}/", {"name": "张伟明"}, format="json")
    api(world.s1a).post(URL, {"customer": pk, "kind": "visit"}, format="json")
    CustomerFactory(site=world.s1, owner=world.s1a, phone="13900000099")  # not in this history

    query = {"object_type": "customer", "object_id": pk}
    r = api(world.cm).get("/api/v1/audit-events/", query)
    assert r.status_code == 200
    events = r.json()["results"]
    assert [e["action"] for e in events] == ["follow_up", "update", "create"]  # newest first
    assert all((e["object_type"], e["object_id"], e["actor"]) == ("customer", pk, "张顾问") for e in events)
    created = events[-1]
    assert created["changes"]["name"] == [None, "张伟"] and created["changes"]["phone"] == [
        None,
        "13900000011",
    ]
    assert created["at"].endswith("+08:00")
    assert events[1]["changes"] == {"name": ["张伟", "张伟明"]}
    assert events[0]["changes"] == {"status": ["lead", "visited"]}
    assert api(world.admin).get("/api/v1/audit-events/", query).json()["count"] == 3
    for user in (world.sm1, world.s1a, world.ag1):
        assert api(user).get("/api/v1/audit-events/", query).status_code == 403
    assert api().get("/api/v1/audit-events/", query).status_code == 401
