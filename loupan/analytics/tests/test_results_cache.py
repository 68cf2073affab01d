"""Slow report results are kept for a few minutes per scope, filters and language; quick ones
are always live."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from loupan.analytics import engine, results
from loupan.analytics.registry import REGISTRY
from loupan.analytics.sources import Filters
from loupan.customers.models import Customer
from loupan.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
REPORT = REGISTRY["customers-by-site"]


@pytest.fixture(autouse=True)
def empty_cache():  # noqa: ANN201
    cache.clear()
    yield
    cache.clear()


def counts(table: engine.Table) -> int:
    return sum(row[1] for row in table.rows)


def test_quick_results_are_live(company, settings) -> None:  # noqa: ANN001
    settings.LOUPAN_REPORT_CACHE_SLOW_SECONDS = 60
    before, computed_at = results.report_table(REPORT, user=company.world.cm, filters=Filters())
    assert computed_at is None
    CustomerFactory(site=company.world.s1, owner=company.world.s1a)
    after, _ = results.report_table(REPORT, user=company.world.cm, filters=Filters())
    assert counts(after) == counts(before) + 1


def test_slow_results_are_kept_per_scope_and_filters(company, settings) -> None:  # noqa: ANN001
    settings.LOUPAN_REPORT_CACHE_SLOW_SECONDS = 0
    w = company.world
    first, computed_at = results.report_table(REPORT, user=w.cm, filters=Filters())
    assert computed_at is not None
    CustomerFactory(site=w.s1, owner=w.s1a)
    again, kept_at = results.report_table(REPORT, user=w.cm, filters=Filters())
    assert counts(again) == counts(first) and kept_at == computed_at  # served from the cache
    # another scope, or other filters, never read that result: they see the new customer
    at_s1 = Customer.objects.filter(site=w.s1).count()
    mine, _ = results.report_table(REPORT, user=w.sm1, filters=Filters())
    assert counts(mine) == at_s1 and len(mine.rows) == 1
    filtered, _ = results.report_table(REPORT, user=w.cm, filters=Filters(site=w.s1))
    assert counts(filtered) == at_s1
    settings.LOUPAN_REPORT_CACHE_SECONDS = 0
    cache.clear()
    fresh, _ = results.report_table(REPORT, user=w.cm, filters=Filters())
    assert counts(fresh) == counts(first) + 1


def test_the_page_and_the_api_say_when_a_kept_result_was_computed(company, client, api, settings) -> None:  # noqa: ANN001
    settings.LOUPAN_REPORT_CACHE_SLOW_SECONDS = 0
    client.force_login(company.world.cm)
    page = client.get(
        "/analytics/reports/customers-by-site/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert 'id="computed-at"' in page and "计算于" in page
    assert api(company.world.cm).get("/api/v1/reports/customers-by-site/").json()["computed_at"]
    settings.LOUPAN_REPORT_CACHE_SLOW_SECONDS = 60
    cache.clear()
    assert 'id="computed-at"' not in client.get("/analytics/reports/customers-by-site/").content.decode()
    assert api(company.world.cm).get("/api/v1/reports/customers-by-site/").json()["computed_at"] is None
