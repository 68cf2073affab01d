"""Writes of analytics: background segmentation runs (the only thing analytics stores)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from loupan.core.policy import require
from loupan.core.scoping import ScopeKind, scope_for

from . import segmentation
from .models import SegmentRun
from .sources import SOURCES, Filters


def scope_key(user: Any) -> str:
    """The data scope a result belongs to: results are only ever shared within one scope."""
    scope = scope_for(user)
    if scope.kind is ScopeKind.ALL:
        return "all"
    if scope.kind is ScopeKind.SITES:
        return "sites:" + ",".join(str(s) for s in sorted(scope.site_ids))
    if scope.kind is ScopeKind.OWN:
        return f"own:{scope.user_id}"
    return "none"


def segment_run_create(*, actor: Any, k: int | None = None) -> SegmentRun:
    """Cluster the intentions in the actor's scope now and keep the result (the background job)."""
    require(actor, "report.run")
    result = segmentation.compute(SOURCES["customers"].queryset(actor, Filters()), k=k)
    return SegmentRun.objects.create(
        scope_key=scope_key(actor), k_requested=k, k=result.k, intentions=result.intentions,
        sample_size=result.sample_size, silhouette=result.silhouette, segments=result.segments,
        computed_at=result.computed_at, seconds=result.seconds, requested_by=actor,
    )  # fmt: skip


def segment_run_request(*, actor: Any, k: int | None = None) -> None:
    """Queue a segmentation run for the actor's scope (in-process when no broker is configured)."""
    require(actor, "report.run")
    from .tasks import segments_refresh_task

    transaction.on_commit(lambda: segments_refresh_task.delay(actor.pk, k))
