"""The embedded scheduler: daily jobs inside the web process when there is no Celery.

With REDIS_URL set, Celery beat runs the schedule (CELERY_BEAT_SCHEDULE). Without
it, `make run` must still release idle customers every day with nothing else to
start, so a daemon thread in the serving process checks every few minutes whether
each daily job has run today and runs the ones that have not. A ``JobRun`` row per
job makes this safe across restarts and against two processes (the row is locked).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DAILY_JOBS: dict[str, str] = {
    "release_idle_customers": "loupan.customers.services.release_idle_customers",
    "expire_registrations": "loupan.channels.services.registrations_expire",
    "refresh_segments": "loupan.analytics.services.segment_runs_refresh",
}
# Jobs run at every check (webhook retries that have come due, imports whose worker stopped).
FREQUENT_JOBS: dict[str, str] = {
    "deliver_webhooks": "loupan.exchange.webhooks.deliver_due",
    "fail_stale_imports": "loupan.exchange.services.import_jobs_fail_stale",
}
CHECK_EVERY_SECONDS = 300


def run_due_jobs(now=None) -> list[str]:  # noqa: ANN001
    """Run every daily job that has not run today (local time). Returns the names run."""
    from .models import JobRun

    now = now or timezone.now()
    today = timezone.localdate(now)
    ran = []
    for name, path in DAILY_JOBS.items():
        with transaction.atomic():
            JobRun.objects.get_or_create(name=name)
            run = JobRun.objects.select_for_update().get(name=name)
            if run.last_run_at and timezone.localdate(run.last_run_at) >= today:
                continue
            job: Callable = import_string(path)
            result = job(now=now)
            run.last_run_at = now
            run.last_result = result if isinstance(result, dict) else {"result": str(result)}
            run.save(update_fields=["last_run_at", "last_result"])
            ran.append(name)
    return ran


def _loop(stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            run_due_jobs()
            for path in FREQUENT_JOBS.values():
                import_string(path)()
        except Exception:  # a failed run is retried at the next check
            logger.exception("embedded scheduler: a job failed")
        finally:
            close_old_connections()
        stop.wait(CHECK_EVERY_SECONDS)


_started = threading.Event()


def start_if_serving() -> None:
    """Start the thread once, in the process that serves requests (not in migrate, tests...)."""
    if not getattr(settings, "EMBEDDED_SCHEDULER", False) or _started.is_set():
        return
    argv = sys.argv
    serving = len(argv) > 1 and argv[1] == "runserver"
    if not serving:
        return
    # runserver's autoreloader runs the app in a child with RUN_MAIN set; --noreload does not.
    if "--noreload" not in argv and os.environ.get("RUN_MAIN") != "true":
        return
    _started.set()
    threading.Thread(target=_loop, args=(threading.Event(),), name="loupan-scheduler", daemon=True).start()
