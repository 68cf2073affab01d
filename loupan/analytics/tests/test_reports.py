"""Each report family against numbers worked out by hand on the fixture (see conftest.py)."""

from __future__ import annotations

import pytest
from django.utils import translation

from loupan.analytics import engine
from loupan.analytics.registry import REGISTRY
from loupan.analytics.sources import Filters
from loupan.customers.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rows(company, slug, role="cm", **filters):  # noqa: ANN001, ANN201
    return engine.run(REGISTRY[slug], user=getattr(company.world, role), filters=Filters(**filters)).rows


def as_dict(table_rows, col=1):  # noqa: ANN001, ANN201
    return {r[0]: r[col] for r in table_rows}


def test_profiles_distributions(company):
    assert rows(company, "customers-by-source") == [
        ["Walk-in", 3, 42.86], ["Online", 2, 28.57], ["Agency", 1, 14.29], ["Phone call", 1, 14.29]
    ]  # fmt: skip
    assert as_dict(rows(company, "customers-by-age-band")) == {
        "<25": 1, "25-34": 1, "35-44": 2, "45-54": 1, "55+": 1, "Not given": 1}  # fmt: skip
    assert [r[0] for r in rows(company, "customers-by-age-band")][:5] == [
        "<25",
        "25-34",
        "35-44",
        "45-54",
        "55+",
    ]
    assert as_dict(rows(company, "customers-by-income-band")) == {
        "100k-300k": 1, "300k-500k": 2, "500k-1M": 1, "over 1M": 1, "Not given": 2}  # fmt: skip
    assert as_dict(rows(company, "customers-by-interest")) == {"教育": 2, "健身": 1, "Not given": 5}
    assert as_dict(rows(company, "customers-by-site")) == {"一号案场": 5, "二号案场": 2}
    assert as_dict(rows(company, "customers-by-team")) == {"In-house": 6, "好房代理": 1}


def test_profiles_cross_tab_and_buyers(company):
    table = engine.run(REGISTRY["customers-by-age-band-and-income-band"], user=company.world.cm)
    assert table.columns[1:] == ["100k-300k", "300k-500k", "500k-1M", "over 1M", "Not given", "Total"]
    assert table.rows[2] == ["35-44", 0, 1, 1, 0, 0, 2]
    assert sum(r[-1] for r in table.rows) == 7
    buyers = {r[0]: r[1:] for r in rows(company, "buyers-by-source")}
    assert buyers["Walk-in"] == [3, 2, pytest.approx(66.67)]  # c1 contracted, c6 owner; c3 a lead
    assert buyers["Online"] == [2, 0, 0.0]


def test_intentions(company):
    assert rows(company, "intentions-by-bedrooms") == [["2 bedrooms", 1, 20.0], ["3 bedrooms", 3, 60.0],
                                                       ["4 bedrooms", 1, 20.0]]  # fmt: skip
    # budget midpoints: 240万, 325万, 165万, 425万, 300万
    assert as_dict(rows(company, "intentions-by-budget-band")) == {
        "150-200万": 1,
        "200-300万": 1,
        "300-500万": 3,
    }
    # area midpoints: 110, 130, 85, 150 (c6 gave none)
    assert as_dict(rows(company, "intentions-by-area-band")) == {
        "<90㎡": 1, "90-120㎡": 1, "120-144㎡": 1, "144㎡+": 1, "Not given": 1}  # fmt: skip
    assert as_dict(rows(company, "intentions-by-level")) == {"A: ready to buy": 3, "B: strong interest": 1,
                                                             "C: some interest": 1}  # fmt: skip
    heat = {r[0]: r[1:] for r in rows(company, "intentions-by-bedrooms-and-budget-band")}
    assert heat["3 bedrooms"] == [0, 1, 2, 3]  # 150-200 / 200-300 / 300-500 / total


def test_positioning_demand_against_unsold_units(company):
    assert rows(company, "positioning-by-bedrooms") == [
        ["2 bedrooms", 1, 2, 0, 2.0], ["3 bedrooms", 3, 1, 2, 0.33], ["4 bedrooms", 1, 0, 1, 0.0]
    ]  # fmt: skip
    by_price = {r[0]: r[1:3] for r in rows(company, "positioning-by-price-band")}
    assert by_price["150-200万"] == [1, 2] and by_price["300-500万"] == [3, 1]


def test_sales_funnel_visits_and_conversion(company):
    assert rows(company, "sales-funnel") == [["Registered", 7], ["Visited", 5], ["Subscribed", 3],
                                             ["Contracted", 2], ["Handed over", 1]]  # fmt: skip
    assert rows(company, "sales-funnel", role="sm1") == [["Registered", 5], ["Visited", 3], ["Subscribed", 2],
                                                         ["Contracted", 1], ["Handed over", 0]]  # fmt: skip
    visits = {r[0]: r[1:] for r in rows(company, "visits-by-site")}
    assert visits["一号案场"] == [3, 1, 3, pytest.approx(33.33)]  # visits, revisits, customers, rate
    conversion = {r[0]: r[1:] for r in rows(company, "conversion-by-source")}
    assert conversion["Walk-in"] == [3, 2, 2, 2, pytest.approx(66.67)]


