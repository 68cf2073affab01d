"""Commission from contracts by agency terms (tiers), statements, export, reversal."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from loupan.channels import services
from loupan.channels.models import CommissionStatement
from loupan.channels.selectors import commission_lines, commission_totals, parse_period
from loupan.core.errors import Conflict, NotAllowed
from loupan.core.models import AuditEvent
from loupan.customers.tests.factories import CustomerFactory
from loupan.inventory.tests.factories import ProjectFactory, link, make_building
from loupan.sales import services as deals

pytestmark = pytest.mark.django_db
OCT, NOV = parse_period("2026-10"), parse_period("2026-11")


def at(month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, 11))


@pytest.fixture
def cm(ch) -> SimpleNamespace:  # noqa: ANN001
    """ag1's customers sign two contracts in October (1,000,000 and 2,000,000), s1a's one
    (in-house: no commission). 好房代理's terms: 1% base, 1.5% from 2 contracts a month."""
    w = ch.w
    ch.contract.tiers = [{"min_contracts": 2, "rate_percent": "1.50"}]
    ch.contract.save()
    project = ProjectFactory()
    link(w.s1, project)
    units = list(make_building(project, 2, 2).units.all().order_by("id"))

    def sell(owner, unit, price, day):  # noqa: ANN001, ANN202
        customer = CustomerFactory(site=w.s1, owner=owner, status="visited")
        unit.total_price = price  # the list price: no discount to approve
        unit.save()
        sub = deals.subscription_create(actor=w.sm1, unit=unit, customer=customer, price=price)
        return deals.contract_create(
            actor=w.sm1, subscription=sub, payment_method="full", price=price, signed_at=at(10, day)
        )

    return SimpleNamespace(
        ch=ch, w=w,
        big=sell(w.ag1, units[0], Decimal("2000000.00"), 8),
        small=sell(w.ag1, units[1], Decimal("1000000.00"), 9),
        house=sell(w.s1a, units[2], Decimal("3000000.00"), 10),
    )  # fmt: skip


def test_commission_by_tier_for_the_whole_month(cm) -> None:
    lines = commission_lines(agency=cm.w.agency, period=OCT)
    assert [(line.kind, line.contract.pk, line.rate_percent, line.amount) for line in lines] == [
        ("earned", cm.big.pk, Decimal("1.50"), Decimal("30000.00")),
        ("earned", cm.small.pk, Decimal("1.50"), Decimal("15000.00")),
    ]
    assert commission_totals(lines)["total"] == Decimal("45000.00")
    # One contract a month stays on the base rate; other agencies earn nothing from these.
    deals.contract_cancel(actor=cm.w.sm1, contract=cm.small)
    assert [line.rate_percent for line in commission_lines(agency=cm.w.agency, period=OCT)] == [
        Decimal("1.50"),
        Decimal("1.50"),
    ]  # the volume counts contracts signed in the month, cancelled later or not
    assert commission_lines(agency=cm.ch.other, period=OCT) == []


def test_a_cancelled_contract_reverses_its_issued_commission(cm) -> None:
    w = cm.w
    october = services.commission_statement_issue(actor=w.cm, agency=w.agency, period=OCT)
    assert (october.earned, october.reversed, october.total) == (
        Decimal("45000.00"),
        Decimal("0.00"),
        Decimal("45000.00"),
    )
    assert october.lines.count() == 2
    with pytest.raises(Conflict) as exc:
        services.commission_statement_issue(actor=w.admin, agency=w.agency, period=OCT)
    assert exc.value.code == "statement_exists"
    deals.contract_cancel(actor=w.sm1, contract=cm.big, reason="退房")
    this_month = parse_period(f"{timezone.localdate():%Y-%m}")
    lines = commission_lines(agency=w.agency, period=this_month)
    assert [(line.kind, line.contract.pk, line.amount) for line in lines] == [
        ("reversed", cm.big.pk, Decimal("-30000.00"))
    ]
    statement = services.commission_statement_issue(actor=w.cm, agency=w.agency, period=this_month)
    assert (statement.reversed, statement.total) == (Decimal("-30000.00"), Decimal("-30000.00"))
    october.refresh_from_db()
    assert october.total == Decimal("45000.00")  # an issued statement never changes


def test_only_company_managers_settle_and_export_is_audited(cm) -> None:
    w = cm.w
    for actor in (w.sm1, w.s1a, w.ag1):
        with pytest.raises(NotAllowed):
            services.commission_statement_issue(actor=actor, agency=w.agency, period=OCT)
    statement = services.commission_statement_issue(actor=w.admin, agency=w.agency, period=OCT)
    with pytest.raises(NotAllowed):
        services.commission_statement_export(actor=w.sm1, statement=statement)
    content, filename, mime = services.commission_statement_export(actor=w.cm, statement=statement)
    assert filename.endswith(".xlsx") and "spreadsheetml" in mime
    rows = [
        list(r) for r in load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True)
    ]
    assert "好房代理" in rows[0][0] and "45000.00" in rows[1][0]
    assert [r[2] for r in rows[3:]] == [cm.big.pk, cm.small.pk] and rows[3][-1] == 30000
    event = AuditEvent.objects.get(action="export", object_type="commissionstatement")
    assert event.actor == w.cm and event.detail["row_count"] == 2


def test_no_terms_covering_the_sale_means_no_commission(cm) -> None:
    cm.ch.contract.sites.set([cm.w.s2])
    assert commission_lines(agency=cm.w.agency, period=OCT) == []


def test_commission_api(cm, api) -> None:  # noqa: ANN001
    w = cm.w
    url = f"/api/v1/commission/?agency={w.agency.pk}&period=2026-10"
    assert api(w.sm1).get(url).status_code == 403
    body = api(w.cm).get(url).json()
    assert body["total"] == "45000.00" and [line["amount"] for line in body["lines"]] == [
        "30000.00",
        "15000.00",
    ]
    r = api(w.cm).post(
        "/api/v1/commission-statements/", {"agency": w.agency.pk, "period": "2026-10"}, format="json"
    )
    assert r.status_code == 201 and r.json()["total"] == "45000.00"
    pk = r.json()["id"]
    assert (
        api(w.cm)
        .post("/api/v1/commission-statements/", {"agency": w.agency.pk, "period": "2026-10"}, format="json")
        .status_code
        == 409
    )
    assert len(api(w.admin).get(f"/api/v1/commission-statements/{pk}/").json()["lines"]) == 2
    r = api(w.cm).get(f"/api/v1/commission-statements/{pk}/export/?format=xlsx")
    assert r.status_code == 200 and r["Content-Disposition"].endswith('.xlsx"')
    assert api(w.ag1).get(f"/api/v1/commission-statements/{pk}/export/?format=xlsx").status_code == 403
    assert CommissionStatement.objects.count() == 1
