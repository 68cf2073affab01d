"""Report results kept for a few minutes when they were expensive to compute.

At a million customers a company-wide report can take seconds to tens of seconds of database
time (channel effectiveness, the funnel); managers open the same few reports again and again.
A result that took longer than ``LOUPAN_REPORT_CACHE_SLOW_SECONDS`` is kept for
``LOUPAN_REPORT_CACHE_SECONDS``, per report, data scope, filters and language, and the page
says when it was computed. Quick results (a salesperson's own numbers, any small company) are
never kept: they are always live.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language

from . import engine
from .registry import Report
from .services import scope_key
from .sources import Filters


def _key(report: Report, user: Any, filters: Filters) -> str:
    params = urlencode(sorted(filters.as_params().items()))
    return f"loupan:report:{report.slug}:{scope_key(user)}:{get_language()}:{params}"


def _plain(table: engine.Table) -> engine.Table:
    """The table with its (possibly lazy) labels made plain strings, so that it can be stored."""

    def plain(value: Any) -> Any:
        return str(value) if isinstance(value, str | Promise) else value

    return dataclasses.replace(
        table, columns=[str(c) for c in table.columns], rows=[[plain(v) for v in row] for row in table.rows]
    )


def report_table(report: Report, *, user: Any, filters: Filters) -> tuple[engine.Table, dt.datetime | None]:
    """The report's table over the user's scope and when it was computed, if it comes from the
    cache or has just been put there (``None``: computed now and not kept)."""
    key = _key(report, user, filters)
    kept = cache.get(key)
    if kept is not None:
        return kept
    started = time.perf_counter()
    table = engine.run(report, user=user, filters=filters)
    if time.perf_counter() - started < settings.LOUPAN_REPORT_CACHE_SLOW_SECONDS:
        return table, None
    kept = (_plain(table), timezone.now())
    cache.set(key, kept, settings.LOUPAN_REPORT_CACHE_SECONDS)
    return kept
