"""Analytics pages: the dashboard of each role, the catalogue, a report, its export."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from loupan.analytics.registry import REGISTRY
from loupan.core.models import AuditEvent
from loupan.core.testing.clients import client_for

pytestmark = pytest.mark.django_db


def chart_options(html: str) -> list[dict]:
    return [
        json.loads(m)
        for m in re.findall(r'<script id="[^"]+" type="application/json">(.*?)</script>', html, re.S)
    ]


@pytest.mark.parametrize("role, heading", [("s1a", "我的一天"), ("sm1", "我的案场"), ("cm", "公司总览")])
def test_dashboard_per_role(company, role, heading, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        response = client_for(getattr(company.world, role)).get(reverse("analytics:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200 and heading in html
    assert "echarts.min.js" in html and len(chart_options(html)) >= 2


def test_salespersons_day_counts_their_own_and_links_to_their_list(company):
    html = client_for(company.world.s1a).get(reverse("analytics:dashboard")).content.decode()
    mine = re.search(r'href="/customers/\?owner=(\d+)"><span class="num">(\d+)</span>', html)
    assert mine.groups() == (str(company.world.s1a.pk), "2")
    assert f'/customers/?owner={company.world.s1a.pk}&amp;status=subscribed"><span class="num">0<' in html


def test_site_manager_sees_their_sites_only(company):
    html = client_for(company.world.sm2).get(reverse("analytics:dashboard")).content.decode()
    assert "二号案场" in html and "一号案场" not in html
    assert f'href="/customers/?site={company.world.s2.pk}"' in html


def test_catalogue_lists_every_report(company):
    html = client_for(company.world.sm1).get(reverse("analytics:reports")).content.decode()
    assert html.count('href="/analytics/reports/') == len(REGISTRY)


def test_every_report_page_renders(company):
    client = client_for(company.world.sm1)
    for slug in REGISTRY:
        response = client.get(reverse("analytics:report", args=[slug]))
        assert response.status_code == 200, slug
        assert chart_options(response.content.decode()), slug


def test_report_rows_link_to_the_customer_list(company):
    w = company.world
    url = reverse("analytics:report", args=["customers-by-source"]) + f"?site={w.s1.pk}"
    html = client_for(w.sm1).get(url).content.decode()
    assert f'href="/customers/?site={w.s1.pk}&amp;source=walk_in">自然到访</a>' in html


def test_bad_filters_are_shown_on_the_form(company):
    w = company.world
    url = reverse("analytics:report", args=["customers-by-source"]) + f"?site={w.s2.pk}"
    response = client_for(w.sm1).get(url)
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not chart_options(response.content.decode())


def test_export_from_the_page_is_audited(company):
    url = reverse("analytics:report_export", args=["sell-through-by-building"]) + "?format=xlsx"
    response = client_for(company.world.cm).get(url)
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert (
        AuditEvent.objects.filter(action="export", object_type="report", actor=company.world.cm).count() == 1
    )


def test_unknown_report_is_404_and_login_required(company):
    assert client_for(company.world.cm).get("/analytics/reports/nope/").status_code == 404
    assert Client().get(reverse("analytics:dashboard")).status_code == 302


def test_navigation_has_analytics(company):
    html = client_for(company.world.s1a).get(reverse("home")).content.decode()
    assert reverse("analytics:dashboard") in html
