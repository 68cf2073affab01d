"""Background jobs of the data exchange: thin wrappers that call a service."""

from __future__ import annotations

import threading

from celery import shared_task
from django.conf import settings
from django.db import connection


@shared_task(name="loupan.exchange.tasks.run_import_task")
def run_import_task(job_id: int) -> str:
    """Run one queued import (large files)."""
    from .services import import_run

    return import_run(job_id=job_id).status


@shared_task(name="loupan.exchange.tasks.fail_stale_imports_task")
def fail_stale_imports_task() -> int:
    """Fail the imports whose worker stopped (also scheduled every 5 minutes)."""
    from .services import import_jobs_fail_stale

    return import_jobs_fail_stale()


@shared_task(name="loupan.exchange.tasks.deliver_webhooks_task")
def deliver_webhooks_task() -> int:
    """Send the webhook deliveries that are due (also scheduled every minute)."""
    from .webhooks import deliver_due

    return deliver_due()


def _in_thread(task, *args) -> None:  # noqa: ANN001
    def work() -> None:
        try:
            task(*args)
        finally:
            connection.close()

    threading.Thread(target=work, name=f"loupan-{task.name.rsplit('.', 1)[-1]}", daemon=True).start()


def _dispatch(task, *args) -> None:  # noqa: ANN001
    """Celery with a broker; without one, a thread of this process (so the page that queued
    the work can show its progress), or inline where threads are off (tests)."""
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.LOUPAN_JOBS_IN_THREAD:
        _in_thread(task, *args)
    else:
        task.delay(*args)


def dispatch_import(job_id: int) -> None:
    _dispatch(run_import_task, job_id)


def dispatch_deliveries() -> None:
    _dispatch(deliver_webhooks_task)
