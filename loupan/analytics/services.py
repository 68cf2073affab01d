"""Writes of analytics: background segmentation runs (the only thing analytics stores)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

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


# Scopes whose segments someone asked for within this many days are refreshed every night;
# runs superseded for longer than this are deleted.
SEGMENTS_KEPT_DAYS = 30


def segment_runs_refresh(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The nightly job: recompute the segments of every scope in recent use, so the large
    scopes (answered from background runs) show last night's data, not the first run's.

    Each scope is recomputed as the person who last asked for it, and only while that person
    still has exactly that scope (a moved or deactivated user's old scope is left to age out).
    Returns ``{"refreshed", "skipped", "deleted"}``.
    """
    now = now or timezone.now()
    since = now - dt.timedelta(days=SEGMENTS_KEPT_DAYS)
    latest: dict[tuple[str, int | None], SegmentRun] = {}
    for run in SegmentRun.objects.filter(computed_at__gte=since).select_related("requested_by"):
        latest.setdefault((run.scope_key, run.k_requested), run)  # newest first (Meta.ordering)
    refreshed = skipped = 0
    for (key, k), run in latest.items():
        user = run.requested_by
        if timezone.localdate(run.computed_at) >= timezone.localdate(now):
            continue
        if user is None or not user.is_active or scope_key(user) != key:
            skipped += 1
            continue
        segment_run_create(actor=user, k=k)
        refreshed += 1
    seen: set[tuple[str, int | None]] = set()
    superseded = []
    for run in SegmentRun.objects.only("id", "scope_key", "k_requested", "computed_at"):  # newest first
        if (run.scope_key, run.k_requested) in seen and run.computed_at < since:
            superseded.append(run.pk)
        seen.add((run.scope_key, run.k_requested))
    deleted, _ = SegmentRun.objects.filter(pk__in=superseded).delete()
    return {"refreshed": refreshed, "skipped": skipped, "deleted": deleted}
