"""Reads of the data exchange, always through ``visible_to``."""

from __future__ import annotations

from itertools import islice
from typing import Any

from django.db.models import QuerySet

from .choices import LIVE_COMMIT_STATUSES
from .importing.readers import open_table
from .models import ImportJob


def import_list(*, user: Any) -> QuerySet[ImportJob]:
    return ImportJob.objects.visible_to(user).select_related("created_by").order_by("-created_at", "-id")


def import_sample(*, job: ImportJob, rows: int = 5) -> list[list[str]]:
    """The first rows of the job's file, cells as text, for the mapping page."""
    table = open_table(job.file.path, job.file_name)
    try:
        width = len(table.headers)
        return [
            [("" if c is None else str(c)) for c in (cells + [None] * width)[:width]]
            for _n, cells in islice(table.rows, rows)
        ]
    finally:
        table.close()


def import_commit_of(*, job: ImportJob) -> ImportJob | None:
    """The commit made from dry run ``job`` that is queued, running or succeeded, if any."""
    return job.commits.filter(status__in=LIVE_COMMIT_STATUSES).order_by("-pk").first()
