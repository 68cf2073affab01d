"""Work logs: counts computed by hand for one busy day, scope, ranges, the team view."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loupan.customers.tests.factories import CustomerFactory
from loupan.sales.models import Activity, Contract, Subscription, WorkLogNote

pytestmark = pytest.mark.django_db

URL = "/api/v1/worklogs/"
DAY = timezone.localdate() - dt.timedelta(days=3)


def at(day_offset: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A local (Asia/Shanghai) time on DAY + ``day_offset``."""
    day = DAY + dt.timedelta(days=day_offset)
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def busy(world, deals):  # noqa: ANN001, ANN201
    """s1a's DAY, counted by hand:
    calls 3, visits 3 (of which 1 revisit), follow-ups 8, new customers 2, subscriptions 1,
    contracts 1 -- as s1a reads it. Managers also see one more call, on a customer since
    transferred to s1b (so out of s1a's own scope): calls 4, follow-ups 9."""
    s1a = world.s1a
    mine = CustomerFactory(site=world.s1, owner=s1a, created_at=at(0, 10), name="当天新客")
    by_manager = CustomerFactory(site=world.s1, owner=s1a, registered_by=world.sm1, created_at=at(0, 11))
    CustomerFactory(site=world.s1, owner=s1a, created_at=at(-1, 23, 59, 59))  # the day before
    CustomerFactory(site=world.s1, owner=s1a, created_at=at(1, 0))  # the day after
    given_away = CustomerFactory(site=world.s1, owner=world.s1b, created_at=at(-30, 9))
    old = deals.c1  # s1a's
    kinds = [("call", at(0, 0)), ("call", at(0, 9)), ("call", at(0, 15)), ("visit", at(0, 10)),
             ("visit", at(0, 11)), ("revisit", at(0, 14)), ("message", at(0, 16)), ("note", at(0, 23, 59, 59))]  # fmt: skip
    for i, (kind, when) in enumerate(kinds):
        Activity.objects.create(customer=[mine, by_manager, old][i % 3], user=s1a, kind=kind, occurred_at=when,
                                notes=f"{kind}-{i}")  # fmt: skip
    Activity.objects.create(customer=old, user=s1a, kind="call", occurred_at=at(-1, 23, 59, 59))
    Activity.objects.create(customer=old, user=s1a, kind="visit", occurred_at=at(1, 0))
    Activity.objects.create(customer=given_away, user=s1a, kind="call", occurred_at=at(0, 12))
    Activity.objects.create(customer=deals.c2, user=world.s1b, kind="call", occurred_at=at(0, 12))
    sub = Subscription.objects.create(unit=deals.units[0], customer=old, price=Decimal("1000000.00"),
                                      sign_deadline=DAY + dt.timedelta(days=7), created_by=s1a, created_at=at(0, 13))  # fmt: skip
    Subscription.objects.create(unit=deals.units[1], customer=mine, price=Decimal("990000.00"), status="cancelled",
                                sign_deadline=DAY, created_by=s1a, created_at=at(-1, 13))  # fmt: skip
    Contract.objects.create(subscription=sub, unit=sub.unit, customer=old, list_price=sub.price, price=sub.price,
                            payment_method="full", created_by=s1a, created_at=at(0, 17))  # fmt: skip
    WorkLogNote.objects.create(user=s1a, date=DAY, text="今天接待了两组")
    return world


COUNTS_SELF = {"calls": 3, "visits": 3, "revisits": 1, "follow_ups": 8, "new_customers": 2,
               "subscriptions": 1, "contracts": 1}  # fmt: skip
COUNTS_MANAGER = {**COUNTS_SELF, "calls": 4, "follow_ups": 9}


def test_a_day_counted_by_hand(busy, api):  # noqa: ANN001
    r = api(busy.s1a).get(URL, {"user": busy.s1a.pk, "date": DAY.isoformat()})
    assert r.status_code == 200, r.content
    body = r.json()
    for key in ("user", "date", "calls", "visits", "new_customers", "follow_ups", "subscriptions", "contracts",
                "entries"):  # fmt: skip
        assert key in body
    assert (body["user"], body["date"], body["notes"]) == (busy.s1a.pk, DAY.isoformat(), "今天接待了两组")
    assert {k: body[k] for k in COUNTS_SELF} == COUNTS_SELF
    entries = body["entries"]
    assert [e["type"] for e in entries].count("activity") == 8
    assert [(e["type"], e["kind"]) for e in entries if e["type"] != "activity"] == [
        ("customer", "new_customer"), ("customer", "new_customer"), ("subscription", "active"),
        ("contract", "active")]  # fmt: skip
    assert entries[0]["at"].startswith(f"{DAY.isoformat()}T00:00:00") and entries[0]["kind"] == "call"
    assert entries[-1]["kind"] == "note"
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    sub = next(e for e in entries if e["type"] == "subscription")
    assert sub["amount"] == "1000000.00" and sub["customer_name"]


