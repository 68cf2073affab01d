"""Payments received (回款) and receivables ageing (应收账龄).

What is still owed on a schedule item follows ``contract_receivables`` in the deal
services: payments fill a contract's items in schedule order. In SQL: an item's cover
is the contract's payments minus the items before it, clamped to the item's amount.
"""

from __future__ import annotations

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils.translation import gettext_lazy as _

from ..dims import D
from ..registry import Measure, Report, by_title, count, register, total

MONEY = DecimalField(max_digits=16, decimal_places=2)
PAYMENTS = count("count", _("Payments"))
RECEIVED = total("amount", _("Received"), "amount")


def _sum_of(qs, field: str):  # noqa: ANN001, ANN202
    return Coalesce(Subquery(qs.values("contract_id").annotate(t=Sum(field)).values("t")[:1]), Value(0),
                    output_field=MONEY)  # fmt: skip


def outstanding():  # noqa: ANN201
    """What is still owed on each schedule item (an expression over the item's row)."""
    from loupan.sales.models import Payment, PaymentScheduleItem

    paid = _sum_of(Payment.objects.filter(contract_id=OuterRef("contract_id")), "amount")
    before = _sum_of(
        PaymentScheduleItem.objects.filter(contract_id=OuterRef("contract_id"), seq__lt=OuterRef("seq")),
        "amount",
    )
    covered = Greatest(Value(0, output_field=MONEY), Least("amount", paid - before, output_field=MONEY),
                       output_field=MONEY)  # fmt: skip
    return Sum(F("amount") - covered, output_field=MONEY)


DUE = total("due", _("Scheduled"), "amount")
OUTSTANDING = Measure("outstanding", _("Outstanding"), lambda s: outstanding(), kind="money")
ITEMS = count("items", _("Schedule items"))


def _active(s):  # noqa: ANN001, ANN202
    return Q(contract__status="active")


def _received(s):  # noqa: ANN001, ANN202
    return ~Q(method="carried_over")  # money carried to a new contract on 换房 was received once, before


register(
    Report("payments-by-month", by_title(_("Payments received"), D["month"]), "finance", source="payments",
           dims=(D["month"],), measures=(RECEIVED, PAYMENTS), chart="line", where=_received),
    Report("payments-by-channel", by_title(_("Payments received"), D["channel"]), "finance", source="payments",
           dims=(D["channel"],), measures=(RECEIVED, PAYMENTS), chart="pie", where=_received),
    Report("payments-by-project", by_title(_("Payments received"), D["unit-project"]), "finance",
           source="payments", dims=(D["unit-project"],), measures=(RECEIVED, PAYMENTS), where=_received),
    Report("payments-by-payment-method", by_title(_("Payments received"), D["payment-method"]), "finance",
           source="payments", dims=(D["payment-method"],), measures=(RECEIVED, PAYMENTS), chart="pie",
           where=_received),
    Report("receivables-ageing", by_title(_("Receivables"), D["ageing"]), "finance", source="schedule",
           dims=(D["ageing"],), measures=(OUTSTANDING, DUE, ITEMS), where=_active,
           description=_("What signed contracts still owe, by how long it has been due.")),
    Report("receivables-by-project", by_title(_("Receivables"), D["unit-project"]), "finance", source="schedule",
           dims=(D["unit-project"],), measures=(OUTSTANDING, DUE, ITEMS), where=_active),
    Report("receivables-by-month-due", by_title(_("Receivables"), D["month"]), "finance", source="schedule",
           dims=(D["month"],), measures=(OUTSTANDING, DUE, ITEMS), chart="line", where=_active),
)  # fmt: skip
