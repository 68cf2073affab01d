"""Settings of the benchmark workers: the base settings on the bench database.

The orchestrator (``python -m bench``) passes the database in ``BENCH_DATABASE_URL``,
never the developer's own database.
"""

import os

import environ

from config.settings.base import *  # noqa: F401,F403

DEBUG = False
EMBEDDED_SCHEDULER = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # users are inserted, never log in
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}

_url = os.environ.get("BENCH_DATABASE_URL")
if not _url:
    raise RuntimeError("Run the benchmarks with `python -m bench` (BENCH_DATABASE_URL is not set).")
_db = environ.Env.db_url_config(_url)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {  # as config.settings.base sets them for SQLite
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
_db["ATOMIC_REQUESTS"] = False
DATABASES = {"default": _db}

# The reports suite measures computing a report: never answer it from the results cache.
LOUPAN_REPORT_CACHE_SLOW_SECONDS = float("inf")
