"""Fast generation of a large company into the bench database.

The organisation (sites, users: a few thousand rows) goes through the ORM; customers,
their interests and activities (millions of rows) go in with raw bulk inserts:
``executemany`` on SQLite, ``COPY`` on PostgreSQL, with the secondary indexes and
constraints dropped during the load and rebuilt afterwards (one sort per index instead
of millions of random index updates). The rows come from the same generator as
``manage.py seed_demo`` (loupan.core.demo), so the bench data looks like the demo.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from bench import GENERATOR_VERSION  # noqa: E402,F401
from loupan.core import demo

CUSTOMERS_PER_SITE = 2500
BIG_TABLES = ["customers_customer", "customers_customer_interests", "sales_activity"]
_EIGHT_HOURS = dt.timedelta(hours=8)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- bookkeeping ------------------------------------------------------------------------
def read_meta() -> dict[str, str]:
    with connection.cursor() as cursor:
        if "bench_meta" not in connection.introspection.table_names(cursor):
            return {}
        cursor.execute("SELECT key, value FROM bench_meta")
        return dict(cursor.fetchall())


def write_meta(values: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key varchar(40) PRIMARY KEY, value text)")
        cursor.execute("DELETE FROM bench_meta")
        for key, value in values.items():
            cursor.execute("INSERT INTO bench_meta (key, value) VALUES (%s, %s)", [key, str(value)])


def reset_postgresql() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")


# --- the load ------------------------------------------------------------------------------
def generate(*, size: int, seed: int) -> dict[str, Any]:
    """Migrate the (empty) bench database and fill it with ``size`` customers."""
    from loupan.customers.models import Customer, Interest
    from loupan.org.models import Agency, Company, Site, User
    from loupan.sales.models import Activity

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log(f"migrated in {time.perf_counter() - started:.1f}s")
    today = timezone.localdate()
    n_sites = max(4, round(size / CUSTOMERS_PER_SITE))
    plan = demo.plan_org(seed, today=today, n_sites=n_sites)

    Company.objects.create(name=plan.company_name)
    sites = {
        s.code: s
        for s in Site.objects.bulk_create(
            Site(code=p.code, name=p.name, address=p.address, pool_after_days=p.pool_after_days)
            for p in plan.sites
        )
    }
    agency = Agency.objects.create(name=plan.agency_name, contract_start=plan.agency_contract_start)
    password = make_password(demo.DEMO_PASSWORD)
    users = User.objects.bulk_create(
        User(username=u.username, full_name=u.full_name, role=u.role, password=password, mobile=u.mobile,
             agency=agency if u.agent else None, is_staff=u.role == "admin", is_superuser=u.role == "admin")
        for u in plan.users
    )  # fmt: skip
    by_name = {u.username: u for u in users}
    User.sites.through.objects.bulk_create(
        User.sites.through(user_id=by_name[u.username].pk, site_id=sites[code].pk)
        for u in plan.users
        for code in u.site_codes
    )
    staff = []
    for sp in plan.sites:
        members = [u for u in plan.users if sp.code in u.site_codes]
        staff.append(
            demo.SiteStaff(
                site_id=sites[sp.code].pk,
                pool_after_days=sp.pool_after_days,
                sales_ids=tuple(by_name[u.username].pk for u in members if u.role == "sales"),
                agent_ids=tuple(by_name[u.username].pk for u in members if u.role == "agent"),
                weight=0.7 + (len(staff) * 7 % 10) / 15,
            )
        )
    tags = {i.name: i.pk for i in Interest.objects.bulk_create(Interest(name=n) for n in demo.INTERESTS)}
    log(f"organisation: {len(sites)} sites, {len(users)} users")

    columns = {f.attname: f.column for f in Customer._meta.concrete_fields}
    customer_cols = ["id"] + [columns[f] for f in demo.CUSTOMER_FIELDS]
    # Columns the generator does not know (added since) get their model default: the bulk load
    # writes no database defaults, and a NOT NULL column left out fails the load.
    later = [f for f in Customer._meta.concrete_fields if f.attname not in {"id", *demo.CUSTOMER_FIELDS}
             and not f.null and f.has_default()]  # fmt: skip
    customer_cols += [f.column for f in later]
    later_values = tuple(f.get_default() for f in later)
    activity_cols = ["id", "customer_id"] + [
        {f.attname: f.column for f in Activity._meta.concrete_fields}[f] for f in demo.ACTIVITY_FIELDS
    ] + ["created_at"]  # fmt: skip
    link_cols = ["id", "customer_id", "interest_id"]

    gen = demo.CustomerGenerator(seed, today=today, sites=staff)
    counts = {"customers": 0, "activities": 0, "interests": 0}
    writer = _SqliteWriter() if connection.vendor == "sqlite" else _PostgresWriter()
    load_started = time.perf_counter()
    with writer:
        conv_c, conv_a = writer.customer_converter(), writer.activity_converter()
        batch = 10_000
        done = 0
        while done < size:
            n = min(batch, size - done)
            customers, activities, links = [], [], []
            for i in range(done + 1, done + n + 1):
                d = gen.customer()
                customers.append(conv_c(i, d) + later_values)
                for a in d["activities"]:
                    counts["activities"] += 1
                    activities.append(conv_a(counts["activities"], i, a))
                for tag in d["interests"]:
                    counts["interests"] += 1
                    links.append((counts["interests"], i, tags[tag]))
            writer.write("customers_customer", customer_cols, customers)
            writer.write("sales_activity", activity_cols, activities)
            writer.write("customers_customer_interests", link_cols, links)
            done += n
            counts["customers"] = done
            if done % 100_000 == 0 or done == size:
                rate = done / (time.perf_counter() - load_started)
                log(f"{done:,} customers, {counts['activities']:,} activities ({rate:,.0f} customers/s)")
        log(f"rows loaded in {time.perf_counter() - load_started:.0f}s; rebuilding indexes")
    log(f"indexes rebuilt; total {time.perf_counter() - started:.0f}s")
    return {
        **counts,
        "sites": len(sites),
        "users": len(users),
        "today": today.isoformat(),
        "generation_seconds": round(time.perf_counter() - started, 1),
    }


class _Writer:
    """Drops the big tables' secondary indexes on entry, writes rows, rebuilds on exit."""

    def customer_converter(self) -> Callable[[int, dict], tuple]:
        fields = demo.CUSTOMER_FIELDS
        convs = [self.convert_for(f) for f in fields]
        pairs = list(zip(fields, convs, strict=True))

        def convert(i: int, d: dict) -> tuple:
            return (i, *[c(d[f]) if c else d[f] for f, c in pairs])

        return convert

    def activity_converter(self) -> Callable[[int, int, dict], tuple]:
        ts = self.convert_for("occurred_at") or (lambda v: v)

        def convert(i: int, customer_id: int, a: dict) -> tuple:
            occurred = ts(a["occurred_at"])
            nxt = a["next_action_at"]
            return (
                i,
                customer_id,
                a["user_id"],
                a["kind"],
                occurred,
                a["notes"],
                ts(nxt) if nxt else None,
                occurred,
            )

        return convert

    def convert_for(self, name: str) -> Callable[[Any], Any] | None:
        return None


