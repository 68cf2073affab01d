"""Commission computed from the contract rows (no signals, no stored state until issued).

For an agency and a month: every sales contract **signed** in the month whose customer is
credited to one of the agency's agents earns ``contract value x rate``; every such contract
**cancelled** in the month reverses what it earned (the same rate, negative). The rate comes
from the agency contract in force on the signing day that covers the customer's site: its
``rate_percent``, or with ``tiers`` the rate of the highest tier that the agency's number of
contracts signed in that month reaches (the whole month at that rate).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from loupan.org.models import Agency
from loupan.sales.models import Contract

from ..choices import LineKind
from ..models import AgencyContract, CommissionLine
from .kpis import Period

CENT = Decimal("0.01")


@dataclass
class Line:
    kind: str
    contract: Contract
    agency_contract: AgencyContract | None
    at: dt.datetime
    rate_percent: Decimal
    amount: Decimal

    @property
    def agent(self) -> Any:
        return self.contract.customer.credited_to

    @property
    def site(self) -> Any:
        return self.contract.customer.site


def rate_for(terms: AgencyContract, volume: int) -> Decimal:
    """The rate of ``terms`` for a month in which the agency signed ``volume`` contracts."""
    rate = terms.rate_percent
    for tier in terms.tiers or []:
        if volume >= int(tier["min_contracts"]):
            rate = Decimal(str(tier["rate_percent"]))
    return rate


def _terms(contracts: list[AgencyContract], site_id: int, day: dt.date) -> AgencyContract | None:
    for terms in contracts:
        if terms.covers(day) and site_id in terms.site_ids:
            return terms
    return None


def _agency_contracts(agency: Agency) -> list[AgencyContract]:
    contracts = list(
        AgencyContract.objects.filter(agency=agency).prefetch_related("sites").order_by("-start")
    )
    for terms in contracts:
        terms.site_ids = {s.pk for s in terms.sites.all()}
    return contracts


def _agency_deals(agency: Agency):  # noqa: ANN202
    return Contract.objects.filter(
        customer__credited_to__agency=agency, customer__credited_to__role="agent", signed_at__isnull=False
    ).select_related("customer__credited_to", "customer__site", "unit__building")


def _volume_by_month(agency: Agency, months: set[dt.date]) -> Counter:
    """Contracts the agency signed per local month (the tier's volume)."""
    if not months:
        return Counter()
    first, last = min(months), max(months)
    end = Period(last).end
    rows = (
        _agency_deals(agency)
        .filter(signed_at__gte=Period(first).start, signed_at__lt=end)
        .annotate(m=TruncMonth("signed_at", tzinfo=timezone.get_current_timezone()))
        .values_list("m", flat=True)
    )
    return Counter(timezone.localtime(m).date() if isinstance(m, dt.datetime) else m for m in rows)


def _amount(value: Decimal, rate: Decimal) -> Decimal:
    return (value * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def commission_lines(*, agency: Agency, period: Period) -> list[Line]:
    """The month's lines of an agency, earned then reversed, by date."""
    start, end = period.start, period.end
    signed = list(_agency_deals(agency).filter(signed_at__gte=start, signed_at__lt=end))
    cancelled = list(
        _agency_deals(agency).filter(status="cancelled", cancelled_at__gte=start, cancelled_at__lt=end)
    )
    months = {timezone.localdate(c.signed_at).replace(day=1) for c in signed + cancelled}
    volume = _volume_by_month(agency, months)
    terms_list = _agency_contracts(agency)
    frozen = {
        line.contract_id: line
        for line in CommissionLine.objects.filter(
            contract__in=[c.pk for c in cancelled], kind=LineKind.EARNED
        )
    }
    lines: list[Line] = []
    for kind, rows in ((LineKind.EARNED, signed), (LineKind.REVERSED, cancelled)):
        for contract in rows:
            signed_on = timezone.localdate(contract.signed_at)
            terms = _terms(terms_list, contract.customer.site_id, signed_on)
            earned = frozen.get(contract.pk) if kind == LineKind.REVERSED else None
            if earned is not None:  # reverse exactly what was issued
                rate, amount = earned.rate_percent, earned.amount
            elif terms is not None:
                rate = rate_for(terms, volume[signed_on.replace(day=1)])
                amount = _amount(contract.price, rate)
            else:
                continue  # no agency contract covered that sale: no commission
            sign = -1 if kind == LineKind.REVERSED else 1
            at = contract.cancelled_at if kind == LineKind.REVERSED else contract.signed_at
            lines.append(Line(kind, contract, terms, at, rate, sign * amount))
    return sorted(lines, key=lambda line: (line.at, line.contract.pk, line.kind))


def commission_totals(lines: list[Any]) -> dict[str, Decimal]:
    earned = sum((line.amount for line in lines if line.kind == LineKind.EARNED), Decimal("0.00"))
    reversed_ = sum((line.amount for line in lines if line.kind == LineKind.REVERSED), Decimal("0.00"))
    return {"earned": earned, "reversed": reversed_, "total": earned + reversed_}


def commission_agencies() -> list[Agency]:
    """Agencies that have (or had) a contract, for the settlement page's picker."""
    return list(Agency.objects.filter(Q(contracts__isnull=False)).distinct().order_by("name"))
