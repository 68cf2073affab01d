"""The KPI board against a hand-computed fixture (site s1, October 2026).

    customer  created       credit / owner        notes
    A1        Oct 3         s1a / s1a             visit (s1a), subscribed Oct 5, contract Oct 8 (1,000,000)
    A2        Oct 4         s1a / s1a             visit + revisit (s1a), subscribed Oct 6 then cancelled,
                                                  next action Oct 20 not done (overdue)
    A3        Sep 20        s1a / s1a             subscribed Sep 25 (outside), next action Sep 28
    B1        Oct 9         s1b / s1a (transfer)  visit (s1a), subscribed Oct 10 (credit s1b)
    P1        Oct 11        created by s1b, claimed from the pool by s1a
    G1        Oct 12        ag1 (registration)    visit (ag1), subscribed Oct 13, contract Oct 14 (2,000,000)
    X2        Oct 15, s2    ag2                   another site: not on s1's board

Expected per person (new, visits, revisits, subs, contracts, value, conversion, overdue):
    s1a: 2 (A1, A2), 3, 1, 1 (A1), 1, 1000000.00, 1/3, 1 (A2)
    s1b: 2 (B1, P1), 0, 0, 1 (B1), 0, 0.00, None, 0
    ag1: 1 (G1), 1, 0, 1, 1, 2000000.00, 1.0, 0
    ag2: all zero
Ranking by contract value: ag1 1, s1a 2, s1b 3, ag2 4.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from loupan.channels.models import KpiTarget
from loupan.channels.selectors import kpi_rows, kpi_teams, parse_period
from loupan.channels.services import kpi_target_set
from loupan.core.errors import NotAllowed, ValidationFailed
from loupan.customers.models import PoolClaim
from loupan.customers.tests.factories import CustomerFactory
from loupan.inventory.tests.factories import ProjectFactory, link, make_building
from loupan.sales.models import Activity, Contract, Subscription

pytestmark = pytest.mark.django_db


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour))


@pytest.fixture
def kp(ch) -> SimpleNamespace:  # noqa: ANN001
    w = ch.w
    project = ProjectFactory()
    link(w.s1, project)
    units = list(make_building(project, 2, 3).units.all().order_by("id"))

    def customer(created, credit, owner=None, site=None, **kw):  # noqa: ANN001, ANN003, ANN202
        return CustomerFactory(
            site=site or w.s1, created_at=created, credited_to=credit, registered_by=credit,
            owner=owner or credit, **kw,
        )  # fmt: skip

    def visit(c, user, when, kind="visit") -> None:  # noqa: ANN001
        Activity.objects.create(customer=c, user=user, kind=kind, occurred_at=when)

    def subscribe(c, unit, when, status="active"):  # noqa: ANN001, ANN202
        return Subscription.objects.create(
            unit=unit, customer=c, price=unit.total_price, sign_deadline=when.date(), status=status,
            created_by=w.sm1, created_at=when,
        )  # fmt: skip

    def sign(sub, price, when) -> None:  # noqa: ANN001
        sub.status = "contracted"
        sub.save()
        Contract.objects.create(
            subscription=sub, unit=sub.unit, customer=sub.customer, list_price=price, price=price,
            payment_method="full", signed_at=when, status="active", created_by=w.sm1,
        )  # fmt: skip

    a1 = customer(at(10, 3), w.s1a, next_action_at=at(12, 5))
    a2 = customer(at(10, 4), w.s1a, next_action_at=at(10, 20))
    a3 = customer(at(9, 20), w.s1a, next_action_at=at(9, 28))
    b1 = customer(at(10, 9), w.s1b, owner=w.s1a)
    p1 = customer(at(10, 11), w.s1a)
    p1.registered_by = w.s1b
    p1.save()
    PoolClaim.objects.create(customer=p1, user=w.s1a, site=w.s1, claimed_at=at(10, 12))
    g1 = customer(at(10, 12), w.ag1)
    customer(at(10, 15), ch.ag2, site=w.s2)
    visit(a1, w.s1a, at(10, 3))
    visit(a2, w.s1a, at(10, 4))
    visit(a2, w.s1a, at(10, 7), "revisit")
    visit(b1, w.s1a, at(10, 9))
    visit(g1, w.ag1, at(10, 12))
    visit(a3, w.s1a, at(9, 20))
    sign(subscribe(a1, units[0], at(10, 5)), Decimal("1000000.00"), at(10, 8))
    subscribe(a2, units[1], at(10, 6), status="cancelled")
    subscribe(a3, units[2], at(9, 25))
    subscribe(b1, units[3], at(10, 10))
    sign(subscribe(g1, units[4], at(10, 13)), Decimal("2000000.00"), at(10, 14))
    return SimpleNamespace(ch=ch, w=w, period=parse_period("2026-10"))


EXPECTED = {
    "s1a": dict(new_customers=2, visits=3, revisits=1, subscriptions=1, contracts=1,
                contract_value=Decimal("1000000.00"), conversion_rate=0.3333, revisit_rate=0.3333,
                overdue_follow_ups=1, rank=2),
    "s1b": dict(new_customers=2, visits=0, revisits=0, subscriptions=1, contracts=0,
                contract_value=Decimal("0.00"), conversion_rate=None, revisit_rate=None,
                overdue_follow_ups=0, rank=3),
    "ag1": dict(new_customers=1, visits=1, revisits=0, subscriptions=1, contracts=1,
                contract_value=Decimal("2000000.00"), conversion_rate=1.0, revisit_rate=0.0,
                overdue_follow_ups=0, rank=1),
    "ag2": dict(new_customers=0, visits=0, revisits=0, subscriptions=0, contracts=0,
                contract_value=Decimal("0.00"), conversion_rate=None, revisit_rate=None,
                overdue_follow_ups=0, rank=4),
}  # fmt: skip


def _user(kp: SimpleNamespace, key: str):  # noqa: ANN202
    return getattr(kp.w, key, None) or getattr(kp.ch, key)


def test_the_board_matches_the_hand_computed_numbers(kp, django_assert_max_num_queries) -> None:  # noqa: ANN001
    with django_assert_max_num_queries(10):
        rows = kpi_rows(user=kp.w.sm1, site=kp.w.s1, period=kp.period)
    by_user = {r["user"]: r for r in rows}
    assert [r["user"] for r in rows] == [_user(kp, k).pk for k in ("ag1", "s1a", "s1b", "ag2")]
    for key, expected in EXPECTED.items():
        row = by_user[_user(kp, key).pk]
        assert {k: row[k] for k in expected} == expected, key
        assert row["ranked_of"] == 4
    assert by_user[kp.w.ag1.pk]["team"] == "好房代理" and by_user[kp.w.s1a.pk]["team"] == "in_house"
    assert by_user[kp.ch.ag2.pk]["team"] == "安居代理"


def test_in_house_and_agency_are_compared_with_the_same_definitions(kp) -> None:
    teams = kpi_teams(kpi_rows(user=kp.w.cm, site=kp.w.s1, period=kp.period))
    groups = {(t["group"], t["team"]): t for t in teams}
    in_house, agency = groups[("in_house", "")], groups[("agency", "")]
    assert (in_house["people"], in_house["new_customers"], in_house["visits"], in_house["subscriptions"]) == (
        2,
        4,
        3,
        2,
    )
    assert in_house["contract_value"] == Decimal("1000000.00") and in_house["conversion_rate"] == 0.6667
    assert (agency["people"], agency["new_customers"], agency["visits"], agency["contracts"]) == (2, 1, 1, 1)
    assert agency["contract_value"] == Decimal("2000000.00") and agency["conversion_rate"] == 1.0
    assert groups[("agency", "好房代理")]["people"] == 1 and ("in_house", "in_house") in groups


def test_a_salesperson_or_agent_reads_only_their_own_row_with_their_rank(kp) -> None:
    for key in ("s1a", "ag1", "s1b"):
        rows = kpi_rows(user=_user(kp, key), site=kp.w.s1, period=kp.period)
        assert [(r["user"], r["rank"], r["ranked_of"]) for r in rows] == [
            (_user(kp, key).pk, EXPECTED[key]["rank"], 4)
        ]


def test_the_api_answers_per_role(kp, api) -> None:  # noqa: ANN001
    w = kp.w
    url = f"/api/v1/kpis/?site={w.s1.pk}&period=2026-10"
    body = api(w.sm1).get(url).json()
    assert body["count"] == 4 and body["period"] == "2026-10" and "teams" in body
    first = body["results"][0]
    assert set(first) >= {"user", "team", "new_customers", "visits", "revisits", "subscriptions", "contracts",
                          "contract_value", "conversion_rate", "overdue_follow_ups", "rank"}  # fmt: skip
    assert (first["user"], first["contract_value"]) == (w.ag1.pk, "2000000.00")
    body = api(w.s1a).get(url).json()
    assert [r["user"] for r in body["results"]] == [w.s1a.pk] and "teams" not in body
    assert body["results"][0]["rank"] == 2
    # A site outside the scope answers like one that does not exist.
    missing = api(w.sm2).get("/api/v1/kpis/?site=999999&period=2026-10")
    r = api(w.sm2).get(url)
    assert r.status_code == 400 == missing.status_code and r.json() == missing.json()
    assert api(w.sm1).get(f"/api/v1/kpis/?site={w.s1.pk}&period=2026-13").status_code == 400


def test_targets_per_person_and_month(kp, api) -> None:  # noqa: ANN001
    w = kp.w
    with pytest.raises(NotAllowed):
        kpi_target_set(
            actor=w.s1a, user=w.s1a, site=w.s1, month=dt.date(2026, 10, 1), values={"contracts": 3}
        )
    with pytest.raises(ValidationFailed):
        kpi_target_set(
            actor=w.sm1, user=w.s2a, site=w.s1, month=dt.date(2026, 10, 1), values={"contracts": 3}
        )
    r = api(w.sm1).post(
        "/api/v1/kpi-targets/",
        {
            "user": w.ag1.pk,
            "site": w.s1.pk,
            "month": "2026-10",
            "contracts": 2,
            "contract_value": "3000000.00",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    r = api(w.sm1).post(
        "/api/v1/kpi-targets/",
        {"user": w.ag1.pk, "site": w.s1.pk, "month": "2026-10", "contracts": 4},
        format="json",
    )
    assert r.status_code == 201 and KpiTarget.objects.count() == 1
    row = kpi_rows(user=w.ag1, site=w.s1, period=kp.period)[0]
    assert row["target"] == {"new_customers": None, "visits": None, "subscriptions": None, "contracts": 4,
                             "contract_value": None}  # fmt: skip
    assert api(w.ag1).get("/api/v1/kpi-targets/").json()["count"] == 1
    assert api(w.s1a).get("/api/v1/kpi-targets/").json()["count"] == 0
    assert (
        api(w.sm2)
        .post("/api/v1/kpi-targets/", {"user": w.ag1.pk, "site": w.s1.pk, "month": "2026-10"}, format="json")
        .status_code
        == 403
    )


def _page(user, url: str):  # noqa: ANN001, ANN202
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(url)


def test_the_board_page_shows_the_table_the_chart_and_the_comparison(kp) -> None:
    w = kp.w
    r = _page(w.sm1, f"/channels/kpis/?site={w.s1.pk}&period=2026-10")
    text = r.content.decode()
    assert r.status_code == 200
    for name in ("张顾问", "李顾问", "赵代理", "钱代理", "好房代理", "2000000.00", 'data-chart="kpi-chart"'):
        assert name in text, name
    assert 'id="kpi-chart"' in text and "echarts.min.js" in text and "teams" in text
    text = _page(w.s1a, f"/channels/kpis/?site={w.s1.pk}&period=2026-10").content.decode()
    assert "张顾问" in text and "赵代理" not in text and "2 / 4" in text
    assert _page(w.sm2, f"/channels/kpis/?site={w.s1.pk}&period=2026-10").status_code == 404
    assert _page(w.s1a, f"/channels/kpis/targets/?site={w.s1.pk}&period=2026-10").status_code == 403


def test_managers_set_targets_on_the_page(kp) -> None:
    from django.test import Client

    w = kp.w
    client = Client()
    client.force_login(w.sm1)
    url = f"/channels/kpis/targets/?site={w.s1.pk}&period=2026-10"
    assert "赵代理" in client.get(url).content.decode()
    r = client.post(url, {f"{w.ag1.pk}-contracts": "3", f"{w.s1a.pk}-contract_value": "5000000"})
    assert r.status_code == 302
    assert KpiTarget.objects.get(user=w.ag1).contracts == 3
    assert KpiTarget.objects.get(user=w.s1a).contract_value == Decimal("5000000")
    r = client.post(url, {f"{w.ag1.pk}-contracts": "-1"})
    assert r.status_code == 200 and KpiTarget.objects.get(user=w.ag1).contracts == 3