class _SqliteWriter(_Writer):
    def __enter__(self) -> _SqliteWriter:
        connection.ensure_connection()
        self.db = connection.connection  # the sqlite3 connection, autocommit (isolation_level None)
        placeholders = ",".join("?" * len(BIG_TABLES))
        self.indexes = self.db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({placeholders})",
            BIG_TABLES,
        ).fetchall()
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "foreign_keys=OFF", "cache_size=-1000000",
                       "temp_store=MEMORY"):  # fmt: skip
            self.db.execute(f"PRAGMA {pragma}")
        for name, _sql in self.indexes:
            self.db.execute(f'DROP INDEX "{name}"')
        self.db.execute("BEGIN")
        return self

    def write(self, table: str, columns: list[str], rows: Iterable[tuple]) -> None:
        cols = ", ".join(f'"{c}"' for c in columns)
        self.db.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(columns))})', rows)

    def __exit__(self, exc_type, *exc) -> None:  # noqa: ANN001
        if exc_type is not None:
            self.db.execute("ROLLBACK")
            return
        self.db.execute("COMMIT")
        for name, sql in self.indexes:
            started = time.perf_counter()
            self.db.execute(sql)
            log(f"  index {name}: {time.perf_counter() - started:.1f}s")
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
            self.db.execute(f"PRAGMA {pragma}")

    def convert_for(self, name: str) -> Callable[[Any], Any] | None:
        if name in (
            "created_at",
            "updated_at",
            "last_touched_at",
            "next_action_at",
            "pooled_at",
            "occurred_at",
        ):
            # Django stores aware datetimes in SQLite as naive UTC text: "2026-05-04 02:56:00"
            return lambda v: None if v is None else str(v.replace(tzinfo=None) - _EIGHT_HOURS)
        if name == "birth_date":
            return lambda v: None if v is None else v.isoformat()
        if name.startswith(("intent_budget", "intent_area")):
            return lambda v: None if v is None else str(v)
        if name == "in_pool":
            return int
        return None


class _PostgresWriter(_Writer):
    def __enter__(self) -> _PostgresWriter:
        connection.ensure_connection()
        self.db = connection.connection  # psycopg 3
        self.db.autocommit = False
        with self.db.cursor() as cur:
            cur.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('u', 'f', 'c')",
                [BIG_TABLES],
            )
            self.constraints = cur.fetchall()
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%s) "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
                [BIG_TABLES],
            )
            self.indexes = cur.fetchall()
            for table, name, _definition in self.constraints:
                cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _definition in self.indexes:
                cur.execute(f'DROP INDEX "{name}"')
        self.db.commit()
        return self

    def write(self, table: str, columns: list[str], rows: Iterable[tuple]) -> None:
        cols = ", ".join(f'"{c}"' for c in columns)
        with self.db.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    def __exit__(self, exc_type, *exc) -> None:  # noqa: ANN001
        if exc_type is not None:
            self.db.rollback()
            self.db.autocommit = True
            return
        self.db.commit()
        with self.db.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '512MB'")
            for name, definition in self.indexes:
                started = time.perf_counter()
                cur.execute(definition)
                log(f"  index {name}: {time.perf_counter() - started:.1f}s")
            for table, name, definition in self.constraints:
                started = time.perf_counter()
                cur.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                log(f"  constraint {name}: {time.perf_counter() - started:.1f}s")
            for table in BIG_TABLES:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))"
                )
        self.db.commit()
        self.db.autocommit = True
        with self.db.cursor() as cur:
            started = time.perf_counter()
            cur.execute("VACUUM ANALYZE")  # what autovacuum would do soon after a bulk load
            log(f"  vacuum analyze: {time.perf_counter() - started:.1f}s")
