"""One size in one process: make sure the data is there, then measure.

Run by ``python -m bench`` with ``BENCH_DATABASE_URL`` set; prints progress and writes
the results as JSON to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--suite", choices=["all", "scenarios", "reports"], default="all")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.db import connection

    from bench import load, scenarios

    wanted = {"size": str(args.size), "seed": str(args.seed), "version": load.GENERATOR_VERSION}
    meta = load.read_meta()
    if args.regenerate or not meta or any(meta.get(k) != v for k, v in wanted.items()):
        if meta or connection.vendor == "postgresql":
            if connection.vendor != "postgresql":
                raise SystemExit("stale SQLite bench database: the orchestrator removes it before a reload")
            load.log("resetting the PostgreSQL bench database")
            load.reset_postgresql()
        load.log(f"generating {args.size:,} customers ({connection.vendor})")
        summary = load.generate(size=args.size, seed=args.seed)
        load.write_meta({**wanted, **summary})
        meta = load.read_meta()
    else:
        load.log(f"reusing the {args.size:,}-customer data generated on {meta.get('today')}")
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)  # new indexes since the load
    result: dict = {"size": args.size, "vendor": connection.vendor, "meta": meta}
    if not args.generate_only:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SHOW server_version")
            else:
                cursor.execute("SELECT sqlite_version()")
            result["db_version"] = cursor.fetchone()[0]
        load.log("measuring")
        started = time.perf_counter()
        if args.suite in ("all", "scenarios"):
            items, info = scenarios.build(args.size)
            from bench import worklogs

            extra, info["worklogs"] = worklogs.build(args.size)
            items += extra
            result["info"] = info
            result["results"] = scenarios.measure(items, args.repeat)
        if args.suite in ("all", "reports"):
            from bench import reports

            result["reports"] = reports.run(args.size, args.repeat)
        result["measure_seconds"] = round(time.perf_counter() - started, 1)
    result["python"] = platform.python_version()
    result["cpus"] = os.cpu_count()
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    sys.exit(main())
