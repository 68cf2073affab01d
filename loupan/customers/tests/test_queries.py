"""Every list is a bounded query (architecture.md rule 5): query counts do not grow with rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loupan.customers.models import Interest
from loupan.customers.tests.factories import CustomerFactory
from loupan.sales.models import Activity

pytestmark = pytest.mark.django_db


def populate(world, n: int, start: int = 0) -> list:  # noqa: ANN001
    """``n`` customers at s1 with owners (several), interests, a source and one activity each."""
    tags = [Interest.objects.get_or_create(name=t)[0] for t in ("高尔夫", "教育", "投资")]
    owners = [world.s1a, world.s1b, world.ag1]
    made = []
    for i in range(start, start + n):
        c = CustomerFactory(site=world.s1, owner=owners[i % 3], phone=f"137{i:08d}", source_id="phone")
        c.interests.set(tags[: 1 + i % 3])
        Activity.objects.create(customer=c, user=owners[i % 3], kind="call")
        made.append(c)
    return made


def queries(client, url: str, **params) -> tuple[int, dict]:  # noqa: ANN001, ANN003
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, params)
    assert r.status_code == 200, r.content
    return len(ctx.captured_queries), r.json()


@pytest.mark.parametrize("role", ["sm1", "cm", "s1a"])
@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/customers/", {"page_size": 100}),
        ("/api/v1/customers/", {"page_size": 100, "search": "1370000"}),
        ("/api/v1/customers/", {"page_size": 100, "site": "{s1}", "status": "lead"}),
        ("/api/v1/activities/", {"page_size": 100}),
    ],
)
def test_list_query_count_does_not_grow(world, api, role, url, params):  # noqa: ANN001
    params = {k: v.format(s1=world.s1.pk) if isinstance(v, str) else v for k, v in params.items()}
    client = api(getattr(world, role))
    populate(world, 5)
    few, body = queries(client, url, **params)
    assert body["count"] >= 1
    populate(world, 55, start=5)
    many, body_many = queries(client, url, **params)
    assert body_many["count"] > body["count"]
    assert many == few, f"{few} queries for the small list, {many} for the large one"
    assert few <= 8


def test_customer_list_with_60_rows_has_the_same_queries_as_with_5(world, api, django_assert_max_num_queries):  # noqa: ANN001
    client = api(world.sm1)
    populate(world, 5)
    few, small = queries(client, "/api/v1/customers/", page_size=100)
    assert small["count"] == 5
    populate(world, 55, start=5)
    with django_assert_max_num_queries(few):
        r = client.get("/api/v1/customers/", {"page_size": 100})
    assert r.json()["count"] == 60 and len(r.json()["results"]) == 60
    assert all(row["interests"] for row in r.json()["results"])
    assert {row["owner_name"] for row in r.json()["results"]} == {"张顾问", "李顾问", "赵代理"}


def test_customer_detail_query_count(world, api, django_assert_num_queries):  # noqa: ANN001
    small = populate(world, 1)[0]
    client = api(world.sm1)
    n, _ = queries(client, f"/api/v1/customers/{small.pk}/")
    big = CustomerFactory(site=world.s1, owner=world.s1a, phone="13500000000")
    big.interests.set([Interest.objects.create(name=f"兴趣{i}") for i in range(15)])
    for _i in range(30):
        Activity.objects.create(customer=big, user=world.s1a, kind="call")
    with django_assert_num_queries(n):
        r = client.get(f"/api/v1/customers/{big.pk}/")
    assert len(r.json()["interests"]) == 15
    assert n <= 6
