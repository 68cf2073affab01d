"""Issuing commission statements and exporting them for finance (audited)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loupan.core.audit import audit_record
from loupan.core.errors import Conflict
from loupan.core.policy import require
from loupan.core.spreadsheets import MIME, write_table
from loupan.org.models import Agency, User

from ..models import CommissionLine, CommissionStatement
from ..selectors.commission import commission_lines, commission_totals
from ..selectors.kpis import Period


@transaction.atomic
def commission_statement_issue(*, actor: User, agency: Agency, period: Period) -> CommissionStatement:
    """Freeze an agency's commission for a month into a statement for finance. One per
    agency and month (409 ``statement_exists``); later cancellations of its contracts are
    reversed on the statement of the month they happen in."""
    require(actor, "commission.settle", None, _("Only company managers settle commission."))
    lines = commission_lines(agency=agency, period=period)
    totals = commission_totals(lines)
    try:
        with transaction.atomic():
            statement = CommissionStatement.objects.create(
                agency=agency, month=period.month, created_by=actor, **totals
            )
    except IntegrityError:
        raise Conflict(
            "statement_exists", _("This month's statement of the agency was already issued.")
        ) from None
    CommissionLine.objects.bulk_create(
        [
            CommissionLine(
                statement=statement,
                kind=line.kind,
                contract=line.contract,
                agent=line.agent,
                site=line.site,
                agency_contract=line.agency_contract or _earned_terms(line),
                at=line.at,
                contract_value=line.contract.price,
                rate_percent=line.rate_percent,
                amount=line.amount,
            )  # fmt: skip
            for line in lines
        ]
    )
    audit_record(
        actor=actor, action="issue", obj=statement,
        detail={"lines": len(lines), **{k: str(v) for k, v in totals.items()}},
    )  # fmt: skip
    return statement


def _earned_terms(line: Any) -> Any:
    """A reversal without terms in force reuses the agency contract of the issued earning."""
    earned = CommissionLine.objects.filter(contract=line.contract, kind="earned").first()
    return earned.agency_contract if earned else None


HEADER = [
    gettext_lazy("Date"), gettext_lazy("Kind"), gettext_lazy("Contract"), gettext_lazy("Site"),
    gettext_lazy("Building"), gettext_lazy("Unit"), gettext_lazy("Customer"), gettext_lazy("Agent"),
    gettext_lazy("Contract value"), gettext_lazy("Commission rate"), gettext_lazy("Amount"),
]  # fmt: skip


def commission_statement_export(*, actor: User, statement: CommissionStatement, fmt: str = "xlsx") -> tuple:
    """The statement as XLSX (or CSV) for finance: one row per line, totals in the title.
    Audited as ``export`` with the row count. Returns ``(content, filename, mime)``."""
    require(actor, "commission.read", None, _("Only company managers read commission."))
    lines = statement.lines.select_related("contract__unit__building", "contract__customer", "agent", "site")
    rows = (
        [
            f"{line.at:%Y-%m-%d}",
            line.get_kind_display(),
            line.contract_id,
            line.site.name,
            line.contract.unit.building.name,
            line.contract.unit.number,
            line.contract.customer.name,
            line.agent.display_name,
            line.contract_value,
            line.rate_percent,
            line.amount,
        ]  # fmt: skip
        for line in lines.order_by("at", "id")
    )
    title = [
        _("Commission statement %(agency)s %(month)s")
        % {"agency": statement.agency.name, "month": f"{statement.month:%Y-%m}"},
        _("Earned %(earned)s, reversed %(reversed)s, total %(total)s")
        % {"earned": statement.earned, "reversed": statement.reversed, "total": statement.total},
    ]
    content, count = write_table(fmt, title_lines=title, header=[str(h) for h in HEADER], rows=rows)
    audit_record(
        actor=actor, action="export", obj=statement,
        detail={"row_count": count, "format": fmt, "agency": statement.agency_id, "month": f"{statement.month:%Y-%m}"},
    )  # fmt: skip
    filename = f"commission-{statement.agency_id}-{statement.month:%Y-%m}.{fmt}"
    return content, filename, MIME[fmt]
