"""Every report runs for every role, builds a chart, and the registry keeps its promises."""

from __future__ import annotations

import json

import pytest

from loupan.analytics import engine
from loupan.analytics.charts import option_for
from loupan.analytics.registry import CATEGORIES, REGISTRY

pytestmark = pytest.mark.django_db

REQUIRED = ["customers-by-source", "customers-by-age-band", "customers-by-income-band", "intentions-by-bedrooms",
            "sales-funnel", "sell-through-by-building"]  # fmt: skip


def test_at_least_seventy_reports_in_every_category():
    assert len(REGISTRY) >= 70
    assert set(REGISTRY) >= set(REQUIRED)
    assert {r.category for r in REGISTRY.values()} == set(CATEGORIES)


@pytest.mark.parametrize("role", ["admin", "sm1", "s1a", "ag1"])
def test_every_report_runs_and_charts(company, role, django_assert_max_num_queries):
    user = getattr(company.world, role)
    for slug, report in REGISTRY.items():
        with django_assert_max_num_queries(8):
            table = engine.run(report, user=user)
        assert all(len(row) == len(table.columns) for row in table.rows), slug
        option = option_for(table, report.chart)
        json.dumps(option)  # plain JSON for the page
        assert "series" in option, slug
