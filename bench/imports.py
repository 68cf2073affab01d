"""Import benchmark (``python -m bench --suite imports``): legacy customer files through the
import service, validate (dry run) and commit, at growing sizes, with the peak memory.

Each size runs in its own process on a fresh database (SQLite: ``var/bench/imports-N.sqlite3``;
PostgreSQL: the bench database named by ``DATABASE_URL``, wiped), with 10 sites and 8
salespeople who work at all of them. The file is the synthetic old-system export
(``loupan.exchange.legacy_data``: GB18030 CSV, Chinese headers, mixed date forms, money
with separators or 万, phones with spaces or +86), without bad rows. Timed: the dry run
(every row validated and written, then rolled back), the commit, and the same file again
(nothing to write: every row unchanged). Peak memory is the worker's ``ru_maxrss``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "var" / "bench" / "imports"
SITES = [f"S{i}" for i in range(1, 11)]
SALESPEOPLE = [f"顾问{i}" for i in range(1, 9)]


def _url(size: int) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        if "bench" not in url.rsplit("/", 1)[-1]:
            raise SystemExit("DATABASE_URL must name a database containing 'bench': it is wiped.")
        return url
    path = WORK / f"imports-{size}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def main(args) -> None:  # noqa: ANN001 - the orchestrator's argparse namespace
    WORK.mkdir(parents=True, exist_ok=True)
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    results = []
    for size in sizes:
        out = WORK / f".result-{size}.json"
        env = {**os.environ, "BENCH_DATABASE_URL": _url(size), "DJANGO_SETTINGS_MODULE": "bench.settings"}
        subprocess.run(
            [sys.executable, "-m", "bench.imports", str(size), str(out)], cwd=ROOT, env=env, check=True
        )
        results.append(json.loads(out.read_text()))
        out.unlink()
        print(json.dumps(results[-1], ensure_ascii=False))
    text = markdown(results)
    print("\n" + text)
    if args.update_readme:
        from bench.__main__ import update_readme

        update_readme(f"imports-{results[0]['vendor']}", text)


def markdown(results: list[dict]) -> str:
    r0 = results[0]
    lines = [
        f"Measured {dt.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {r0['vendor']} {r0['db_version']}; one run per size; wall time "
        "(rows/s); CPU = user + system time of the importing process (the database server's excluded).\n",
        "| Rows | File | Validate (dry run) | Commit | Same file again | Import process CPU (validate / commit) "
        "| Peak memory (ru_maxrss) | Load avg |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['size']:,} | {r['file_mb']:.1f} MB | {r['validate_s']:.1f} s ({r['validate_rows_s']:,.0f} rows/s) "
            f"| {r['commit_s']:.1f} s ({r['commit_rows_s']:,.0f} rows/s) | {r['rerun_s']:.1f} s "
            f"({r['rerun_unchanged']:,} unchanged) | {r['validate_cpu_s']:.1f} s / {r['commit_cpu_s']:.1f} s "
            f"| {r['maxrss_mb']:.0f} MB | {r['load']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(size: int, out: Path) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection

    from loupan.exchange import services
    from loupan.exchange.legacy_data import CUSTOMER_HEADERS, customer_rows, write_csv
    from loupan.org.models import Site, User

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0, interactive=False)
    settings.LOUPAN_IMPORT_INLINE_BYTES = 1 << 40  # run in this process, timed
    settings.VAR_DIR = WORK
    sites = [Site.objects.create(code=code, name=f"案场{code}") for code in SITES]
    for i, name in enumerate(SALESPEOPLE):
        user = User.objects.create(username=f"bench_s{i}", full_name=name, role="sales")
        user.sites.set(sites)
    admin = User.objects.create(username="bench_admin", role="admin")

    path = WORK / f"customers-{size}.csv"
    started = time.perf_counter()
    write_csv(path, CUSTOMER_HEADERS, customer_rows(size, sites=SITES, salespeople=SALESPEOPLE, seed=7))
    generated = time.perf_counter() - started
    rss_before = _maxrss_mb()

    def upload():  # noqa: ANN202
        with open(path, "rb") as fh:
            return services.import_create(
                actor=admin, kind="customers", file=File(fh, name=path.name), draft=True
            )

    def timed(start):  # noqa: ANN001, ANN202 - start() queues the job: its upload is timed too
        started, cpu = time.perf_counter(), _cpu_s()
        job = services.run_now_if_small(start())
        assert job.status == "succeeded", (job.status, job.failure, job.errors[:3])
        cpu_used[job.pk] = _cpu_s() - cpu
        return job, time.perf_counter() - started

    cpu_used: dict[int, float] = {}
    dry, validate_s = timed(lambda: services.import_start(actor=admin, job=upload(), dry_run=True))
    committed, commit_s = timed(lambda: services.import_commit(actor=admin, job=dry))
    # the same file uploaded again and imported straight away: every row is unchanged
    again, rerun_s = timed(lambda: services.import_start(actor=admin, job=upload(), dry_run=False))
    with connection.cursor() as cursor:
        cursor.execute(
            "SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()"
        )
        version = cursor.fetchone()[0]
    result = {
        "size": size, "vendor": connection.vendor, "db_version": version,
        "file_mb": path.stat().st_size / 1e6, "generate_s": round(generated, 1),
        "validate_s": validate_s, "validate_rows_s": size / validate_s,
        "commit_s": commit_s, "commit_rows_s": size / commit_s, "created": committed.created,
        "rerun_s": rerun_s, "rerun_unchanged": again.unchanged,
        "validate_cpu_s": cpu_used[dry.pk], "commit_cpu_s": cpu_used[committed.pk], "rerun_cpu_s": cpu_used[again.pk],
        "maxrss_mb": _maxrss_mb(), "maxrss_before_import_mb": rss_before,
        "load": os.getloadavg()[0],
    }  # fmt: skip
    assert committed.created == size and again.unchanged == size
    path.unlink()
    out.write_text(json.dumps(result))


if __name__ == "__main__":
    worker(int(sys.argv[1]), Path(sys.argv[2]))
