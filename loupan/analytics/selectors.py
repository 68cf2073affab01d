"""Reads for analytics: the reports a user may run, their filters, and their results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from loupan.core.errors import NotFound, ValidationFailed
from loupan.core.policy import require
from loupan.customers.choices import CustomerStatus

from . import charts, engine
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
    table = engine.run(report, user=user, filters=filters)
    result = {
        "slug": report.slug,
        "title": str(report.title),
        "category": report.category,
        "columns": table.columns,
        "kinds": table.kinds,
        "rows": table.rows,
        "chart": charts.option_for(table, report.chart),
        "filters": filters.as_params(),
    }
    if with_keys:
        result["keys"] = table.keys
    return result


def report_table(*, user: Any, report: Report, filters: Filters) -> engine.Table:
    return engine.run(report, user=user, filters=filters)
