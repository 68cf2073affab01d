"""Report benchmarks (``python -m bench --suite reports``): every registered report, timed through
the API against the same aggregate SQL run directly, and the segmentation job.

The generated company (bench/load.py) has customers and follow-ups; the reports on sales
also need inventory and deals, so ``ensure_deals`` adds, once per bench database, a project
per site (two buildings of 25 floors x 5 units: 250 units, 100,000 at 400 sites) and sells
its units to the site's customers whose status is subscribed, contracted or owner: a
subscription each, a contract for the contracted and owners with a two-item schedule,
payments (in full for owners, the down payment for the contracted), handovers.

``BENCH_REPORTS=slug,slug`` limits the run to those reports. Each report is a real request (``GET /api/v1/reports/<slug>/`` with a token, as the company
manager, whose scope is the whole company: the largest aggregate). Its ``raw`` counterpart
replays the exact SQL statements the report engine issued (the grouped aggregates and the
name look-ups, captured with ``connection.execute_wrapper``) on the same connection, so the
ratio is what the app adds on top of the database's own work: query building, labels,
ratios, the chart option, JSON.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

DEALS_VERSION = "1"
FLOORS, STACKS = 25, 5
LAYOUTS = [
    ("2室1厅1卫", 2, 89),
    ("3室2厅1卫", 3, 105),
    ("3室2厅2卫", 3, 125),
    ("4室2厅2卫", 4, 143),
    ("2室2厅1卫", 2, 92),
]


def ensure_deals(seed: int = 1) -> dict[str, int]:
    """Inventory and deals for the generated customers (once per bench database)."""
    from bench import load

    meta = load.read_meta()
    if meta.get("deals_version") == DEALS_VERSION:
        return {k: int(v) for k, v in meta.items() if k.startswith("deal_")}
    from loupan.customers.models import Customer
    from loupan.inventory.models import Building, Project, Unit
    from loupan.org.models import Site
    from loupan.sales.models import Contract, Handover, Payment, PaymentScheduleItem, Subscription

    started = time.perf_counter()
    rng = random.Random(f"bench-deals-{seed}")
    now = timezone.now()
    counts = {"deal_units": 0, "deal_subscriptions": 0, "deal_contracts": 0, "deal_payments": 0}
    from loupan.org.models import User

    fallback_user = User.objects.filter(role="company_manager").first()
    for site in Site.objects.order_by("id"):
        project = Project.objects.create(name=f"{site.name}·{site.code}", city="杭州")
        Site.objects.filter(pk=site.pk).update(project=project)
        base = rng.randint(25, 60) * 1000
        units = []
        for b in (1, 2):
            building = Building.objects.create(project=project, name=f"{b}号楼", floors=FLOORS)
            for floor in range(1, FLOORS + 1):
                for stack, (layout, bedrooms, area) in enumerate(LAYOUTS, start=1):
                    unit_price = Decimal(base + floor * 150)
                    units.append(Unit(building=building, project=project, number=f"{floor}{stack:02d}", floor=floor,
                                      stack=stack, layout=layout, bedrooms=bedrooms, area=Decimal(area),
                                      unit_price=unit_price, total_price=unit_price * area))  # fmt: skip
        Unit.objects.bulk_create(units, batch_size=1000)
        units = list(Unit.objects.filter(project=project).order_by("id"))
        rng.shuffle(units)
        counts["deal_units"] += len(units)
        buyers = list(
            Customer.objects.filter(site=site, status__in=["subscribed", "contracted", "owner"])
            .order_by("id").values_list("id", "status", "owner_id", "created_at")
        )  # fmt: skip
        subs, sold = [], []
        for unit, (cid, status, owner_id, created) in zip(units, buyers, strict=False):
            price = (unit.total_price * Decimal(rng.choice([1, 0.99, 0.98, 0.97]))).quantize(Decimal("0.01"))
            at = min(created + dt.timedelta(days=rng.randint(3, 40)), now)
            subs.append(Subscription(unit=unit, customer_id=cid, price=price, deposit=Decimal(50_000),
                                     sign_deadline=at.date(), created_by_id=owner_id or fallback_user.pk,
                                     created_at=at, status="active" if status == "subscribed" else "contracted"))  # fmt: skip
            unit.status = {"subscribed": "subscribed", "contracted": "contracted", "owner": "handed_over"}[
                status
            ]
            sold.append((unit, status))
        Subscription.objects.bulk_create(subs, batch_size=1000)
        Unit.objects.bulk_update([u for u, _s in sold], ["status"], batch_size=1000)
        contracts = [
            Contract(subscription=s, unit_id=s.unit_id, customer_id=s.customer_id, list_price=s.unit.total_price,
                     price=s.price, discount_percent=((1 - s.price / s.unit.total_price) * 100).quantize(Decimal("0.01")),
                     payment_method=rng.choice(["full", "mortgage", "mortgage", "installment"]),
                     signed_at=min(s.created_at + dt.timedelta(days=7), now), status="active",
                     created_by_id=s.created_by_id, created_at=s.created_at)
            for s in subs if s.status == "contracted"
        ]  # fmt: skip
        Contract.objects.bulk_create(contracts, batch_size=1000)
        owners = {s.customer_id for s, (_u, st) in zip(subs, sold, strict=True) if st == "owner"}
        items, payments, handovers = [], [], []
        for k in contracts:
            down = (k.price * Decimal("0.3")).quantize(Decimal("0.01"))
            items += [PaymentScheduleItem(contract=k, seq=1, due_date=(k.signed_at + dt.timedelta(days=7)).date(),
                                          amount=down, kind="down_payment"),
                      PaymentScheduleItem(contract=k, seq=2, due_date=(k.signed_at + dt.timedelta(days=60)).date(),
                                          amount=k.price - down, kind="mortgage")]  # fmt: skip
            paid = k.price if k.customer_id in owners else down
            payments.append(Payment(contract=k, customer_id=k.customer_id, amount=paid, method="transfer",
                                    received_at=min(k.signed_at + dt.timedelta(days=5), now),
                                    recorded_by_id=k.created_by_id))  # fmt: skip
            if k.customer_id in owners:
                handovers.append(Handover(contract=k, customer_id=k.customer_id, by_id=k.created_by_id,
                                          handed_over_at=min(k.signed_at + dt.timedelta(days=90), now)))  # fmt: skip
        PaymentScheduleItem.objects.bulk_create(items, batch_size=1000)
        Payment.objects.bulk_create(payments, batch_size=1000)
        Handover.objects.bulk_create(handovers, batch_size=1000)
        counts["deal_subscriptions"] += len(subs)
        counts["deal_contracts"] += len(contracts)
        counts["deal_payments"] += len(payments)
    counts["deal_seconds"] = round(time.perf_counter() - started)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    load.write_meta({**meta, **counts, "deals_version": DEALS_VERSION})
    load.log(f"inventory and deals: {counts}")
    return counts


class _Recorder:
    """Records (sql, params) of every statement: the report engine's own queries, to replay."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute, sql, params, many, context):  # noqa: ANN001, ANN204
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def _engine_sql(report: Any, user: Any) -> list[tuple[str, Any]]:
    from loupan.analytics import engine

    recorder = _Recorder()
    with connection.execute_wrapper(recorder):
        engine.run(report, user=user)
    return recorder.statements