@pytest.mark.parametrize("reader", ["sm1", "cm", "admin"])
def test_managers_read_the_logs_of_their_scope(busy, api, reader):  # noqa: ANN001
    body = api(getattr(busy, reader)).get(URL, {"user": busy.s1a.pk, "date": DAY.isoformat()}).json()
    assert {k: body[k] for k in COUNTS_MANAGER} == COUNTS_MANAGER
    assert body["notes"] == "今天接待了两组"


@pytest.mark.parametrize("reader", ["s1b", "s2a", "ag1", "sm2"])
def test_others_cannot_read_it(busy, api, reader):  # noqa: ANN001
    client = api(getattr(busy, reader))
    assert client.get(URL, {"user": busy.s1a.pk, "date": DAY.isoformat()}).status_code == 404
    assert client.get(URL, {"user": 999999}).status_code == 404
    assert client.get(URL + "range/", {"user": busy.s1a.pk}).status_code == 404
    own = client.get(URL, {"date": DAY.isoformat()})  # no user: their own
    assert own.status_code == 200 and own.json()["user"] == getattr(busy, reader).pk


def test_bad_dates_are_400(busy, api):  # noqa: ANN001
    client = api(busy.s1a)
    assert client.get(URL, {"date": "2026-13-01"}).status_code == 400
    r = client.get(
        URL + "range/", {"date_from": DAY.isoformat(), "date_to": (DAY - dt.timedelta(days=1)).isoformat()}
    )
    assert r.status_code == 400 and set(r.json()) == {"date_to"}
    r = client.get(URL + "range/", {"date_from": "2026-01-01", "date_to": "2026-06-30"})
    assert r.status_code == 400
    assert api().get(URL).status_code == 401


def test_range_counts_per_day(busy, api):  # noqa: ANN001
    r = api(busy.sm1).get(URL + "range/", {"user": busy.s1a.pk, "date_from": (DAY - dt.timedelta(days=1)).isoformat(),
                                           "date_to": (DAY + dt.timedelta(days=1)).isoformat()})  # fmt: skip
    assert r.status_code == 200, r.content
    body = r.json()
    before, day, after = body["days"]
    assert {k: day[k] for k in COUNTS_MANAGER} == COUNTS_MANAGER and day["has_notes"] is True
    assert (before["calls"], before["new_customers"], before["subscriptions"], before["has_notes"]) == (
        1,
        1,
        1,
        False,
    )
    assert (after["visits"], after["follow_ups"], after["new_customers"]) == (1, 1, 1)
    assert body["totals"]["follow_ups"] == 11 and body["totals"]["new_customers"] == 4


def test_team_view(busy, api):  # noqa: ANN001
    r = api(busy.sm1).get(URL + "team/", {"date": DAY.isoformat()})
    assert r.status_code == 200
    rows = {row["user"]: row for row in r.json()["results"]}
    assert set(rows) == {busy.s1a.pk, busy.s1b.pk, busy.ag1.pk}
    assert {k: rows[busy.s1a.pk][k] for k in COUNTS_MANAGER} == COUNTS_MANAGER
    assert (rows[busy.s1b.pk]["calls"], rows[busy.ag1.pk]["follow_ups"]) == (1, 0)
    assert rows[busy.s1a.pk]["has_notes"] is True
    assert {row["user"] for row in api(busy.s1a).get(URL + "team/").json()["results"]} == {busy.s1a.pk}
    assert api(busy.sm2).get(URL + "team/", {"site": busy.s1.pk}).status_code == 404
    assert api(busy.cm).get(URL + "team/", {"site": busy.s2.pk}).json()["count"] == 1  # s2a


def test_query_counts_do_not_grow_with_the_day(busy, api):  # noqa: ANN001
    client = api(busy.sm1)
    params = {"user": busy.s1a.pk, "date": DAY.isoformat()}
    with CaptureQueriesContext(connection) as before:
        client.get(URL, params)
    customer = busy.s1a.owned_customers.first()
    Activity.objects.bulk_create(Activity(customer=customer, user=busy.s1a, kind="call", occurred_at=at(0, 8))
                                 for _ in range(30))  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        body = client.get(URL, params).json()
    assert body["calls"] == 34
    assert len(after) == len(before) <= 12
    with CaptureQueriesContext(connection) as team:
        client.get(URL + "team/", {"date": DAY.isoformat()})
    assert len(team) <= 10


def test_write_the_note_through_the_api(world, api):  # noqa: ANN001
    r = api(world.s1a).put(URL + "note/", {"text": "整理客户"}, format="json")
    assert r.status_code == 200 and r.json()["text"] == "整理客户"
    assert api(world.s1a).get(URL).json()["notes"] == "整理客户"
    r = api(world.s1a).put(URL + "note/", {"text": "补", "date": DAY.isoformat()}, format="json")
    assert r.status_code == 400 and set(r.json()) == {"date"}
    assert WorkLogNote.objects.get().user == world.s1a
