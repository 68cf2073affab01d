"""A site manager opens the dashboard and a report in a real Chromium: the charts are drawn."""

import pytest

from loupan.core.testing.browser import login, requires_chromium
from loupan.org.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, requires_chromium, pytest.mark.django_db(transaction=True)]


def test_site_manager_sees_charts_on_the_dashboard_and_a_report(company, new_page, live_server):
    page = new_page()
    login(page, live_server.url, "sm1", PASSWORD)

    page.goto(f"{live_server.url}/analytics/")
    page.locator("[data-chart][data-rendered=true] canvas").first.wait_for()
    assert page.locator("[data-chart] canvas").count() >= 3
    assert "一号案场" in page.content() and "二号案场" not in page.content()

    page.click("text=销售漏斗")
    page.wait_for_url("**/analytics/reports/sales-funnel/**")
    page.locator("[data-chart][data-rendered=true] canvas").wait_for()

    page.goto(f"{live_server.url}/analytics/reports/customers-by-age-band-and-income-band/")
    page.locator("[data-chart][data-rendered=true] canvas").wait_for()
    assert page.locator("table.report-table tbody tr").count() == 5  # c1-c5, the ages of site s1
    assert page.errors == []
