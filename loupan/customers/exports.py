"""Export of the customer list (domain.md rule 5): managers only, scoped, audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from loupan.core.audit import audit_record
from loupan.core.policy import require
from loupan.core.spreadsheets import MIME, write_table

from .models import Customer

FORMATS = ("csv", "xlsx")


def _columns() -> list[tuple[str, Any]]:
    return [
        (_("ID"), lambda c: c.pk),
        (_("Name"), lambda c: c.name),
        (_("Phone"), lambda c: c.phone),
        (_("Gender"), lambda c: c.get_gender_display()),
        (_("Age"), lambda c: c.age),
        (_("Income band"), lambda c: c.income_band),
        (_("Occupation"), lambda c: c.occupation),
        (_("Interests"), lambda c: "、".join(i.name for i in c.interests.all())),
        (_("Home district"), lambda c: c.district),
        (_("Source"), lambda c: c.source.name if c.source_id else ""),
        (_("Site"), lambda c: c.site.name),
        (_("Owner"), lambda c: c.owner.display_name if c.owner_id else _("public pool")),
        (_("Status"), lambda c: c.get_status_display()),
        (_("Level"), lambda c: c.intent_level),
        (_("Budget from"), lambda c: c.intent_budget_min),
        (_("Budget to"), lambda c: c.intent_budget_max),
        (_("Area from"), lambda c: c.intent_area_min),
        (_("Area to"), lambda c: c.intent_area_max),
        (_("Bedrooms"), lambda c: c.intent_bedrooms),
        (_("Purpose"), lambda c: c.get_intent_purpose_display() if c.intent_purpose else ""),
        (_("Notes"), lambda c: c.notes),
        (
            pgettext("export column", "Created"),
            lambda c: timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"),
        ),
    ]


def export_customers(
    *, actor: Any, queryset: QuerySet[Customer], fmt: str, filters: dict[str, Any]
) -> tuple[bytes, str, str]:
    """Render the (already scoped and filtered) list and audit the export.

    Returns (content, file name, MIME type). The file names the exporter and the time.
    """
    require(actor, "customer.export", None, _("Only managers can export customers."))
    columns = _columns()
    now = timezone.localtime()
    limit = settings.LOUPAN_EXPORT_MAX_ROWS
    rows: Iterator[list[Any]] = (
        [getter(c) for _label, getter in columns]
        for c in queryset.select_related("owner", "site", "source")
        .prefetch_related("interests")[:limit]
        .iterator(chunk_size=2000)
    )
    title = [_("Loupan customer export"), _("Exported by %(name)s at %(time)s") % {
        "name": actor.display_name, "time": now.strftime("%Y-%m-%d %H:%M:%S")}]  # fmt: skip
    content, count = write_table(fmt, title_lines=title, header=[label for label, _g in columns], rows=rows)
    audit_record(
        actor=actor,
        action="export",
        object_type="customer",
        detail={"format": fmt, "filters": filters, "row_count": count},
    )
    filename = f"customers-{now:%Y%m%d-%H%M%S}.{fmt}"
    return content, filename, MIME[fmt]
