"""The dry-run report as a spreadsheet: row, column, value, message."""

from __future__ import annotations

from django.utils.translation import gettext as _

from loupan.core.spreadsheets import write_table

from .models import ImportJob


def report_xlsx(job: ImportJob) -> bytes:
    title = _("Import %(id)d: %(file)s (%(kind)s), %(n)d errors") % {
        "id": job.pk, "file": job.file_name, "kind": job.get_kind_display(), "n": job.error_count,
    }  # fmt: skip
    lines = [title]
    if job.error_count > len(job.errors):
        lines.append(_("The first %(n)d errors are listed.") % {"n": len(job.errors)})
    if job.failure:
        lines.append(job.failure)
    content, _count = write_table(
        "xlsx",
        title_lines=lines,
        header=[_("Row"), _("Column"), _("Value"), _("Message")],
        rows=([e["row"], e["column"], e.get("value", ""), e["message"]] for e in job.errors),
    )
    return content
