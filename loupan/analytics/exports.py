"""A report as a spreadsheet: the same table the page shows, audited (domain.md rule 7)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from loupan.core.audit import audit_record
from loupan.core.errors import ValidationFailed
from loupan.core.policy import require
from loupan.core.spreadsheets import MIME, write_table

from . import engine
from .registry import Report
from .sources import Filters

FORMATS = ("xlsx", "csv")


def report_export(
    *, actor: Any, report: Report, filters: Filters, fmt: str = "xlsx"
) -> tuple[bytes, str, str]:
    """Render the report over the actor's scope and record the export (who, which report,
    which filters, how many rows). Returns (content, file name, MIME type)."""
    require(actor, "report.export")
    if fmt not in FORMATS:
        raise ValidationFailed({"format": [_("Choose xlsx or csv.")]})
    table = engine.run(report, user=actor, filters=filters)
    now = timezone.localtime()
    scope = ", ".join(f"{k}={v}" for k, v in filters.as_params().items()) or _("no filters")
    title = [str(report.title), _("Exported by %(name)s at %(time)s") % {
        "name": actor.display_name, "time": now.strftime("%Y-%m-%d %H:%M:%S")}, scope]  # fmt: skip
    content, count = write_table(fmt, title_lines=title, header=table.columns, rows=table.rows)
    audit_record(
        actor=actor,
        action="export",
        object_type="report",
        detail={"report": report.slug, "format": fmt, "filters": filters.as_params(), "row_count": count},
    )
    return content, f"{report.slug}-{now:%Y%m%d-%H%M%S}.{fmt}", MIME[fmt]
