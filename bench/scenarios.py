"""What the benchmark measures: real API requests, and the same work in hand-written SQL.

Each scenario is a request through the whole stack (``django.test.Client``, token
authentication, middleware, the viewset, the selector, DRF pagination with its count
query, the serializer, JSON rendering), timed from the call to the response. Its
``raw`` counterpart runs hand-written SQL returning the same rows (page, count,
interests; no rendering) on the same connection. Query counts come from one extra,
untimed run under ``CaptureQueriesContext``.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

PAGE = 50
EXPORT_ROWS = 10_000
_CUSTOMER = "customers_customer"
_JOINS = (
    f"FROM {_CUSTOMER} c LEFT JOIN org_user u ON u.id = c.owner_id JOIN org_site s ON s.id = c.site_id "
    "LEFT JOIN customers_sourcechannel src ON src.code = c.source_id"
)
_ORDER = "ORDER BY c.created_at DESC, c.id DESC"


@dataclass
class Scenario:
    key: str
    title: str
    run: Callable[[], Any]
    raw: Callable[[], Any]
    matches: int | None = None


def _fetch(sql: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _interests(ids: list[int]) -> list[tuple]:
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    return _fetch(
        "SELECT ci.customer_id, i.name FROM customers_customer_interests ci "
        f"JOIN customers_interest i ON i.id = ci.interest_id WHERE ci.customer_id IN ({marks})",
        ids,
    )


def _raw_page(where: str, params: list, limit: int = PAGE) -> int:
    rows = _fetch(f"SELECT c.*, u.*, s.*, src.* {_JOINS} WHERE {where} {_ORDER} LIMIT {limit}", params)
    (count,) = _fetch(f"SELECT COUNT(*) FROM {_CUSTOMER} c WHERE {where}", params)[0]
    _interests([r[0] for r in rows])
    return count


def _raw_export(limit: int) -> int:
    rows = _fetch(f"SELECT c.*, u.full_name, s.name, src.name {_JOINS} {_ORDER} LIMIT {limit}")
    ids = [r[0] for r in rows]
    for start in range(0, len(ids), 2000):  # like the export's iterator(chunk_size=2000)
        _interests(ids[start : start + 2000])
    return len(rows)


def _client(user: Any) -> Client:
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def _get(client: Client, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code} {response.content[:300]!r}")
    return response


def _count(client: Client, url: str) -> int:
    return json.loads(_get(client, url).content)["count"]


def build(size: int) -> tuple[list[Scenario], dict[str, Any]]:
    """The scenarios on the loaded data, and what they were run on (users, terms)."""
    from django.db.models import Count

    from loupan.customers.models import Customer
    from loupan.org.models import User
    from loupan.sales.models import Activity

    cm = User.objects.get(username="demo_cm")
    top_owner = (
        Customer.objects.filter(owner__role="sales")
        .exclude(owner__username__startswith="bench_")  # bench/worklogs.py's own people
        .values("owner_id")
        .annotate(n=Count("id"))
        .order_by("-n", "owner_id")
        .first()
    )
    sales = User.objects.get(pk=top_owner["owner_id"])
    site = sales.sites.get()
    sm = User.objects.get(role="site_manager", sites=site)
    owned = list(Customer.objects.filter(owner=sales).values_list("id", flat=True))
    detail_id = (
        Activity.objects.filter(customer_id__in=owned)
        .values("customer_id")
        .annotate(n=Count("id"))
        .order_by("-n", "customer_id")
        .first()["customer_id"]
    )
    # Search terms taken from one customer half-way through the table, with a 3-character name.
    sample = Customer.objects.filter(id__gte=size // 2, name__regex=r"^...$").order_by("id").first()
    terms = {
        "phone": sample.phone,
        "last4": sample.phone_last4,
        "name": sample.name[:2],
        "initials": sample.name_initials[:2],
    }
    c_sales, c_sm, c_cm = _client(sales), _client(sm), _client(cm)
    n_timeline = Activity.objects.filter(customer_id=detail_id).count()
    info = {
        "sales": {"username": sales.username, "customers": top_owner["n"]},
        "site_manager": {"username": sm.username, "site": site.code, "customers": site.customers.count()},
        "sites": site.__class__.objects.count(),
        "detail": {"customer": detail_id, "activities": n_timeline},
        "terms": terms,
    }

    def detail() -> None:
        _get(c_sales, f"/api/v1/customers/{detail_id}/")
        _get(c_sales, f"/api/v1/activities/?customer={detail_id}")

    def raw_detail() -> None:
        _fetch(f"SELECT c.*, u.*, s.*, src.* {_JOINS} WHERE c.id = %s", [detail_id])
        _interests([detail_id])
        _fetch(
            "SELECT a.*, u.* FROM sales_activity a JOIN org_user u ON u.id = a.user_id "
            f"WHERE a.customer_id = %s ORDER BY a.occurred_at DESC, a.id DESC LIMIT {PAGE}",
            [detail_id],
        )
        _fetch("SELECT COUNT(*) FROM sales_activity a WHERE a.customer_id = %s", [detail_id])

    def export(fmt: str) -> Callable[[], None]:
        def run() -> None:
            with override_settings(LOUPAN_EXPORT_MAX_ROWS=EXPORT_ROWS):
                _get(c_cm, f"/api/v1/customers/export/?format={fmt}")

        return run

    search = "/api/v1/customers/?search="
    scenarios = [
        Scenario("baseline", "Baseline: search with no match (fixed cost of a request)",
                 lambda: _get(c_cm, search + "10000000000"), lambda: _raw_page("c.phone = %s", ["10000000000"])),
        Scenario("list_sales", "Customer list p.1, salesperson", lambda: _get(c_sales, "/api/v1/customers/"),
                 lambda: _raw_page("c.owner_id = %s AND c.in_pool = %s", [sales.pk, False])),
        Scenario("pool_sales", "Pool list p.1, salesperson (in_pool=true)",
                 lambda: _get(c_sales, "/api/v1/customers/?in_pool=true"),
                 lambda: _raw_page("c.in_pool = %s AND c.site_id = %s", [True, site.pk])),
        Scenario("list_site_manager", "Customer list p.1, site manager", lambda: _get(c_sm, "/api/v1/customers/"),
                 lambda: _raw_page("c.site_id = %s", [site.pk])),
        Scenario("list_company_manager", "Customer list p.1, company manager",
                 lambda: _get(c_cm, "/api/v1/customers/"), lambda: _raw_page("1 = 1", [])),
        Scenario("search_phone", "Search full phone (company manager)",
                 lambda: _get(c_cm, search + terms["phone"]), lambda: _raw_page("c.phone = %s", [terms["phone"]])),
        Scenario("search_last4", "Search phone last 4 (company manager)",
                 lambda: _get(c_cm, search + terms["last4"]),
                 lambda: _raw_page("c.phone_last4 = %s", [terms["last4"]])),
        Scenario("search_name", "Search 2-char name prefix (company manager)",
                 lambda: _get(c_cm, search + terms["name"]), lambda: _raw_name(terms["name"])),
        Scenario("search_initials", "Search pinyin initials (company manager)",
                 lambda: _get(c_cm, search + terms["initials"]),
                 lambda: _raw_prefix("name_initials", terms["initials"])),
        Scenario("detail", "Customer detail + activity timeline (2 requests)", detail, raw_detail),
        Scenario("export_csv", f"Export {EXPORT_ROWS:,} rows CSV (company manager)", export("csv"),
                 lambda: _raw_export(EXPORT_ROWS)),
        Scenario("export_xlsx", f"Export {EXPORT_ROWS:,} rows XLSX (company manager)", export("xlsx"),
                 lambda: _raw_export(EXPORT_ROWS)),
    ]  # fmt: skip
    counts = {
        "baseline": 0,
        "list_sales": _count(c_sales, "/api/v1/customers/"),
        "pool_sales": _count(c_sales, "/api/v1/customers/?in_pool=true"),
        "list_site_manager": _count(c_sm, "/api/v1/customers/"),
        "list_company_manager": _count(c_cm, "/api/v1/customers/"),
        **{f"search_{k}": _count(c_cm, search + v) for k, v in terms.items()},
        "detail": n_timeline,
        "export_csv": min(EXPORT_ROWS, size),
        "export_xlsx": min(EXPORT_ROWS, size),
    }
    for s in scenarios:
        s.matches = counts[s.key]
    return scenarios, info


def _raw_prefix(column: str, prefix: str) -> int:
    if connection.vendor == "postgresql":
        return _raw_page(f"c.{column} LIKE %s", [prefix.replace("%", r"\%").replace("_", r"\_") + "%"])
    return _raw_page(f"c.{column} >= %s AND c.{column} < %s", [prefix, prefix + "\U0010ffff"])


def _raw_name(prefix: str) -> int:
    return _raw_prefix("name", prefix)


def _median_ms(fn: Callable[[], Any], repeat: int, warm_up: bool = True) -> tuple[float, list[float]]:
    if warm_up:  # caches, the OS page cache
        fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), times


def measure(scenarios: list[Scenario], repeat: int) -> list[dict[str, Any]]:
    results = []
    for s in scenarios:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            s.run()
            once = time.perf_counter() - started
        sql = [q["sql"] for q in ctx.captured_queries]  # now: the next request resets the log
        n = repeat if once < 1 else min(repeat, 3)  # exports take seconds: three runs are enough
        app_ms, app_times = _median_ms(s.run, n, warm_up=False)  # the counted run warmed up
        raw_ms, raw_times = _median_ms(s.raw, n)
        results.append(
            {
                "key": s.key,
                "title": s.title,
                "matches": s.matches,
                "app_ms": round(app_ms, 2),
                "raw_ms": round(raw_ms, 2),
                "ratio": round(app_ms / raw_ms, 1) if raw_ms else None,
                "queries": len(sql),
                "sql": [q[:600] for q in sql],
                "runs": n,
                "load_average": round(os.getloadavg()[0], 2),
                "app_times": [round(t, 2) for t in app_times],
                "raw_times": [round(t, 2) for t in raw_times],
            }
        )
        print(
            f"  {s.title:<48} {app_ms:9.1f} ms  raw {raw_ms:8.2f} ms  x{app_ms / raw_ms if raw_ms else 0:6.1f}"
            f"  {len(sql):2d} queries  ({s.matches} matches, load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    return results
