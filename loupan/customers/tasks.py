"""Background jobs on customers: thin wrappers that call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="loupan.customers.tasks.release_idle_customers_task")
def release_idle_customers_task() -> dict[str, int]:
    """Daily: idle customers go to their site's pool (scheduled by Celery beat)."""
    return services.release_idle_customers()
