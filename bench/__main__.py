"""``python -m bench`` (``make bench``): generate data at each size, measure, report.

    make bench                                   # SQLite, 10,000 / 100,000 / 1,000,000
    make bench BENCH_ARGS="--sizes 10000,100000 --repeat 5"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/loupan_bench make bench

SQLite: one file per size under var/bench/, kept and reused while the generator and
seed are the same (``--regenerate`` forces a new one). PostgreSQL: the database named
by DATABASE_URL (its name must contain "bench": it is wiped), reloaded when the size
changes. Every size runs in its own process. Results go to bench/results/ (JSON) and,
with ``--update-readme``, into the results section of bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "bench"
RESULTS_DIR = ROOT / "bench" / "results"
README = ROOT / "bench" / "README.md"


def _database_url(size: int) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        name = url.rsplit("/", 1)[-1].split("?")[0]
        if "bench" not in name:
            raise SystemExit(
                f"DATABASE_URL names {name!r}: the bench wipes its database, so its name must contain 'bench'."
            )
        return url
    return f"sqlite:///{BENCH_DIR / f'loupan-bench-{size}.sqlite3'}"


def _sqlite_path(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:") else None


def _stale(path: Path, size: int, seed: int) -> bool:
    import sqlite3

    from bench import GENERATOR_VERSION

    if not path.exists():
        return False
    try:
        with sqlite3.connect(path) as db:
            meta = dict(db.execute("SELECT key, value FROM bench_meta").fetchall())
    except sqlite3.Error:
        return True
    return (
        meta.get("size") != str(size)
        or meta.get("seed") != str(seed)
        or meta.get("version") != GENERATOR_VERSION
    )


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def run_size(size: int, args: argparse.Namespace) -> dict:
    url = _database_url(size)
    path = _sqlite_path(url)
    if path is not None:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        if args.regenerate or _stale(path, size, args.seed):
            _remove(path)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f".worker-{size}.json"
    cmd = [sys.executable, "-m", "bench.worker", "--size", str(size), "--seed", str(args.seed),
           "--repeat", str(args.repeat), "--suite", args.suite, "--out", str(out)]  # fmt: skip
    if args.regenerate and path is None:
        cmd.append("--regenerate")
    if args.generate_only:
        cmd.append("--generate-only")
    env = {**os.environ, "BENCH_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    result = json.loads(out.read_text())
    out.unlink()
    return result


def run_suite(name: str, args: argparse.Namespace) -> None:
    """A suite of its own (``bench/<name>.py``, e.g. deals): one process on a fresh database."""
    url = _database_url(0).replace("loupan-bench-0.", f"loupan-bench-{name}.")
    if (path := _sqlite_path(url)) is not None:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        _remove(path)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f".{name}.json"
    env = {**os.environ, "BENCH_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    cmd = [sys.executable, "-m", f"bench.{name}", "--repeat", str(args.repeat), "--out", str(out)]
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    result = json.loads(out.read_text())
    out.rename(RESULTS_DIR / f"{name}-{result['vendor']}-{dt.datetime.now():%Y%m%d-%H%M%S}.json")
    print("\n" + result["markdown"])
    if args.update_readme:
        update_readme(f"{name}-{result['vendor']}", result["markdown"])


def _fmt_ms(ms: float) -> str:
    return f"{ms:,.1f}" if ms >= 10 else f"{ms:.2f}"


def markdown(results: list[dict]) -> str:
    """Per scenario and size: median ms through the app, raw SQL, ratio, queries, matches."""
    sizes = [r["size"] for r in results]
    vendor = results[0]["vendor"]
    head = "| Scenario | " + " | ".join(f"{s:,} customers" for s in sizes) + " | Queries |"
    lines = [head, "|---|" + "---:|" * len(sizes) + "---:|"]
    keys = [x["key"] for x in results[0].get("results", [])]
    for key in keys:
        cells, queries, title = [], [], ""
        for r in results:
            x = next(x for x in r["results"] if x["key"] == key)
            title = x["title"]
            cells.append(
                f"{_fmt_ms(x['app_ms'])} ms (SQL {_fmt_ms(x['raw_ms'])}, x{x['ratio']}) [{x['matches']:,}]"
            )
            queries.append(str(x["queries"]))
        q = queries[0] if len(set(queries)) == 1 else " / ".join(queries) + " (varies!)"
        lines.append(f"| {title} | " + " | ".join(cells) + f" | {q} |")
    facts = []
    for r in results:
        m, info = r["meta"], r.get("info", {})
        facts.append(
            f"- {int(m['size']):,} customers ({vendor} {r.get('db_version', '')}): {int(m['activities']):,} activities, "
            f"{int(m['interests']):,} interest tags, {m['sites']} sites, {m['users']} users; generated in "
            f"{float(m['generation_seconds']):,.0f} s. Salesperson `{info.get('sales', {}).get('username')}` owns "
            f"{info.get('sales', {}).get('customers')}; site manager's site has "
            f"{info.get('site_manager', {}).get('customers')}; timeline of {info.get('detail', {}).get('activities')} "
            f"activities; search terms {info.get('terms')}."
        )
    return "\n".join(lines) + "\n\n" + "\n".join(facts) + "\n"


def update_readme(vendor: str, text: str) -> None:
    begin, end = f"<!-- results:{vendor}:begin -->", f"<!-- results:{vendor}:end -->"
    readme = README.read_text() if README.exists() else ""
    block = f"{begin}\n{text}{end}"
    if begin in readme and end in readme:
        before, rest = readme.split(begin, 1)
        readme = before + block + rest.split(end, 1)[1]
    else:
        readme += f"\n{block}\n"
    README.write_text(readme)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated customer counts")
    parser.add_argument(
        "--repeat", type=int, default=7, help="timed runs per scenario (the median is reported)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--regenerate", action="store_true", help="generate the data again even if present")
    parser.add_argument("--generate-only", action="store_true", help="only make sure the data exists")
    parser.add_argument("--update-readme", action="store_true", help="write the table into bench/README.md")
    parser.add_argument("--suite", choices=["all", "scenarios", "reports", "deals", "imports"], default="all",
                        help="the request scenarios, the reports (bench/reports.py), or both; "
                        "deals (bench/deals.py) runs on its own data; imports (bench/imports.py) on its "
                        "own databases, one per size")  # fmt: skip
    args = parser.parse_args()
    if args.suite == "deals":
        return run_suite(args.suite, args)
    if args.suite == "imports":
        from bench import imports

        return imports.main(args)
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())

    results = [run_size(size, args) for size in sizes]
    if args.generate_only:
        return
    vendor = results[0]["vendor"]
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS_DIR / f"{vendor}-{stamp}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    header = (
        f"Measured {dt.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; median of {args.repeat} runs after one warm-up; "
        "cells: app ms (raw SQL ms, ratio) [rows matched].\n\n"
    )
    if args.suite != "reports":
        text = header + markdown(results)
        print("\n" + text)
        if args.update_readme:
            update_readme(vendor, text)
            print(f"Wrote the {vendor} results into {README.relative_to(ROOT)}")
    if args.suite != "scenarios":
        from bench import reports

        text = header.replace("median of", "median of up to") + reports.markdown(results)
        print("\n" + text)
        if args.update_readme:
            update_readme(f"reports-{vendor}", text)
            print(f"Wrote the {vendor} report results into {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
