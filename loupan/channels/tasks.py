"""Background jobs of the channels app: thin wrappers that call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="loupan.channels.tasks.expire_registrations_task")
def expire_registrations_task() -> dict[str, int]:
    """Daily: pending registrations past their deadline lapse (scheduled by Celery beat)."""
    return services.registrations_expire()
