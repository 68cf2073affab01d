"""Export of the customer list (domain.md rule 5): managers only, scoped, audited.

Rows are read as plain values in chunks (no model instances, choice labels looked up
once), because an export may hold a couple of hundred thousand customers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from loupan.core.audit import audit_record
from loupan.core.policy import require
from loupan.core.spreadsheets import MIME, write_table

from .choices import CustomerStatus, Gender, Purpose
from .models import Customer

FORMATS = ("csv", "xlsx")
CHUNK = 2000

# (column label, value key); keys name a ``values()`` field or a computed value below.
_FIELDS = [
    "pk", "name", "phone", "gender", "birth_date", "income_band", "occupation", "district",
    "source__name", "site__name", "owner_id", "owner__full_name", "owner__username", "status",
    "intent_level", "intent_budget_min", "intent_budget_max", "intent_area_min", "intent_area_max",
    "intent_bedrooms", "intent_purpose", "notes", "created_at",
]  # fmt: skip


def _header() -> list[str]:
    return [
        _("ID"), _("Name"), _("Phone"), _("Gender"), _("Age"), _("Income band"), _("Occupation"),
        _("Interests"), _("Home district"), _("Source"), _("Site"), _("Owner"), _("Status"), _("Level"),
        _("Budget from"), _("Budget to"), _("Area from"), _("Area to"), _("Bedrooms"), _("Purpose"),
        _("Notes"), pgettext("export column", "Created"),
    ]  # fmt: skip


def _age(born: dt.date | None, today: dt.date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _rows(queryset: QuerySet[Customer], limit: int) -> Iterator[list[Any]]:
    """The export's rows, ``CHUNK`` customers at a time, interests fetched per chunk."""
    genders = {k: str(v) for k, v in Gender.choices}
    statuses = {k: str(v) for k, v in CustomerStatus.choices}
    purposes = {k: str(v) for k, v in Purpose.choices}
    pool = _("public pool")
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    values = queryset.prefetch_related(None).values(*_FIELDS)[:limit].iterator(chunk_size=CHUNK)
    while chunk := list(islice(values, CHUNK)):
        tags: dict[int, list[str]] = defaultdict(list)
        through = Customer.interests.through.objects.filter(customer_id__in=[c["pk"] for c in chunk])
        for customer_id, tag in through.values_list("customer_id", "interest__name").order_by(
            "interest__name"
        ):
            tags[customer_id].append(tag)
        for c in chunk:
            owner = (c["owner__full_name"] or c["owner__username"]) if c["owner_id"] else pool
            yield [
                c["pk"], c["name"], c["phone"], genders.get(c["gender"], ""), _age(c["birth_date"], today),
                c["income_band"], c["occupation"], "、".join(tags.get(c["pk"], ())), c["district"],
                c["source__name"] or "", c["site__name"], owner, statuses.get(c["status"], c["status"]),
                c["intent_level"], c["intent_budget_min"], c["intent_budget_max"], c["intent_area_min"],
                c["intent_area_max"], c["intent_bedrooms"], purposes.get(c["intent_purpose"], ""), c["notes"],
                c["created_at"].astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            ]  # fmt: skip


def export_customers(
    *, actor: Any, queryset: QuerySet[Customer], fmt: str, filters: dict[str, Any]
) -> tuple[bytes, str, str]:
    """Render the (already scoped and filtered) list and audit the export.

    Returns (content, file name, MIME type). The file names the exporter and the time.
    """
    require(actor, "customer.export", None, _("Only managers can export customers."))
    now = timezone.localtime()
    title = [_("Loupan customer export"), _("Exported by %(name)s at %(time)s") % {
        "name": actor.display_name, "time": now.strftime("%Y-%m-%d %H:%M:%S")}]  # fmt: skip
    rows = _rows(queryset, settings.LOUPAN_EXPORT_MAX_ROWS)
    content, count = write_table(fmt, title_lines=title, header=_header(), rows=rows)
    audit_record(
        actor=actor,
        action="export",
        object_type="customer",
        detail={"format": fmt, "filters": filters, "row_count": count},
    )
    filename = f"customers-{now:%Y%m%d-%H%M%S}.{fmt}"
    return content, filename, MIME[fmt]
