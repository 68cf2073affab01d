"""Reads for analytics: the reports a user may run, their filters, and their results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from loupan.core.errors import NotFound, ValidationFailed
from loupan.core.policy import require
from loupan.customers.choices import CustomerStatus

from . import charts, engine, results
from .registry import CATEGORIES, REGISTRY, Report
from .sources import Filters


def report_list(*, user: Any) -> list[dict[str, str]]:
    """Every report the user may run, in category order: ``[{slug, title, category}]``."""
    require(user, "report.run")
    order = {key: i for i, key in enumerate(CATEGORIES)}
    reports = sorted(REGISTRY.values(), key=lambda r: order[r.category])
    return [{"slug": r.slug, "title": str(r.title), "category": r.category} for r in reports]


def report_get(*, user: Any, slug: str) -> Report:
    require(user, "report.run")
    try:
        return REGISTRY[slug]
    except KeyError:
        raise NotFound(_("No such report.")) from None


def _date(params: Mapping[str, Any], name: str, errors: dict) -> dt.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = [_("Enter a date as YYYY-MM-DD.")]
        return None


def _scoped_pk(queryset: Any, params: Mapping[str, Any], name: str, errors: dict) -> Any:
    """An id from the user's scope: an id outside it is refused exactly like a missing one."""
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    obj = queryset.filter(pk=raw).first() if raw.isdigit() else None
    if obj is None:
        errors[name] = [_("Select a valid choice. That choice is not one of the available choices.")]
    return obj


def report_filters(*, user: Any, params: Mapping[str, Any]) -> Filters:
    """Parse ``site``, ``project``, ``date_from``, ``date_to`` and ``status`` (400 on bad values)."""
    from loupan.inventory.models import Project
    from loupan.org.models import Site

    errors: dict[str, list[str]] = {}
    site = _scoped_pk(Site.objects.visible_to(user), params, "site", errors)
    project = _scoped_pk(Project.objects.visible_to(user), params, "project", errors)
    date_from, date_to = _date(params, "date_from", errors), _date(params, "date_to", errors)
    if date_from and date_to and date_from > date_to:
        errors["date_to"] = [_("The end of the period comes before its start.")]
    status = (params.get("status") or "").strip()
    if status and status not in CustomerStatus.values:
        errors["status"] = [_("Select a valid choice. That choice is not one of the available choices.")]
    if errors:
        raise ValidationFailed(errors)
    return Filters(site=site, project=project, date_from=date_from, date_to=date_to, status=status)


def report_result(*, user: Any, report: Report, filters: Filters, with_keys: bool = False) -> dict[str, Any]:
    """``{slug, title, category, columns, rows, chart}`` over the user's scope (``keys``: the raw
    value behind each row, for links to the list behind it)."""
    table, computed_at = results.report_table(report, user=user, filters=filters)
    result = {
        "slug": report.slug,
        "title": str(report.title),
        "category": report.category,
        "columns": table.columns,
        "kinds": table.kinds,
        "rows": table.rows,
        "chart": charts.option_for(table, report.chart),
        "filters": filters.as_params(),
        "computed_at": computed_at,
    }
    if with_keys:
        result["keys"] = table.keys
    return result


def report_table(*, user: Any, report: Report, filters: Filters) -> engine.Table:
    return engine.run(report, user=user, filters=filters)


# --- purchase-intention segments ---------------------------------------------------------------

ON_THE_SPOT_LIMIT = 100_000
CACHE_SECONDS = 600


def segment_list(*, user: Any, k: int | None = None) -> dict[str, Any]:
    """Segments of the user's scope: ``{segments, computed_at, intentions, sample_size, k, mode}``.

    Under ``ON_THE_SPOT_LIMIT`` intentions they are computed now (cached while the data stay
    the same); above it they come from the latest background run for exactly this scope, and
    a run is queued when there is none yet (``mode`` "pending" until it is done).
    """
    from django.core.cache import cache
    from django.db.models import Count, Max

    from . import segmentation, services
    from .models import SegmentRun
    from .sources import SOURCES

    require(user, "report.run")
    qs = SOURCES["customers"].queryset(user, Filters())
    key = services.scope_key(user)
    stats = segmentation.clusterable(qs).aggregate(n=Count("id"), changed=Max("updated_at"))
    if stats["n"] < ON_THE_SPOT_LIMIT:
        changed = stats["changed"].timestamp() if stats["changed"] else 0
        cache_key = f"loupan:segments:{key}:{k}:{stats['n']}:{changed}"
        result = cache.get(cache_key)
        if result is None:
            r = segmentation.compute(qs, k=k)
            result = {"segments": r.segments, "computed_at": r.computed_at, "intentions": r.intentions,
                      "sample_size": r.sample_size, "k": r.k, "silhouette": r.silhouette, "mode": "live"}  # fmt: skip
            cache.set(cache_key, result, CACHE_SECONDS)
        return result
    run = SegmentRun.objects.filter(scope_key=key, k_requested=k).first()
    if run is None:
        if settings.CELERY_TASK_ALWAYS_EAGER:  # no broker: the job runs in this process, now
            run = services.segment_run_create(actor=user, k=k)
        else:
            services.segment_run_request(actor=user, k=k)
    if run is None:
        return {"segments": [], "computed_at": None, "intentions": stats["n"], "sample_size": 0, "k": 0,
                "silhouette": None, "mode": "pending"}  # fmt: skip
    return {"segments": run.segments, "computed_at": run.computed_at, "intentions": run.intentions,
            "sample_size": run.sample_size, "k": run.k, "silhouette": run.silhouette, "mode": "background"}  # fmt: skip


def segment_k(params: Mapping[str, Any]) -> int | None:
    """``?k=N`` (2-10), or None to let the data choose."""
    raw = (params.get("k") or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 2 <= int(raw) <= 10:
        raise ValidationFailed({"k": [_("Choose a number of segments from 2 to 10.")]})
    return int(raw)
