"""Customer selectors: search branches, default lists, follow-ups due, about to pool, indexes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from loupan.customers import selectors
from loupan.customers.models import Customer
from loupan.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NAMES = {
    "张伟": "13800001234",
    "张伟明": "13800005678",
    "张三丰": "13900001234",
    "章子怡": "13700004321",
    "王芳": "13600009999",
    "欧阳娜娜": "13500008888",
}


@pytest.fixture
def people(world):  # noqa: ANN001, ANN201
    return {
        name: CustomerFactory(name=name, phone=phone, site=world.s1, owner=world.s1a)
        for name, phone in NAMES.items()
    }


def found(world, term: str) -> set[str]:  # noqa: ANN001
    return set(selectors.customer_list(user=world.sm1, search=term).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("term", "names"),
    [
        ("张伟", {"张伟", "张伟明"}),  # 2 characters: a prefix
        ("张伟明", {"张伟明"}),  # 3 characters
        ("张", {"张伟", "张伟明", "张三丰"}),
        ("欧阳", {"欧阳娜娜"}),
        ("伟", set()),  # prefix only, not infix
        ("zw", {"张伟", "张伟明"}),  # pinyin initials
        ("ZW", {"张伟", "张伟明"}),
        ("zwm", {"张伟明"}),
        ("z", {"张伟", "张伟明", "张三丰", "章子怡"}),
        ("oynn", {"欧阳娜娜"}),
        ("13800001234", {"张伟"}),  # the full phone
        ("138 0000 1234", {"张伟"}),
        ("138-0000-1234", {"张伟"}),
        ("+86 138 0000 1234", {"张伟"}),
        ("1380000", {"张伟", "张伟明"}),  # a phone prefix
        ("13800", {"张伟", "张伟明"}),
        ("1390", set()),  # 4 digits are the last four, not a prefix
        ("1234", {"张伟", "张三丰"}),  # last four digits
        ("4321", {"章子怡"}),
        ("13800001235", set()),
        ("", set(NAMES)),
        ("  ", set(NAMES)),
    ],
)
def test_search_branches(world, people, term, names):  # noqa: ANN001
    assert found(world, term) == names


def test_search_stays_in_scope(world, people):  # noqa: ANN001
    CustomerFactory(name="张伟", phone="13800001234", site=world.s2, owner=world.s2a)
    assert selectors.customer_list(user=world.sm1, search="13800001234").count() == 1
    assert selectors.customer_list(user=world.cm, search="13800001234").count() == 2
    assert selectors.customer_list(user=world.sm2, search="zw").count() == 1
    assert selectors.customer_list(user=world.s1b, search="张").count() == 0


def test_sales_default_list_excludes_the_pool(world):  # noqa: ANN001
    mine = CustomerFactory(site=world.s1, owner=world.s1a)
    pooled = CustomerFactory(site=world.s1, owner=None, in_pool=True)
    CustomerFactory(site=world.s1, owner=world.s1b)
    other_pool = CustomerFactory(site=world.s2, owner=None, in_pool=True)
    assert list(selectors.customer_list(user=world.s1a)) == [mine]
    assert list(selectors.customer_list(user=world.s1a, in_pool=True)) == [pooled]
    assert set(selectors.customer_list(user=world.s1a, in_pool=False)) == {mine}
    # Managers see their whole scope, the pool included.
    assert selectors.customer_list(user=world.sm1).count() == 3
    assert set(selectors.customer_list(user=world.cm, in_pool=True)) == {pooled, other_pool}


def test_list_ordering_and_filters(world):  # noqa: ANN001
    now = timezone.now()
    a = CustomerFactory(name="阿", site=world.s1, owner=world.s1a, created_at=now - dt.timedelta(days=2))
    b = CustomerFactory(name="波", site=world.s1, owner=world.s1a, created_at=now - dt.timedelta(days=1))
    c = CustomerFactory(name="次", site=world.s1, owner=world.s1a, created_at=now, status="visited")
    assert list(selectors.customer_list(user=world.s1a)) == [c, b, a]
    assert list(selectors.customer_list(user=world.s1a, ordering="created_at")) == [a, b, c]
    assert list(selectors.customer_list(user=world.s1a, ordering="bogus")) == [c, b, a]
    assert list(selectors.customer_list(user=world.s1a, filters={"status": "visited"})) == [c]
    assert list(selectors.customer_list(user=world.s1a, filters={"status": ""})) == [c, b, a]


def test_customers_to_follow_up(world):  # noqa: ANN001
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    overdue = CustomerFactory(site=world.s1, owner=world.s1a, next_action_at=start - dt.timedelta(days=2))
    late_today = CustomerFactory(
        site=world.s1, owner=world.s1a, next_action_at=start + dt.timedelta(hours=23)
    )
    CustomerFactory(site=world.s1, owner=world.s1a, next_action_at=start + dt.timedelta(days=1, minutes=1))
    CustomerFactory(site=world.s1, owner=world.s1a, next_action_at=None)
    CustomerFactory(site=world.s1, owner=world.s1b, next_action_at=start)  # someone else's
    assert list(selectors.customers_to_follow_up(user=world.s1a)) == [overdue, late_today]
    tomorrow = selectors.customers_to_follow_up(user=world.s1a, on=today + dt.timedelta(days=1))
    assert tomorrow.count() == 3
    # A manager's own list is theirs only, not their whole site.
    assert selectors.customers_to_follow_up(user=world.sm1).count() == 0


def test_customers_about_to_pool(world):  # noqa: ANN001
    world.s1.pool_after_days = 30
    world.s1.pool_after_days_by_status = {"lead": 7}
    world.s1.save()
    now = timezone.now()

    def touched(days: float, **kw):  # noqa: ANN003, ANN202
        kw.setdefault("owner", world.s1a)
        kw.setdefault("site", world.s1)
        return CustomerFactory(last_touched_at=now - dt.timedelta(days=days), **kw)

    lead_soon = touched(5, status="lead")  # goes at 7 days: within 3
    visited_soon = touched(28, status="visited")  # goes at 30
    touched(3, status="lead")  # 4 days left
    touched(20, status="visited")
    touched(100, status="subscribed")  # never released
    touched(29, status="visited", owner=world.s1b)  # someone else's
    touched(29, status="visited", site=world.s2, owner=world.s2a)
    assert selectors.customers_about_to_pool(user=world.s1a) == [visited_soon, lead_soon]
    assert selectors.customers_about_to_pool(user=world.s1a, warning_days=1) == []


# --- the searches use their indexes ---------------------------------------------------------------


def _plan(term: str) -> str:
    qs = Customer.objects.filter(selectors.search_q(term)).values("id")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = on")
        sql, params = qs.query.sql_with_params()
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(prefix + sql, params)
        return "\n".join(" ".join(str(col) for col in row) for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("term", "index"),
    [
        ("张伟", "cust_name_idx"),
        ("欧阳娜", "cust_name_idx"),
        ("zw", "cust_initials_idx"),
        ("13800001234", "cust_phone_idx"),
        ("1380000", "cust_phone_idx"),
        ("1234", "cust_phone_last4_idx"),
    ],
)
def test_search_uses_its_index(world, people, term, index):  # noqa: ANN001
    plan = _plan(term)
    assert index in plan, plan
    if connection.vendor == "sqlite":
        assert f"SEARCH customers_customer USING INDEX {index} (" in plan, plan
        assert "SCAN customers_customer" not in plan, plan
    else:
        assert "Seq Scan" not in plan, plan
