"""api-v1 "Reports": shapes, scope, filters, export (audited)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from loupan.core.models import AuditEvent

pytestmark = pytest.mark.django_db

REQUIRED = ["customers-by-source", "customers-by-age-band", "customers-by-income-band", "intentions-by-bedrooms",
            "sales-funnel", "sell-through-by-building"]  # fmt: skip


def test_list_names_every_report(company, api):
    response = api(company.world.s1a).get("/api/v1/reports/")
    assert response.status_code == 200
    body = response.json()
    assert len(body) >= 70
    assert set(body[0]) == {"slug", "title", "category"}
    assert set(REQUIRED) <= {r["slug"] for r in body}


@pytest.mark.parametrize("slug", REQUIRED)
def test_required_reports_have_label_and_count_first(company, api, slug):
    body = api(company.world.cm).get(f"/api/v1/reports/{slug}/").json()
    assert {"slug", "title", "columns", "rows", "chart"} <= set(body)
    assert body["slug"] == slug and body["rows"]
    for row in body["rows"]:
        assert isinstance(row[0], str) and isinstance(row[1], int)
    assert body["chart"]["series"]


def test_report_is_computed_over_the_callers_scope(company, api):
    def total(user) -> int:  # noqa: ANN001
        return sum(r[1] for r in api(user).get("/api/v1/reports/customers-by-source/").json()["rows"])

    w = company.world
    expected = {"admin": 7, "cm": 7, "sm1": 5, "sm2": 2, "s1a": 2, "s1b": 1, "s2a": 2, "ag1": 1}
    assert {role: total(getattr(w, role)) for role in expected} == expected
    # the pool customer c5 counts for the managers of s1, never for the salespeople who may claim it
    funnel = api(w.s1b).get("/api/v1/reports/sales-funnel/").json()["rows"]
    assert funnel[0][1] == 1


def test_filters(company, api):
    w = company.world
    body = api(w.cm).get(f"/api/v1/reports/customers-by-source/?site={w.s2.pk}&date_from=2000-01-01").json()
    assert sum(r[1] for r in body["rows"]) == 2
    assert api(w.cm).get("/api/v1/reports/customers-by-source/?date_from=1.1.2026").status_code == 400
    # a site outside the caller's scope is refused like one that does not exist
    assert api(w.sm1).get(f"/api/v1/reports/customers-by-source/?site={w.s2.pk}").json() == api(w.sm1).get(
        "/api/v1/reports/customers-by-source/?site=999999").json()  # fmt: skip
    assert api(w.sm1).get(f"/api/v1/reports/customers-by-source/?site={w.s2.pk}").status_code == 400


def test_unknown_report_and_anonymous(company, api):
    assert api(company.world.cm).get("/api/v1/reports/no-such-report/").status_code == 404
    assert api().get("/api/v1/reports/").status_code == 401


def test_export_is_a_spreadsheet_and_audited(company, api):
    w = company.world
    response = api(w.sm1).get(f"/api/v1/reports/customers-by-source/export/?format=xlsx&site={w.s1.pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert values[-4:][0][1] == 2  # 自然到访: c1, c3
    event = AuditEvent.objects.get(action="export", object_type="report")
    assert event.actor == w.sm1
    assert event.detail["report"] == "customers-by-source" and event.detail["row_count"] == 4
    assert event.detail["filters"] == {"site": str(w.s1.pk)}
    assert api(w.sm1).get("/api/v1/reports/customers-by-source/export/?format=pdf").status_code == 400