def _replay(statements: list[tuple[str, Any]]) -> int:
    rows = 0
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return rows


def run(size: int, repeat: int) -> dict[str, Any]:
    """Every report for the company manager, then the segmentation job on every intention."""
    from bench.scenarios import _client, _get, _median_ms
    from loupan.analytics import segmentation
    from loupan.analytics.registry import REGISTRY
    from loupan.customers.models import Customer
    from loupan.org.models import User

    deals = ensure_deals()
    cm = User.objects.get(username="demo_cm")
    client = _client(cm)
    results = []
    only = [s for s in os.environ.get("BENCH_REPORTS", "").split(",") if s]  # a subset, e.g. at 1M customers
    for slug, report in REGISTRY.items():
        if only and slug not in only:
            continue
        statements = _engine_sql(report, cm)  # also warms the caches
        started = time.perf_counter()
        body = _get(client, f"/api/v1/reports/{slug}/")
        once = time.perf_counter() - started
        if once < 2:
            app_ms, _t = _median_ms(
                lambda slug=slug: _get(client, f"/api/v1/reports/{slug}/"), repeat, warm_up=False
            )
            raw_ms, _t = _median_ms(lambda st=statements: _replay(st), repeat)
        else:  # seconds each (1M customers): one run of each, the capture run having warmed the caches
            app_ms = once * 1000
            raw_ms, _t = _median_ms(lambda st=statements: _replay(st), 1, warm_up=False)
        rows = len(body.json()["rows"]) if hasattr(body, "json") else 0
        results.append({"slug": slug, "category": report.category, "app_ms": round(app_ms, 1),
                        "raw_ms": round(raw_ms, 1), "ratio": round(app_ms / raw_ms, 2) if raw_ms else None,
                        "overhead_ms": round(app_ms - raw_ms, 1),
                        "queries": len(statements), "rows": rows})  # fmt: skip
        print(f"  {slug:<52} {app_ms:9.1f} ms  raw {raw_ms:9.1f} ms  x{app_ms / raw_ms if raw_ms else 0:5.2f}"
              f"  {len(statements)} q  {rows} rows", flush=True)  # fmt: skip
    started = time.perf_counter()
    import sklearn.cluster  # noqa: F401  (loaded once per worker process; timed apart)

    import_seconds = time.perf_counter() - started
    started = time.perf_counter()
    seg = segmentation.compute(Customer.objects.visible_to(cm), k=None)
    seg_seconds = time.perf_counter() - started
    print(f"  segmentation: {seg.intentions:,} intentions, sample {seg.sample_size:,}, k={seg.k}, "
          f"{seg_seconds:.1f} s", flush=True)  # fmt: skip
    return {
        "reports": results,
        "deals": deals,
        "segmentation": {
            "intentions": seg.intentions,
            "sample_size": seg.sample_size,
            "k": seg.k,
            "seconds": round(seg_seconds, 1),
            "silhouette": seg.silhouette,
            "import_seconds": round(import_seconds, 1),
            "labels": [s["label"] for s in seg.segments],
        },  # fmt: skip
    }


def markdown(results: list[dict[str, Any]]) -> str:
    """Per report and size: app ms (replayed SQL ms, ratio); the segmentation job per size."""
    sizes = [r["size"] for r in results]
    lines = ["| Report | " + " | ".join(f"{s:,} customers" for s in sizes) + " |",
             "|---|" + "---:|" * len(sizes)]  # fmt: skip
    for i, first in enumerate(results[0]["reports"]["reports"]):
        cells = []
        for r in results:
            x = r["reports"]["reports"][i]
            cells.append(
                f"{x['app_ms']:,.1f} ms (SQL {x['raw_ms']:,.1f}, x{x['ratio']}, +{x['overhead_ms']:,.1f})"
            )
        lines.append(f"| `{first['slug']}` | " + " | ".join(cells) + " |")
    segs = [f"- {r['size']:,} customers: segmentation of {r['reports']['segmentation']['intentions']:,} intentions "
            f"(sample {r['reports']['segmentation']['sample_size']:,}, k={r['reports']['segmentation']['k']}) in "
            f"{r['reports']['segmentation']['seconds']} s; deals loaded: {r['reports']['deals']}" for r in results]  # fmt: skip
    return "\n".join(lines) + "\n\n" + "\n".join(segs) + "\n"
