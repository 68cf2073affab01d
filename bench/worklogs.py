"""Work log of a busy salesperson (工作日志) on the bench data.

Adds, once per bench database, a site of its own (so the other scenarios keep their people
and numbers) with a site manager, a salesperson who worked a whole year: ``PER_DAY``
follow-ups every day for ``DAYS`` days (calls, visits, revisits, messages, e-mails, notes),
``NEW_PER_DAY`` new customers a day, a subscription every ``SUB_EVERY`` days and a contract
for every other one (units of a small project of its own), and ``COLLEAGUES`` colleagues
with a lighter month. The company's other data (customers, activities) is the bench's own
and shares the tables. Then it times, through the API,
the day view (the salesperson's own), a 30-day range and the site manager's team view of one
day, each against hand-written SQL returning the same counts (and, for the day, the same entries).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.scenarios import Scenario, _client, _fetch, _get

USERNAME = "bench_wl_busy"
SITE_CODE = "WLBENCH"
COLLEAGUES = 5
DAYS = 365
PER_DAY = 40
NEW_PER_DAY = 4
SUB_EVERY = 7
KINDS = ["call"] * 20 + ["visit"] * 6 + ["revisit"] * 4 + ["message"] * 6 + ["email"] * 2 + ["note"] * 2


def _ensure_busy_salesperson() -> tuple[Any, Any, dict[str, int]]:
    """The busy salesperson and their site manager, generated on first use (idempotent)."""
    from loupan.customers.models import Customer
    from loupan.inventory.models import Building, Project, Unit
    from loupan.org.models import Site, User
    from loupan.sales.models import Activity, Contract, Subscription

    existing = User.objects.filter(username=USERNAME).first()
    if existing is not None:
        return existing, User.objects.get(username="bench_wl_manager"), {}
    rng = random.Random(7)
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    with transaction.atomic():
        site = Site.objects.create(code=SITE_CODE, name="工作日志案场")
        site_id = site.pk
        User.objects.create(username="bench_wl_manager", full_name="日志经理", role="site_manager").sites.set(
            [site]
        )
        user = User.objects.create(username=USERNAME, full_name="忙碌顾问", role="sales")
        user.sites.set([site_id])
        phones = (f"199{n:08d}" for n in range(10**8))
        customers, activities = [], []
        for d in range(DAYS, 0, -1):
            day = today - dt.timedelta(days=d)
            for _ in range(NEW_PER_DAY):
                at = dt.datetime.combine(day, dt.time(rng.randint(9, 19), rng.randint(0, 59)), tzinfo=tz)
                phone = next(phones)
                customers.append(Customer(site_id=site_id, owner=user, registered_by=user, credited_to=user,
                                          name="客户" + phone[-4:], phone=phone, phone_last4=phone[-4:],
                                          source_id="walk_in", status="visited", created_at=at, last_touched_at=at))  # fmt: skip
        Customer.objects.bulk_create(customers, batch_size=2000)
        mine = list(
            Customer.objects.filter(owner=user).order_by("created_at").values_list("id", "created_at")
        )
        for d in range(DAYS, 0, -1):
            day = today - dt.timedelta(days=d)
            start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
            known = [pk for pk, created in mine if created < start + dt.timedelta(hours=20)][-400:]
            for _ in range(PER_DAY):
                at = dt.datetime.combine(day, dt.time(rng.randint(8, 20), rng.randint(0, 59), rng.randint(0, 59)),
                                         tzinfo=tz)  # fmt: skip
                activities.append(Activity(customer_id=rng.choice(known), user=user, kind=rng.choice(KINDS),
                                           occurred_at=at, notes="跟进记录 " * rng.randint(1, 8)))  # fmt: skip
        for i in range(COLLEAGUES):  # a lighter month each: 100 customers, 10 follow-ups a day
            colleague = User.objects.create(username=f"bench_wl_s{i}", full_name=f"同事{i}", role="sales")
            colleague.sites.set([site])
            theirs = Customer.objects.bulk_create(
                Customer(site_id=site_id, owner=colleague, registered_by=colleague, credited_to=colleague,
                         name="客户" + p[-4:], phone=p, phone_last4=p[-4:], source_id="walk_in", status="visited",
                         created_at=dt.datetime.combine(today - dt.timedelta(days=60), dt.time(10), tzinfo=tz))
                for p in (next(phones) for _ in range(100))
            )  # fmt: skip
            for d in range(30, 0, -1):
                for _ in range(10):
                    at = dt.datetime.combine(
                        today - dt.timedelta(days=d), dt.time(rng.randint(9, 19)), tzinfo=tz
                    )
                    activities.append(Activity(customer=rng.choice(theirs), user=colleague, kind=rng.choice(KINDS),
                                               occurred_at=at, notes="跟进"))  # fmt: skip
        Activity.objects.bulk_create(activities, batch_size=5000)
        project = Project.objects.create(name="工作日志测试项目", city="杭州")
        building = Building.objects.create(project=project, name="1号楼", floors=30)
        units = Unit.objects.bulk_create(
            Unit(building=building, project=project, number=f"{f}{s:02d}", floor=f, stack=s, layout="3室2厅2卫",
                 bedrooms=3, area=Decimal("100.00"), unit_price=Decimal("20000.00"), total_price=Decimal("2000000.00"),
                 status="subscribed")
            for f in range(1, 31) for s in range(1, 3)
        )  # fmt: skip
        subs, contracts = [], []
        for i, d in enumerate(range(DAYS, 0, -SUB_EVERY)):
            at = dt.datetime.combine(today - dt.timedelta(days=d), dt.time(15, 0), tzinfo=tz)
            subs.append(Subscription(unit=units[i], customer_id=mine[i * 3][0], price=Decimal("2000000.00"),
                                     sign_deadline=at.date() + dt.timedelta(days=7), created_by=user, created_at=at,
                                     status="contracted" if i % 2 == 0 else "active"))  # fmt: skip
        Subscription.objects.bulk_create(subs)
        for s in subs[::2]:
            contracts.append(Contract(subscription=s, unit=s.unit, customer_id=s.customer_id, list_price=s.price,
                                      price=s.price, payment_method="full", signed_at=s.created_at + dt.timedelta(days=2),
                                      created_by=user, created_at=s.created_at + dt.timedelta(days=2)))  # fmt: skip
        Contract.objects.bulk_create(contracts)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE sales_activity; ANALYZE customers_customer")
    manager = User.objects.get(username="bench_wl_manager")
    added = {"customers": len(customers), "activities": len(activities), "subscriptions": len(subs),
             "contracts": len(contracts)}  # fmt: skip
    return user, manager, added


def _day_sql(vendor: str, column: str) -> str:
    if vendor == "postgresql":
        return f"(({column}) AT TIME ZONE 'Asia/Shanghai')::date"
    return f"date({column}, '+8 hours')"


def build(size: int) -> tuple[list[Scenario], dict[str, Any]]:
    """The work log scenarios and what they ran on."""
    from loupan.sales.models import Activity
    from loupan.sales.worklogs import day_bounds

    user, manager, added = _ensure_busy_salesperson()
    today = timezone.localdate()
    day = today - dt.timedelta(days=15)  # a day with a subscription (every 7 days back from day 365)
    month_from, month_to = day - dt.timedelta(days=29), day
    c_user, c_manager = _client(user), _client(manager)
    start, end = day_bounds(day)
    m_start, m_end = day_bounds(month_from, month_to)
    vendor = connection.vendor
    day_col = _day_sql(vendor, "a.occurred_at")
    own = "c.owner_id = %s"  # the salesperson's own scope (customers they own; pool omitted: none here)

    def raw_day() -> None:
        p = [user.pk, start, end, user.pk]
        _fetch("SELECT COUNT(CASE WHEN a.kind = 'call' THEN 1 END), COUNT(CASE WHEN a.kind IN ('visit', 'revisit') "
               "THEN 1 END), COUNT(CASE WHEN a.kind = 'revisit' THEN 1 END), COUNT(*) FROM sales_activity a "
               f"JOIN customers_customer c ON c.id = a.customer_id WHERE a.user_id = %s AND a.occurred_at >= %s "
               f"AND a.occurred_at < %s AND {own}", p)  # fmt: skip
        _fetch(f"SELECT a.*, c.id, c.name FROM sales_activity a JOIN customers_customer c ON c.id = a.customer_id "
               f"WHERE a.user_id = %s AND a.occurred_at >= %s AND a.occurred_at < %s AND {own} "
               "ORDER BY a.occurred_at, a.id LIMIT 500", p)  # fmt: skip
        for table, who in (("customers_customer", "credited_to_id"),):
            _fetch(f"SELECT id, name, created_at FROM {table} c WHERE {who} = %s AND created_at >= %s "
                   f"AND created_at < %s AND {own}", [user.pk, start, end, user.pk])  # fmt: skip
        for table in ("sales_subscription", "sales_contract"):
            _fetch(f"SELECT d.*, c.name FROM {table} d JOIN customers_customer c ON c.id = d.customer_id "
                   f"WHERE d.created_by_id = %s AND d.created_at >= %s AND d.created_at < %s AND {own}",
                   [user.pk, start, end, user.pk])  # fmt: skip
        _fetch("SELECT * FROM sales_worklognote WHERE user_id = %s AND date = %s", [user.pk, day])

    def raw_month() -> None:
        p = [user.pk, m_start, m_end, user.pk]
        _fetch(f"SELECT {day_col}, COUNT(CASE WHEN a.kind = 'call' THEN 1 END), COUNT(CASE WHEN a.kind IN "
               "('visit', 'revisit') THEN 1 END), COUNT(CASE WHEN a.kind = 'revisit' THEN 1 END), COUNT(*) "
               "FROM sales_activity a JOIN customers_customer c ON c.id = a.customer_id WHERE a.user_id = %s "
               f"AND a.occurred_at >= %s AND a.occurred_at < %s AND {own} GROUP BY 1", p)  # fmt: skip
        _fetch(f"SELECT {_day_sql(vendor, 'c.created_at')}, COUNT(*) FROM customers_customer c "
               f"WHERE c.credited_to_id = %s AND c.created_at >= %s AND c.created_at < %s AND {own} GROUP BY 1", p)  # fmt: skip
        for table in ("sales_subscription", "sales_contract"):
            _fetch(f"SELECT {_day_sql(vendor, 'd.created_at')}, COUNT(*) FROM {table} d JOIN customers_customer c "
                   f"ON c.id = d.customer_id WHERE d.created_by_id = %s AND d.created_at >= %s AND d.created_at < %s "
                   f"AND {own} GROUP BY 1", p)  # fmt: skip
        _fetch("SELECT date FROM sales_worklognote WHERE user_id = %s AND date BETWEEN %s AND %s",
               [user.pk, month_from, month_to])  # fmt: skip

    site_id = user.sites.get().pk
    team_ids = list(
        user.__class__.objects.filter(sites=site_id, role__in=["sales", "agent"], is_active=True).values_list("id", flat=True)
    )  # fmt: skip
    marks = ", ".join(["%s"] * len(team_ids))

    def raw_team() -> None:
        scope = "c.site_id = %s"
        _fetch(f"SELECT a.user_id, COUNT(CASE WHEN a.kind = 'call' THEN 1 END), COUNT(CASE WHEN a.kind IN "
               "('visit', 'revisit') THEN 1 END), COUNT(CASE WHEN a.kind = 'revisit' THEN 1 END), COUNT(*) "
               "FROM sales_activity a JOIN customers_customer c ON c.id = a.customer_id WHERE "
               f"a.occurred_at >= %s AND a.occurred_at < %s AND {scope} AND a.user_id IN ({marks}) GROUP BY 1",
               [start, end, site_id, *team_ids])  # fmt: skip
        _fetch(f"SELECT c.credited_to_id, COUNT(*) FROM customers_customer c WHERE c.created_at >= %s AND "
               f"c.created_at < %s AND {scope} AND c.credited_to_id IN ({marks}) GROUP BY 1",
               [start, end, site_id, *team_ids])  # fmt: skip
        for table in ("sales_subscription", "sales_contract"):
            _fetch(f"SELECT d.created_by_id, COUNT(*) FROM {table} d JOIN customers_customer c ON c.id = d.customer_id "
                   f"WHERE d.created_at >= %s AND d.created_at < %s AND {scope} AND d.created_by_id IN ({marks}) "
                   "GROUP BY 1", [start, end, site_id, *team_ids])  # fmt: skip
        _fetch(
            f"SELECT user_id FROM sales_worklognote WHERE date = %s AND user_id IN ({marks})",
            [day, *team_ids],
        )

    day_url = f"/api/v1/worklogs/?user={user.pk}&date={day.isoformat()}"
    month_url = f"/api/v1/worklogs/range/?user={user.pk}&date_from={month_from}&date_to={month_to}"
    team_url = f"/api/v1/worklogs/team/?date={day.isoformat()}&site={site_id}"
    day_body = json.loads(_get(c_user, day_url).content)
    month_body = json.loads(_get(c_user, month_url).content)
    scenarios = [
        Scenario("worklog_day", "Work log: a busy salesperson's day (own, API)", lambda: _get(c_user, day_url), raw_day),
        Scenario("worklog_month", "Work log: the same salesperson's 30 days (range, API)",
                 lambda: _get(c_user, month_url), raw_month),
        Scenario("worklog_team", "Work log: the site manager's team day (API)", lambda: _get(c_manager, team_url),
                 raw_team),
    ]  # fmt: skip
    scenarios[0].matches = day_body["follow_ups"]
    scenarios[1].matches = month_body["totals"]["follow_ups"]
    scenarios[2].matches = len(team_ids)
    info = {
        "user": user.username, "site_team": len(team_ids), "added": added, "day": day.isoformat(),
        "day_counts": {k: day_body[k] for k in ("calls", "visits", "follow_ups", "new_customers", "subscriptions",
                                                 "contracts")},
        "user_activities": Activity.objects.filter(user=user).count(), "size": size,
        "all_activities": Activity.objects.count(),
    }  # fmt: skip
    return scenarios, info
