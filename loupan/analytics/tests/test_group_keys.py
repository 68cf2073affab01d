"""How a report's groups are keyed in SQL: on SQLite, a plain column that the aggregates read
rows beside is written ``+col`` (so the planner scans the table instead of walking that
column's index row by row); a plain row count keeps the bare column (a covering index)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loupan.analytics import engine
from loupan.analytics.registry import REGISTRY

pytestmark = pytest.mark.django_db
SITE = '"customers_customer"."site_id"'


def grouped_sql(company, slug: str) -> str:  # noqa: ANN001
    with CaptureQueriesContext(connection) as ctx:
        table = engine.run(REGISTRY[slug], user=company.world.cm)
    assert table.rows, slug  # the fixture has customers at both sites
    return next(q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"])


def test_group_key_of_row_reading_aggregates(company) -> None:  # noqa: ANN001
    sql = grouped_sql(company, "pool-by-site")  # counts customers and those in the pool
    plus = f"+{SITE}" in sql
    assert plus == (connection.vendor == "sqlite"), sql
    assert SITE in sql


def test_a_plain_count_keeps_the_bare_column(company) -> None:  # noqa: ANN001
    sql = grouped_sql(company, "customers-by-site")
    assert SITE in sql and f"+{SITE}" not in sql, sql
