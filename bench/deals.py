"""Deals suite (``python -m bench --suite deals``): the 销控 grid and subscription throughput.

(a) The sales-control grid of a 2,000-unit project (four buildings of 40 floors x 8
units and four of 30 x 6, 45% sold): the grid page and its polled body for the largest
building, ``GET buildings/{id}/grid/`` for it and for every building of the project,
and the project's units through ``GET units/?project=`` (4 pages of 500); each against
hand-written SQL that reads the same rows.

(b) Subscription throughput: 8 clients (threads, each with its own database connection
and API token) POST ``subscriptions/`` through the whole stack. First each client
subscribes its own units (no contention), then every client goes for the same unit at
once, unit after unit: exactly one may win each (201), the others get 409
``unit_unavailable``. Reports subscriptions per second and the winners per unit.

Runs in its own process on a fresh database (SQLite: var/bench/loupan-bench-deals.sqlite3;
PostgreSQL: the bench database, wiped). Prints a Markdown block and writes JSON to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

CLIENTS = 8
BIG = (4, 40, 8)  # buildings, floors, units per floor
SMALL = (4, 30, 6)
SOLD_SHARE = 0.45


def setup_world(seed: int = 1) -> dict[str, Any]:
    """A site with its project (2,000 units), a manager, 8 salespeople and their customers."""
    from django.contrib.auth.hashers import make_password

    from loupan.core import demo
    from loupan.customers.models import Customer
    from loupan.customers.sources import ensure_default_sources
    from loupan.inventory.models import Building, Project, Unit
    from loupan.org.models import Company, Site, User

    rng = random.Random(f"bench-deals-{seed}")
    ensure_default_sources()
    Company.objects.get_or_create(name=demo.COMPANY_NAME)
    project = Project.objects.create(name="基准测试·云澜湾", city="杭州")
    site = Site.objects.create(code="BENCH", name="云澜湾案场", project=project)
    password = make_password(None)
    manager = User.objects.create(
        username="bench_sm", full_name="经理", role="site_manager", password=password
    )
    sales = [
        User.objects.create(username=f"bench_s{i}", full_name=f"顾问{i}", role="sales", password=password)
        for i in range(CLIENTS)
    ]
    for user in [manager, *sales]:
        user.sites.set([site])
    units, statuses = [], ["subscribed", "contracted", "handed_over"]
    for kind, (n, floors, stacks) in (("A", BIG), ("B", SMALL)):
        for b in range(n):
            building = Building.objects.create(project=project, name=f"{kind}{b + 1}栋", floors=floors)
            for floor in range(1, floors + 1):
                for stack in range(1, stacks + 1):
                    area = Decimal(rng.choice(("89.00", "105.50", "118.00", "143.00")))
                    price = Decimal(30000 + floor * 150)
                    sold = rng.random() < SOLD_SHARE
                    units.append(Unit(
                        building=building, project=project, number=f"{floor}{stack:02d}", floor=floor,
                        stack=stack, layout="3室2厅2卫", bedrooms=3, area=area, unit_price=price,
                        total_price=(price * area).quantize(Decimal(1)),
                        status=rng.choice(statuses) if sold else "available",
                    ))  # fmt: skip
    Unit.objects.bulk_create(units, batch_size=1000)
    staff = [demo.SiteStaff(site_id=site.pk, pool_after_days=30, sales_ids=tuple(u.pk for u in sales))]
    gen = demo.CustomerGenerator(seed, today=demo.dt.date.today(), sites=staff)
    rows = []
    while len(rows) < 1600:
        d = gen.customer()
        if d["owner_id"]:
            d["status"] = "visited"
            rows.append(Customer(**{k: d[k] for k in demo.CUSTOMER_FIELDS}))
    Customer.objects.bulk_create(rows, batch_size=500)
    return {"project": project, "manager": manager, "sales": sales, "site": site}


# --- (a) the grid ---------------------------------------------------------------------------------


def grid_scenarios(world: dict[str, Any]) -> tuple[list, dict]:
    from django.db.models import Count
    from django.test import Client

    from bench.scenarios import Scenario, _client, _fetch, _get
    from loupan.inventory.models import Building, Unit

    project, manager = world["project"], world["manager"]
    buildings = list(Building.objects.filter(project=project).annotate(n=Count("units")).order_by("-n", "pk"))
    big = buildings[0]
    api = _client(manager)
    web = Client()
    web.force_login(manager)
    cols = ("id, building_id, project_id, number, floor, stack, layout, bedrooms, area, orientation, "
            "unit_price, total_price, status")  # fmt: skip

    def raw_building(pk: int) -> int:
        rows = _fetch(f"SELECT {cols} FROM inventory_unit WHERE building_id = %s "
                      "ORDER BY floor DESC, stack, number", [pk])  # fmt: skip
        return len(rows)

    def raw_project() -> int:
        return sum(raw_building(b.pk) for b in buildings)

    def raw_pages() -> int:
        n = 0
        for offset in range(0, 2000, 500):
            _fetch("SELECT COUNT(*) FROM inventory_unit WHERE project_id = %s", [project.pk])
            n += len(_fetch(f"SELECT * FROM inventory_unit WHERE project_id = %s ORDER BY building_id, floor DESC, "
                            f"stack LIMIT 500 OFFSET {offset}", [project.pk]))  # fmt: skip
        return n

    def all_grids() -> None:
        for b in buildings:
            _get(api, f"/api/v1/buildings/{b.pk}/grid/")

    def all_pages() -> None:
        for page in range(1, 5):
            _get(api, f"/api/v1/units/?project={project.pk}&page_size=500&page={page}")

    size = f"{big.floors} floors x {big.n // big.floors}"
    scenarios = [
        Scenario("grid_page", f"Grid page (web), largest building ({size})",
                 lambda: _get(web, f"/inventory/buildings/{big.pk}/"), lambda: raw_building(big.pk), big.n),
        Scenario("grid_body", "Grid body (the 5-second poll), largest building",
                 lambda: _get(web, f"/inventory/buildings/{big.pk}/grid/"), lambda: raw_building(big.pk), big.n),
        Scenario("grid_api", "GET buildings/{id}/grid/, largest building",
                 lambda: _get(api, f"/api/v1/buildings/{big.pk}/grid/"), lambda: raw_building(big.pk), big.n),
        Scenario("grid_api_project", f"GET buildings/{{id}}/grid/ x {len(buildings)}: the whole project",
                 all_grids, raw_project, Unit.objects.filter(project=project).count()),
        Scenario("units_project", "GET units/?project= (4 pages of 500): the whole project",
                 all_pages, raw_pages, Unit.objects.filter(project=project).count()),
    ]  # fmt: skip
    return scenarios, {"buildings": len(buildings), "largest": big.n, "units": scenarios[-1].matches}


# --- (b) subscription throughput -------------------------------------------------------------------


def _run_threads(calls: list) -> list:
    from django.db import connections

    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001 - counted by the caller
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    return results


def throughput(world: dict[str, Any], per_client: int, contended: int) -> dict[str, Any]:
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from loupan.customers.models import Customer
    from loupan.inventory.models import Unit
    from loupan.sales.models import Subscription

    sales = world["sales"]
    tokens = [Token.objects.get_or_create(user=u)[0].key for u in sales]
    customers = [
        list(Customer.objects.filter(owner=u).order_by("pk").values_list("pk", flat=True)) for u in sales
    ]
    need = per_client + contended
    assert all(len(c) >= need for c in customers), "not enough customers per salesperson"
    free = list(Unit.objects.filter(project=world["project"], status="available").order_by("pk")
                .values_list("pk", flat=True))  # fmt: skip
    own = [free[i * per_client : (i + 1) * per_client] for i in range(CLIENTS)]
    shared = free[CLIENTS * per_client : CLIENTS * per_client + contended]

    def post(i: int, unit: int, customer: int) -> tuple[int, str]:
        client = Client(HTTP_AUTHORIZATION=f"Token {tokens[i]}")
        r = client.post("/api/v1/subscriptions/", {"unit": unit, "customer": customer},
                        content_type="application/json")  # fmt: skip
        return r.status_code, (r.json().get("code", "") if r.status_code != 201 else "")

    def distinct(i: int):  # noqa: ANN202
        def run() -> list:
            return [post(i, unit, customers[i][k]) for k, unit in enumerate(own[i])]

        return run

    started = time.perf_counter()
    answers = _run_threads([distinct(i) for i in range(CLIENTS)])
    distinct_s = time.perf_counter() - started
    flat = [a for per in answers for a in (per if isinstance(per, list) else [("error", repr(per))])]
    ok = sum(1 for a in flat if a[0] == 201)

    rounds, contended_s = [], 0.0
    for n, unit in enumerate(shared):
        calls = [lambda i=i, u=unit, n=n: post(i, u, customers[i][per_client + n]) for i in range(CLIENTS)]
        started = time.perf_counter()
        got = _run_threads(calls)
        contended_s += time.perf_counter() - started
        rounds.append(got)
    winners = [sum(1 for a in got if isinstance(a, tuple) and a[0] == 201) for got in rounds]
    losers = [sum(1 for a in got if a == (409, "unit_unavailable")) for got in rounds]
    per_unit = Subscription.objects.filter(unit_id__in=shared, status="active").values_list(
        "unit_id", flat=True
    )
    return {
        "clients": CLIENTS,
        "distinct": {"attempts": len(flat), "created": ok, "seconds": round(distinct_s, 2),
                     "per_second": round(ok / distinct_s, 1), "errors": sorted({str(a) for a in flat if a[0] != 201})},
        "contended": {"units": len(shared), "attempts": CLIENTS * len(shared), "seconds": round(contended_s, 2),
                      "attempts_per_second": round(CLIENTS * len(shared) / contended_s, 1),
                      "winners_per_unit": sorted(set(winners)), "losers_409_per_unit": sorted(set(losers)),
                      "active_per_unit": sorted(set(_counts(per_unit, shared)))},
        "units_subscribed": Unit.objects.filter(pk__in=[u for o in own for u in o] + shared,
                                                status="subscribed").count(),
    }  # fmt: skip


def _counts(values: Any, keys: list[int]) -> list[int]:
    counts = dict.fromkeys(keys, 0)
    for v in values:
        counts[v] += 1
    return list(counts.values())


def markdown(vendor: str, version: str, grid: list[dict], info: dict, tp: dict, repeat: int) -> str:
    from bench.__main__ import _fmt_ms

    lines = [f"Measured on {vendor} {version}, median of {repeat} runs after one warm-up; "
             f"load average {os.getloadavg()[0]:.1f}.", "",
             "| Scenario | App | Raw SQL | Ratio | Queries | Units |", "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    for r in grid:
        lines.append(f"| {r['title']} | {_fmt_ms(r['app_ms'])} ms | {_fmt_ms(r['raw_ms'])} ms | x{r['ratio']} | "
                     f"{r['queries']} | {r['matches']:,} |")  # fmt: skip
    d, c = tp["distinct"], tp["contended"]
    lines += [
        "",
        f"Subscriptions, {tp['clients']} concurrent clients through the API: {d['created']} of {d['attempts']} "
        f"distinct units in {d['seconds']} s = **{d['per_second']} subscriptions/s**; {c['units']} units each "
        f"contended by all {tp['clients']} clients at once: {c['attempts']} attempts in {c['seconds']} s "
        f"({c['attempts_per_second']} attempts/s), winners per unit {c['winners_per_unit']}, 409 "
        f"`unit_unavailable` per unit {c['losers_409_per_unit']}, active subscriptions per unit afterwards "
        f"{c['active_per_unit']}.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--per-client", type=int, default=25)
    parser.add_argument("--contended", type=int, default=20)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import load, scenarios

    if connection.vendor == "postgresql":
        load.reset_postgresql()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    world = setup_world()
    load.log(f"world ready in {time.perf_counter() - started:.0f}s; measuring the grid")
    items, info = grid_scenarios(world)
    grid = scenarios.measure(items, args.repeat)
    load.log("subscription throughput")
    tp = throughput(world, args.per_client, args.contended)
    load.log(json.dumps(tp, ensure_ascii=False))
    with connection.cursor() as cursor:
        cursor.execute(
            "SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()"
        )
        version = cursor.fetchone()[0]
    result = {"vendor": connection.vendor, "db_version": version, "grid": grid, "info": info, "throughput": tp,
              "markdown": markdown(connection.vendor, version, grid, info, tp, args.repeat)}  # fmt: skip
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    sys.exit(main())
