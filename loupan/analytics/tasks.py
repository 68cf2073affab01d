"""Background jobs of analytics: thin wrappers that call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="loupan.analytics.tasks.segments_refresh_task")
def segments_refresh_task(user_id: int, k: int | None = None) -> int:
    """Compute the intention segments of a user's scope; returns the run's id."""
    from loupan.org.models import User

    from . import services

    user = User.objects.get(pk=user_id)
    return services.segment_run_create(actor=user, k=k).pk


@shared_task(name="loupan.analytics.tasks.segment_runs_refresh_task")
def segment_runs_refresh_task() -> dict[str, int]:
    """Nightly: recompute the segments of every scope in recent use."""
    from . import services

    return services.segment_runs_refresh()