def test_deals_prices_and_discounts(company):
    assert rows(company, "contracts-by-unit-project") == [
        ["西溪云庐", 1, 2450000.0],
        ["钱江悦府", 1, 4100000.0],
    ]
    assert as_dict(rows(company, "subscriptions-by-status")) == {"Active": 1, "Contracted": 2, "Cancelled": 1}
    prices = {r[0]: r[1:] for r in rows(company, "prices-by-unit-project")}
    assert prices["西溪云庐"] == [1, 2450000.0, pytest.approx(20762.71, abs=0.01), 2500000.0]
    discounts = {r[0]: r[1:] for r in rows(company, "discounts-by-unit-project")}
    assert discounts["钱江悦府"] == [1, 2.38, 2.38]


def test_sell_through(company):
    assert rows(company, "sell-through-by-building") == [
        ["西溪云庐 1号楼", 4, 2, 2, 50.0, 5100000.0], ["钱江悦府 A座", 2, 1, 1, 50.0, 4200000.0]
    ]  # fmt: skip
    assert as_dict(rows(company, "sell-through-by-layout"), 4) == {"2室2厅1卫": 0.0, "3室2厅1卫": pytest.approx(66.67),
                                                                  "4室2厅1卫": 100.0}  # fmt: skip
    # a site manager sees the inventory of their site's project only
    assert [r[0] for r in rows(company, "sell-through-by-building", role="sm2")] == ["钱江悦府 A座"]


def test_payments_and_receivables_ageing(company):
    assert sum(r[1] for r in rows(company, "payments-by-month")) == 4_600_000
    ageing = {r[0]: r[1:] for r in rows(company, "receivables-ageing")}
    # c1 paid 500k: 250k of the 750k due 40 days ago is overdue, the 1.7M is not due yet; c6 paid all.
    assert ageing == {"Not yet due": [1700000.0, 1700000.0, 1], "Overdue 31-90 days": [250000.0, 750000.0, 1],
                      "Overdue 91-180 days": [0.0, 4100000.0, 1]}  # fmt: skip


def test_channels_and_discipline(company):
    teams = {r[0]: r[1:] for r in rows(company, "channel-in-house-vs-agency")}
    assert teams["好房代理"][:5] == [1, 1, 1, 1, 0]  # customers, A-level, visits, subscriptions, contracts
    assert teams["In-house"][:6] == [6, 2, 6, 2, 2, 6550000.0]
    pool = {r[0]: r[1:] for r in rows(company, "pool-by-site")}
    assert pool["一号案场"] == [5, 1, 20.0]
    overdue = {r[0]: r[1:3] for r in rows(company, "overdue-follow-ups-by-salesperson")}
    assert overdue["张顾问"] == [2, 1]


def test_filters_narrow_every_source(company):
    assert as_dict(rows(company, "customers-by-source", site=company.world.s2)) == {"Walk-in": 1, "Online": 1}
    assert rows(company, "sales-funnel", status="lost")[0] == ["Registered", 1]
    assert [r[0] for r in rows(company, "sell-through-by-building", project=company.p1)] == ["西溪云庐 1号楼"]
    assert [r[0] for r in rows(company, "sell-through-by-building", site=company.world.s2)] == [
        "钱江悦府 A座"
    ]


@pytest.mark.parametrize("role", ["s1a", "s1b", "ag1", "s2a"])
def test_a_salespersons_totals_are_their_own_counts(company, role):
    user = getattr(company.world, role)
    own = Customer.objects.filter(owner=user).count()
    assert sum(r[1] for r in rows(company, "customers-by-source", role=role)) == own
    assert rows(company, "sales-funnel", role=role)[0] == ["Registered", own]
    wanting = Customer.objects.filter(owner=user, intent_bedrooms__isnull=False).count()
    assert sum(r[1] for r in rows(company, "intentions-by-bedrooms", role=role)) == wanting


def test_site_managers_count_their_sites(company):
    assert sum(r[1] for r in rows(company, "customers-by-source", role="sm2")) == 2
    assert rows(company, "contracts-by-unit-project", role="sm2") == [["钱江悦府", 1, 4100000.0]]


def test_rule_based_levels(company):
    # c1, c6 came back with budget and bedrooms (A); c2, c4 visited with a budget (B); c3 gave an intention,
    # c7 was followed up an hour ago (C); c5 nothing (D)
    assert as_dict(rows(company, "intentions-by-rule-level")) == {
        "A: ready to buy": 2, "B: strong interest": 2, "C: some interest": 2, "D: weak interest": 1}  # fmt: skip
